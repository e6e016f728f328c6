//! `entitle check`: diagnostics of program files.

use super::OutputFormat;
use crate::program_file::ProgramFile;
use crate::term::{green, red, Color};
use anyhow::Result;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `entitle check`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Every problem is reported at once, each with a stable code (E0101 …), the line and column,
the source line with a caret under the problem, and help when there is some. Errors stop a program
from compiling; warnings do not. The exit code is 1 when a program has errors.

Example:
  entitle check examples/programs/child_grant.entitle
  entitle check --format json examples/programs/*.entitle"
)]
pub struct Args {
    /// Program files (.entitle), or directories of them.
    #[arg(required = true)]
    pub programs: Vec<PathBuf>,
    /// Text for people (coloured on a terminal), or JSON for tools.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// When to colour the text.
    #[arg(long, value_enum, default_value_t)]
    pub color: Color,
    /// The language of messages: en, fr.
    #[arg(long, value_name = "LOCALE", default_value = "en")]
    pub locale: String,
}

/// Runs `entitle check`.
///
/// # Errors
/// When a file cannot be read.
pub fn main(a: &Args) -> Result<ExitCode> {
    super::check_locale(&a.locale)?;
    let catalog = entitle_dsl::locale::catalog(&a.locale);
    let colour = a.color.enabled(false);
    let mut files_json = Vec::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    let mut stdout = std::io::stdout().lock();
    for path in &crate::program_file::program_paths(&a.programs)? {
        let file = ProgramFile::load(path)?;
        let diagnostics = match &file.compiled {
            Ok(p) => p.warnings().clone(),
            Err(d) => d.clone(),
        }
        .localized(catalog);
        let n_err = diagnostics.errors().count();
        let n_warn = diagnostics.0.len() - n_err;
        errors += n_err;
        warnings += n_warn;
        match a.format {
            OutputFormat::Json => files_json.push(json!({
                "file": file.path,
                "ok": n_err == 0,
                "errors": n_err,
                "warnings": n_warn,
                "diagnostics": diagnostics,
            })),
            OutputFormat::Text => {
                if !diagnostics.0.is_empty() {
                    writeln!(stdout, "{}", file.render(&diagnostics, colour))?;
                }
                let status = if n_err == 0 {
                    green(colour, &catalog.render("check.ok", &[]))
                } else {
                    red(colour, &catalog.render("check.failed", &[]))
                };
                let line = catalog.render(
                    "check.summary",
                    &[
                        ("path", &file.path),
                        ("status", &status),
                        ("errors", &catalog.count("count.errors", n_err)),
                        ("warnings", &catalog.count("count.warnings", n_warn)),
                    ],
                );
                writeln!(stdout, "{line}")?;
            }
        }
    }
    if a.format == OutputFormat::Json {
        let doc =
            json!({"ok": errors == 0, "errors": errors, "warnings": warnings, "files": files_json});
        writeln!(stdout, "{}", serde_json::to_string_pretty(&doc)?)?;
    }
    Ok(if errors > 0 {
        ExitCode::from(crate::FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
