//! Reading and compiling a program file, with its diagnostics shown the way a person reads them.

use crate::term::{colour_diagnostic, Color};
use anyhow::{Context, Result};
use entitle_core::{Diagnostics, Program};
use entitle_dsl::locale::Catalog;
use std::path::{Path, PathBuf};

/// The program files named by `args`: a file as given, a directory as every `.entitle` file in it
/// and below (sorted by path; hidden directories skipped), so that `entitle test programs/` tests
/// them all.
///
/// # Errors
/// When a directory cannot be read or holds no program file.
pub fn program_paths(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let before = out.len();
            collect_programs(arg, &mut out)?;
            if out.len() == before {
                anyhow::bail!("{} holds no program file (.entitle)", arg.display());
            }
            if let Some(found) = out.get_mut(before..) {
                found.sort();
            }
        } else {
            out.push(arg.clone());
        }
    }
    Ok(out)
}

fn collect_programs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the directory {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read the directory {}", dir.display()))?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_dir() {
            if !hidden {
                collect_programs(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "entitle") {
            out.push(path);
        }
    }
    Ok(())
}

/// A program file: its text and, when it compiles, the compiled program.
pub struct ProgramFile {
    /// The path as given.
    pub path: String,
    /// The text (when the file is not UTF-8, a copy to show its diagnostic in: see `not_utf8`).
    pub source: String,
    /// The compiled program, or every diagnostic.
    pub compiled: Result<Program, Diagnostics>,
    /// The file is not UTF-8: `compiled` holds the E0008 error at its first invalid byte, and
    /// `source` has `�` in place of the invalid bytes, so it must never be written back.
    pub not_utf8: bool,
}

impl ProgramFile {
    /// Reads and compiles `path`. A file that is not UTF-8 is loaded with an E0008 diagnostic
    /// that says where (`entitle_dsl::text::from_bytes`), like any other error in the text.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn load(path: &Path) -> Result<ProgramFile> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read the program {}", path.display()))?;
        let (source, compiled, not_utf8) = match entitle_dsl::text::from_bytes(bytes) {
            Ok(source) => {
                let compiled = Program::compile(&source);
                (source, compiled, false)
            }
            Err(e) => (e.shown, Err(e.diagnostics), true),
        };
        Ok(ProgramFile {
            path: path.display().to_string(),
            source,
            compiled,
            not_utf8,
        })
    }

    /// Renders diagnostics rustc-style, coloured when `colour`.
    pub fn render(&self, diagnostics: &Diagnostics, colour: bool) -> String {
        let text = diagnostics.render_with_source(&self.source, &self.path);
        if colour {
            colour_diagnostic(&text)
        } else {
            text
        }
    }
}

/// Reads and compiles `path`, or prints its errors on stderr, in the messages of `catalog`, and
/// fails.
///
/// # Errors
/// When the file cannot be read or does not compile (the diagnostics are printed first).
pub fn compile_or_report(path: &Path, catalog: &Catalog) -> Result<(ProgramFile, Program)> {
    let file = ProgramFile::load(path)?;
    match &file.compiled {
        Ok(p) => {
            let p = p.clone();
            Ok((file, p))
        }
        Err(d) => {
            eprint!(
                "{}",
                file.render(&d.localized(catalog), Color::Auto.enabled(true))
            );
            let errors = catalog.count("count.errors", d.errors().count());
            anyhow::bail!(
                "{}",
                catalog.render(
                    "program.does_not_compile",
                    &[("path", &file.path), ("errors", &errors)]
                )
            )
        }
    }
}
