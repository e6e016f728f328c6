//! Reading and compiling a program file, with its diagnostics shown the way a person reads them.

use crate::term::{colour_diagnostic, Color};
use anyhow::{Context, Result};
use entitle_core::{Diagnostics, Program};
use std::path::Path;

/// A program file: its text and, when it compiles, the compiled program.
pub struct ProgramFile {
    /// The path as given.
    pub path: String,
    /// The text.
    pub source: String,
    /// The compiled program, or every diagnostic.
    pub compiled: Result<Program, Diagnostics>,
}

impl ProgramFile {
    /// Reads and compiles `path`.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn load(path: &Path) -> Result<ProgramFile> {
        let source = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the program {}", path.display()))?;
        let compiled = Program::compile(&source);
        Ok(ProgramFile {
            path: path.display().to_string(),
            source,
            compiled,
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

/// Reads and compiles `path`, or prints its errors on stderr and fails.
///
/// # Errors
/// When the file cannot be read or does not compile (the diagnostics are printed first).
pub fn compile_or_report(path: &Path) -> Result<(ProgramFile, Program)> {
    let file = ProgramFile::load(path)?;
    match &file.compiled {
        Ok(p) => {
            let p = p.clone();
            Ok((file, p))
        }
        Err(d) => {
            eprint!("{}", file.render(d, Color::Auto.enabled(true)));
            let n = d.errors().count();
            anyhow::bail!(
                "{} does not compile ({n} error{}); nothing was run",
                file.path,
                if n == 1 { "" } else { "s" }
            )
        }
    }
}
