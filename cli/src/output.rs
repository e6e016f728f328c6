//! Output files written atomically, as a set: a command's outputs appear all together when it has
//! succeeded, or not at all, even if the process is killed at any moment.
//!
//! - When the output directory does not exist yet (or is empty), the files are written into a
//!   hidden staging directory beside it (`.NAME.entitle-tmp-PID`), which is renamed onto the output
//!   directory in one step on commit.
//! - When it already holds files (`--force`, or other files of the user's), each output is written
//!   under a temporary name in it (`.FILE.tmp-PID`). On commit, a journal (`.entitle-commit-PID`)
//!   listing the renames is written atomically first, then the files are renamed into place and the
//!   journal removed. A commit cut short by a crash is completed ("rolled forward") by the next
//!   command that prepares or reads the directory ([`recover`]).
//!
//! On failure the temporary files and the staging directory are removed (and directories this
//! command created, if empty). Temporary files and staging directories left by a killed process are
//! removed by the next command that writes there, once that process is gone.

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

const JOURNAL: &str = ".entitle-commit-";
const STAGING: &str = ".entitle-tmp-";
const PROBE: &str = ".entitle-probe-";

/// A set of output files in one directory.
pub struct OutputSet {
    dir: PathBuf,
    /// The staging directory, when the set is committed by renaming it onto `dir`.
    staging: Option<PathBuf>,
    created: Vec<PathBuf>,
    pending: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputSet {
    /// Prepares `dir` for the files `names`: completes a commit a killed process left unfinished,
    /// removes what killed processes left behind, refuses existing outputs unless `force`, and
    /// checks that the directory can be written.
    ///
    /// # Errors
    /// An output that exists (without `force`), or a directory that cannot be created or written.
    pub fn prepare(dir: &Path, names: &[&str], force: bool) -> Result<OutputSet> {
        if dir.is_dir() {
            recover(dir)?;
            clean_stale_temps(dir, names);
        }
        let staging_name = staging_name(dir);
        if let (Some(parent), Some(prefix)) = (parent_of(dir), &staging_name) {
            clean_stale_staging(&parent, prefix);
        }
        if !force {
            let existing: Vec<String> = names
                .iter()
                .map(|n| dir.join(n))
                .filter(|p| p.exists())
                .map(|p| p.display().to_string())
                .collect();
            if !existing.is_empty() {
                // In the command's language (`pay`, which has none, in English).
                let key = if existing.len() == 1 {
                    "output.exists.one"
                } else {
                    "output.exists.other"
                };
                let files = existing.join(", ");
                bail!(crate::term::catalog().render(key, &[("files", &files)]));
            }
        }
        if dir.exists() && !dir.is_dir() {
            let dir = dir.display().to_string();
            bail!(crate::term::catalog().render("output.not_a_directory", &[("dir", &dir)]));
        }
        let fresh = !dir.exists() || is_empty_dir(dir);
        let staging_parent = parent_of(dir).filter(|_| fresh);
        let mut set = OutputSet {
            dir: dir.to_path_buf(),
            staging: None,
            created: Vec::new(),
            pending: Vec::new(),
            committed: false,
        };
        let target = staging_parent.as_deref().unwrap_or(dir);
        let mut missing = Some(target);
        while let Some(p) = missing.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            set.created.push(p.to_path_buf());
            missing = p.parent();
        }
        std::fs::create_dir_all(target)
            .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
        if let (Some(parent), Some(prefix)) = (&staging_parent, &staging_name) {
            let staging = parent.join(format!("{prefix}{}", std::process::id()));
            // A directory of this name can only be left over by an earlier process with our id.
            let _ = std::fs::remove_dir_all(&staging);
            std::fs::create_dir(&staging).with_context(|| {
                format!("cannot write to the output directory {}", dir.display())
            })?;
            set.staging = Some(staging);
        }
        // Fail now, before any work, if the directory cannot be written.
        let probe = set
            .work_dir()
            .join(format!("{PROBE}{}", std::process::id()));
        File::create(&probe)
            .with_context(|| format!("cannot write to the output directory {}", dir.display()))?;
        let _ = std::fs::remove_file(&probe);
        Ok(set)
    }

    /// The output directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the files are written until the commit.
    fn work_dir(&self) -> &Path {
        self.staging.as_deref().unwrap_or(&self.dir)
    }

    /// Creates the temporary file for output `name` (again, empty, if it was created before).
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(&mut self, name: &str) -> Result<BufWriter<File>> {
        let target = self.dir.join(name);
        let temp = match &self.staging {
            Some(s) => s.join(name),
            None => self.dir.join(format!(".{name}.tmp-{}", std::process::id())),
        };
        let file =
            File::create(&temp).with_context(|| format!("cannot write {}", temp.display()))?;
        if !self.pending.iter().any(|(t, _)| *t == temp) {
            self.pending.push((temp, target));
        }
        Ok(BufWriter::with_capacity(1 << 20, file))
    }

    /// Writes a whole output file.
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let mut w = self.create(name)?;
        w.write_all(bytes)
            .and_then(|()| w.flush())
            .with_context(|| format!("cannot write {}", self.dir.join(name).display()))
    }

    /// Moves every file into place, all at once as far as a crash can tell.
    ///
    /// # Errors
    /// When the files cannot be moved (those not yet moved are removed).
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        for (temp, _) in &self.pending {
            File::open(temp)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot write {}", temp.display()))?;
        }
        let done: Vec<PathBuf> = self.pending.iter().map(|(_, t)| t.clone()).collect();
        if let Some(staging) = self.staging.clone() {
            sync_dir(&staging);
            // rename(2) replaces an empty directory: the outputs appear in one step.
            match std::fs::rename(&staging, &self.dir) {
                Ok(()) => {
                    self.staging = None;
                    self.pending.clear();
                    if let Some(parent) = parent_of(&self.dir) {
                        sync_dir(&parent);
                    }
                    self.committed = true;
                    return Ok(done);
                }
                // The directory was filled meanwhile, or this platform does not replace an empty
                // directory: commit in place instead.
                Err(_) if self.dir.is_dir() => self.unstage()?,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("cannot move the outputs into {}", self.dir.display())
                    })
                }
            }
        }
        let journal = self.dir.join(format!("{JOURNAL}{}", std::process::id()));
        let mut text = String::new();
        for (temp, target) in &self.pending {
            let (Some(t), Some(g)) = (file_name(temp), file_name(target)) else {
                bail!("cannot commit {}: not a file name", target.display());
            };
            text.push_str(&format!("{t}\t{g}\n"));
        }
        write_durably(&journal, text.as_bytes())
            .with_context(|| format!("cannot write {}", journal.display()))?;
        // From here on the commit is decided: files not moved by this process are moved by the
        // next one that prepares or reads the directory, so they are no longer removed on failure.
        let pending = std::mem::take(&mut self.pending);
        for (temp, target) in &pending {
            std::fs::rename(temp, target)
                .with_context(|| format!("cannot move {} into place", target.display()))?;
        }
        sync_dir(&self.dir);
        let _ = std::fs::remove_file(&journal);
        self.committed = true;
        Ok(done)
    }

    /// Moves the staged files into the output directory under temporary names.
    fn unstage(&mut self) -> Result<()> {
        for (temp, target) in &mut self.pending {
            let name = file_name(target).unwrap_or_default();
            let moved = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
            std::fs::rename(&*temp, &moved)
                .with_context(|| format!("cannot write {}", moved.display()))?;
            *temp = moved;
        }
        if let Some(staging) = self.staging.take() {
            let _ = std::fs::remove_dir_all(staging);
        }
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if let Some(staging) = &self.staging {
            let _ = std::fs::remove_dir_all(staging);
        }
        for (temp, _) in &self.pending {
            let _ = std::fs::remove_file(temp);
        }
        if !self.committed {
            for d in &self.created {
                // Only empty directories are removed: never anything else.
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

/// Completes the commits that processes killed while committing left in `dir`: the files their
/// journals list that are still under temporary names are moved into place, and the journals
/// removed. Journals of running processes are left alone. A directory with nothing to complete
/// is not touched.
///
/// # Errors
/// When a file cannot be moved into place.
pub fn recover(dir: &Path) -> Result<()> {
    for (name, pid) in entries_with_pid(dir, JOURNAL, "") {
        if alive(pid) {
            continue;
        }
        let journal = dir.join(&name);
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        for line in text.lines() {
            let Some((temp, target)) = line.split_once('\t') else {
                continue;
            };
            if !plain_name(temp) || !plain_name(target) {
                continue;
            }
            let temp = dir.join(temp);
            if temp.exists() {
                std::fs::rename(&temp, dir.join(target)).with_context(|| {
                    format!(
                        "cannot complete the interrupted commit of {}",
                        dir.display()
                    )
                })?;
            }
        }
        sync_dir(dir);
        let _ = std::fs::remove_file(&journal);
    }
    Ok(())
}

/// Removes what processes that are gone left in `dir` before their commit: temporary files of
/// the outputs `names`, half-written journals and write probes.
fn clean_stale_temps(dir: &Path, names: &[&str]) {
    let mut patterns: Vec<(String, &str)> =
        names.iter().map(|n| (format!(".{n}.tmp-"), "")).collect();
    patterns.push((JOURNAL.to_string(), ".tmp"));
    patterns.push((PROBE.to_string(), ""));
    for (prefix, suffix) in &patterns {
        for (name, pid) in entries_with_pid(dir, prefix, suffix) {
            if !alive(pid) {
                let _ = std::fs::remove_file(dir.join(name));
            }
        }
    }
}

/// Removes staging directories of this output directory left by processes that are gone.
fn clean_stale_staging(parent: &Path, prefix: &str) {
    for (name, pid) in entries_with_pid(parent, prefix, "") {
        let path = parent.join(name);
        if !alive(pid) && path.is_dir() {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

/// The entries of `dir` named `PREFIX<process id>SUFFIX`, with the id.
fn entries_with_pid(dir: &Path, prefix: &str, suffix: &str) -> Vec<(String, u32)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            let pid = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
            if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let pid: u32 = pid.parse().ok()?;
            Some((name, pid))
        })
        .collect()
}

/// Whether the process `pid` may still be running. Only Linux can tell (through /proc); elsewhere
/// every other process counts as running, so nothing of another process is ever removed there.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// `.NAME.entitle-tmp-` for an output directory `…/NAME`: its staging directories' prefix.
fn staging_name(dir: &Path) -> Option<String> {
    let name = dir.file_name()?.to_str()?;
    Some(format!(".{name}{STAGING}"))
}

/// The directory that holds `dir` (`.` for a relative name with no parent); `None` for a root or
/// a path ending in `..`.
fn parent_of(dir: &Path) -> Option<PathBuf> {
    dir.file_name()?;
    match dir.parent() {
        Some(p) if p.as_os_str().is_empty() => Some(PathBuf::from(".")),
        Some(p) => Some(p.to_path_buf()),
        None => None,
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

fn file_name(p: &Path) -> Option<&str> {
    p.file_name()?.to_str()
}

/// A bare file name: no directory separator, not `.` or `..`.
fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

/// Writes `path` under a temporary name, flushes it to disk and renames it into place.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    let mut f = File::create(&temp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&temp, path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Flushes a directory's entries (renames, new files) to disk, where the platform allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_on_commit_and_never_after_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        {
            let mut set = OutputSet::prepare(&out, &["x.csv"], false).unwrap();
            let mut w = set.create("x.csv").unwrap();
            w.write_all(b"partial").unwrap();
            drop(w);
            assert!(!out.join("x.csv").exists());
        }
        assert!(
            !dir.path().join("a").exists(),
            "created directories are removed on failure"
        );
        let mut set = OutputSet::prepare(&out, &["x.csv"], false).unwrap();
        set.write("x.csv", b"whole").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("x.csv")).unwrap(), "whole");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_dir(dir.path().join("a")).unwrap().count(),
            1,
            "no staging directory is left"
        );
        let e = OutputSet::prepare(&out, &["x.csv"], false).err().unwrap();
        assert!(e.to_string().contains("x.csv already exists"), "{e}");
        assert!(OutputSet::prepare(&out, &["x.csv"], true).is_ok());
    }

    #[test]
    fn a_new_directory_appears_whole_through_a_staging_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let mut set = OutputSet::prepare(&out, &["a.csv", "b.json"], false).unwrap();
        set.write("a.csv", b"a").unwrap();
        set.write("b.json", b"b").unwrap();
        assert!(!out.exists(), "nothing is visible before the commit");
        let staged: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(staged, [format!(".run.entitle-tmp-{}", std::process::id())]);
        let done = set.commit().unwrap();
        assert_eq!(done, [out.join("a.csv"), out.join("b.json")]);
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a.csv", "b.json"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_interrupted_commit_is_completed_and_leftovers_of_dead_processes_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("b.json"), "old b").unwrap();
        std::fs::write(out.join("notes.txt"), "the user's").unwrap();
        // A process that is gone (no process has id 4294967295) renamed a.csv, then died before b.json.
        let dead = u32::MAX;
        std::fs::write(out.join("a.csv"), "new a").unwrap();
        std::fs::write(out.join(format!(".b.json.tmp-{dead}")), "new b").unwrap();
        std::fs::write(
            out.join(format!("{JOURNAL}{dead}")),
            format!(".a.csv.tmp-{dead}\ta.csv\n.b.json.tmp-{dead}\tb.json\n../x\ty\n"),
        )
        .unwrap();
        std::fs::write(out.join(format!(".c.csv.tmp-{dead}")), "partial c").unwrap();
        std::fs::write(out.join(format!("{JOURNAL}{dead}.tmp")), "half a journal").unwrap();
        std::fs::create_dir(dir.path().join(format!(".run{STAGING}{dead}"))).unwrap();
        // A running process's temporary file is left alone.
        let me = std::process::id();
        std::fs::write(out.join(format!(".c.csv.tmp-{me}")), "mine").unwrap();

        let set = OutputSet::prepare(&out, &["a.csv", "b.json", "c.csv"], true).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("b.json")).unwrap(),
            "new b",
            "the commit was rolled forward"
        );
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "new a");
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                format!(".c.csv.tmp-{me}"),
                "a.csv".into(),
                "b.json".into(),
                "notes.txt".into()
            ]
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the dead process's staging directory is gone"
        );
        drop(set);

        // A directory with other files is written in place, through the journal.
        let mut set = OutputSet::prepare(&out, &["a.csv", "b.json"], true).unwrap();
        set.write("a.csv", b"newer a").unwrap();
        set.write("b.json", b"newer b").unwrap();
        set.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a.csv")).unwrap(),
            "newer a"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("b.json")).unwrap(),
            "newer b"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "the user's"
        );
        assert!(!out.join(format!("{JOURNAL}{me}")).exists());
    }
}
