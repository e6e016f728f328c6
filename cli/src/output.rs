//! Output files written atomically: each is written under a temporary name in the output
//! directory and renamed into place only when the whole command has succeeded. On failure the
//! temporary files are removed (and the directory too, if this command created it and it is empty),
//! so no partial output is ever left behind.

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// A set of output files in one directory.
pub struct OutputSet {
    dir: PathBuf,
    created: Vec<PathBuf>,
    pending: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputSet {
    /// Prepares `dir` for the files `names`: refuses existing ones unless `force`, creates the
    /// directory if needed and checks that it can be written.
    ///
    /// # Errors
    /// An output that exists (without `force`), or a directory that cannot be created or written.
    pub fn prepare(dir: &Path, names: &[&str], force: bool) -> Result<OutputSet> {
        if !force {
            let existing: Vec<String> = names
                .iter()
                .map(|n| dir.join(n))
                .filter(|p| p.exists())
                .map(|p| p.display().to_string())
                .collect();
            if !existing.is_empty() {
                bail!(
                    "{} already exist{}; nothing was written (use --force to overwrite)",
                    existing.join(", "),
                    if existing.len() == 1 { "s" } else { "" }
                );
            }
        }
        if dir.exists() && !dir.is_dir() {
            bail!(
                "cannot write to {}: it is a file, not a directory",
                dir.display()
            );
        }
        let mut created = Vec::new();
        let mut missing = Some(dir);
        while let Some(p) = missing.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            created.push(p.to_path_buf());
            missing = p.parent();
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
        let set = OutputSet {
            dir: dir.to_path_buf(),
            created,
            pending: Vec::new(),
            committed: false,
        };
        // Fail now, before any work, if the directory cannot be written.
        let probe = dir.join(format!(".entitle-probe-{}", std::process::id()));
        File::create(&probe)
            .with_context(|| format!("cannot write to the output directory {}", dir.display()))?;
        let _ = std::fs::remove_file(&probe);
        Ok(set)
    }

    /// The output directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates the temporary file for output `name` (again, empty, if it was created before).
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(&mut self, name: &str) -> Result<BufWriter<File>> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
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
        use std::io::Write;
        let mut w = self.create(name)?;
        w.write_all(bytes)
            .and_then(|()| w.flush())
            .with_context(|| format!("cannot write {}", self.dir.join(name).display()))
    }

    /// Moves every file into place.
    ///
    /// # Errors
    /// When a rename fails (the files not yet moved are removed).
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        for (temp, target) in std::mem::take(&mut self.pending) {
            if let Ok(f) = File::open(&temp) {
                let _ = f.sync_all();
            }
            std::fs::rename(&temp, &target)
                .with_context(|| format!("cannot move {} into place", target.display()))?;
            done.push(target);
        }
        self.committed = true;
        Ok(done)
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
        let e = OutputSet::prepare(&out, &["x.csv"], false).err().unwrap();
        assert!(e.to_string().contains("x.csv already exists"), "{e}");
        assert!(OutputSet::prepare(&out, &["x.csv"], true).is_ok());
    }
}
