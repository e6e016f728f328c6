//! `entitle fmt`: program files in the standard layout.

use crate::program_file::ProgramFile;
use crate::term::Color;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `entitle fmt`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Rewrites each file in the standard layout (aligned sections, one space around operators, comments
kept). With --check nothing is written: the files that would change are listed and the exit code is 1
if there is any. A file with syntax errors is reported and left as it is. A file whose lines end with
CR LF (Windows) keeps them.

Example:
  entitle fmt examples/programs/child_grant.entitle
  entitle fmt --check examples/programs/*.entitle"
)]
pub struct Args {
    /// Program files (.entitle), or directories of them.
    #[arg(required = true)]
    pub programs: Vec<PathBuf>,
    /// Only check: list the files that are not formatted, and exit with 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// Runs `entitle fmt`.
///
/// # Errors
/// When a file cannot be read or written.
pub fn main(a: &Args) -> Result<ExitCode> {
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    for path in &crate::program_file::program_paths(&a.programs)? {
        let file = ProgramFile::load(path)?;
        if file.not_utf8 {
            if let Err(d) = &file.compiled {
                eprint!("{}", file.render(d, Color::Auto.enabled(true)));
            }
            writeln!(stdout, "{}: not formatted: it is not UTF-8 text", file.path)?;
            failed = true;
            continue;
        }
        match entitle_dsl::format(&file.source).map(|f| with_line_ends_of(&file.source, f)) {
            Err(d) => {
                eprint!("{}", file.render(&d, Color::Auto.enabled(true)));
                writeln!(stdout, "{}: not formatted: it has syntax errors", file.path)?;
                failed = true;
            }
            Ok(formatted) if formatted == file.source => {
                if !a.check {
                    writeln!(stdout, "{}: already formatted", file.path)?;
                }
            }
            Ok(formatted) => {
                if a.check {
                    writeln!(stdout, "{}: would be reformatted", file.path)?;
                    failed = true;
                } else {
                    write_atomically(path, formatted.as_bytes())?;
                    writeln!(stdout, "{}: formatted", file.path)?;
                }
            }
        }
    }
    Ok(if failed {
        ExitCode::from(crate::FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// `formatted` (which ends its lines with `\n`) with the line ends of `source`: a file written on
/// Windows keeps its `\r\n`, so that formatting does not rewrite every line of it.
fn with_line_ends_of(source: &str, formatted: String) -> String {
    let crlf = source
        .find('\n')
        .is_some_and(|i| source.get(..i).is_some_and(|line| line.ends_with('\r')));
    if crlf {
        formatted.replace('\n', "\r\n")
    } else {
        formatted
    }
}

/// Replaces `path` with `bytes` through a temporary file in the same directory.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
