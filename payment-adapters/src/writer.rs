//! Writing an export's files atomically: each goes to a temporary file in the same directory, is
//! flushed to disk, and only then renamed into place, so a reader never sees half a file.

use crate::error::PaymentError;
use crate::formats::OutputFile;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Checks that no file of the export exists yet (unless `force`), and that every name is a plain
/// file name.
///
/// # Errors
/// [`PaymentError::OutputExists`] (P0011) for the first existing file;
/// [`PaymentError::Internal`] for a name with a path separator.
pub fn check_targets(dir: &Path, files: &[OutputFile], force: bool) -> Result<(), PaymentError> {
    for f in files {
        if f.name.is_empty() || f.name.contains(['/', '\\']) || f.name.starts_with('.') {
            return Err(PaymentError::Internal {
                format: "writer",
                message: format!("bad file name {:?}", f.name),
            });
        }
        let path = dir.join(&f.name);
        if !force && path.exists() {
            return Err(PaymentError::OutputExists { path });
        }
    }
    Ok(())
}

/// Checks that `dir` holds no file named `<prefix>-…` other than the ones about to be written: a
/// batch file left by an earlier export of the same format would travel with the new ones.
///
/// # Errors
/// [`PaymentError::StaleOutput`] (P0021) for the first such file; [`PaymentError::Io`] (P0001)
/// when the directory cannot be listed.
pub fn check_stale(dir: &Path, prefix: &str, files: &[OutputFile]) -> Result<(), PaymentError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(PaymentError::io("read", dir, e)),
    };
    let start = format!("{prefix}-");
    let mut stale: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| PaymentError::io("read", dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with(&start) && !files.iter().any(|f| f.name == name) {
            stale.push(entry.path());
        }
    }
    stale.sort();
    match stale.into_iter().next() {
        Some(path) => Err(PaymentError::StaleOutput { path }),
        None => Ok(()),
    }
}

/// Writes the files into `dir` (created if needed), atomically per file: all temporary files are
/// written and synced first, then renamed. Returns the paths written.
///
/// # Errors
/// [`PaymentError::OutputExists`] (P0011) when a file exists and `force` is not set (checked before
/// anything is written); [`PaymentError::Io`] (P0001) when writing fails, after which the
/// temporary files are removed and no output file is half-written.
pub fn write_files(
    dir: &Path,
    files: &[OutputFile],
    force: bool,
) -> Result<Vec<PathBuf>, PaymentError> {
    check_targets(dir, files, force)?;
    fs::create_dir_all(dir).map_err(|e| PaymentError::io("create", dir, e))?;
    let pid = std::process::id();
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let result = (|| {
        for f in files {
            let temp = dir.join(format!(".{}.{pid}.tmp", f.name));
            let target = dir.join(&f.name);
            temps.push((temp.clone(), target));
            let mut file = File::create(&temp).map_err(|e| PaymentError::io("create", &temp, e))?;
            file.write_all(&f.bytes)
                .map_err(|e| PaymentError::io("write", &temp, e))?;
            file.sync_all()
                .map_err(|e| PaymentError::io("write", &temp, e))?;
        }
        let mut written = Vec::with_capacity(temps.len());
        for (temp, target) in &temps {
            fs::rename(temp, target).map_err(|e| PaymentError::io("rename", temp, e))?;
            written.push(target.clone());
        }
        sync_dir(dir);
        Ok(written)
    })();
    if result.is_err() {
        for (temp, _) in &temps {
            let _ = fs::remove_file(temp);
        }
    }
    result
}

/// Makes the renames durable where the platform allows opening a directory (Unix).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> OutputFile {
        OutputFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_refuses_existing_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let written =
            write_files(&out, &[file("a.json", "{}\n"), file("b.csv", "x\n")], false).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(fs::read_to_string(out.join("a.json")).unwrap(), "{}\n");
        let e = write_files(&out, &[file("c.json", "1"), file("a.json", "2")], false).unwrap_err();
        assert_eq!(e.code(), "P0011");
        assert!(
            !out.join("c.json").exists(),
            "nothing written when one target exists"
        );
        write_files(&out, &[file("a.json", "2")], true).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.json")).unwrap(), "2");
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(check_targets(&out, &[file("../x", "")], true).is_err());
        assert!(check_stale(&out, "a", &[file("a-001.json", "")]).is_ok());
        write_files(&out, &[file("a-002.json", "x")], false).unwrap();
        let e = check_stale(&out, "a", &[file("a-001.json", "")]).unwrap_err();
        assert_eq!(e.code(), "P0021");
        assert!(check_stale(&out, "a", &[file("a-001.json", ""), file("a-002.json", "")]).is_ok());
        assert!(check_stale(&dir.path().join("missing"), "a", &[]).is_ok());
    }
}
