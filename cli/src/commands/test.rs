//! `entitle test`: the tests written inside programs.

use crate::program_file::ProgramFile;
use crate::term::{green, red, Color};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `entitle test`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "A program's tests are its `test \"name\" as of DATE` blocks: a household or person and what is
expected (`expect eligible, cash KES 2500`). Each test is listed with its outcome; failures say what
was expected and what came out. The last line is `N passed, M failed`; the exit code is 1 when a
test failed or a program does not compile (which counts as one failure). A directory stands for
every .entitle file in it and below.

Example:
  entitle test examples/programs"
)]
pub struct Args {
    /// Program files (.entitle), or directories of them.
    #[arg(required = true)]
    pub programs: Vec<PathBuf>,
    /// When to colour the text.
    #[arg(long, value_enum, default_value_t)]
    pub color: Color,
    /// The language of messages: en, fr.
    #[arg(long, value_name = "LOCALE", default_value = "en")]
    pub locale: String,
}

/// Runs `entitle test`.
///
/// # Errors
/// When a file cannot be read.
pub fn main(a: &Args) -> Result<ExitCode> {
    super::check_locale(&a.locale)?;
    let catalog = entitle_dsl::locale::catalog(&a.locale);
    let colour = a.color.enabled(false);
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut stdout = std::io::stdout().lock();
    for path in &crate::program_file::program_paths(&a.programs)? {
        let file = ProgramFile::load(path)?;
        writeln!(stdout, "{}", file.path)?;
        let program = match &file.compiled {
            Ok(p) => p,
            Err(d) => {
                write!(stdout, "{}", file.render(&d.localized(catalog), colour))?;
                writeln!(
                    stdout,
                    "  {}",
                    red(colour, &catalog.render("test.does_not_compile", &[]))
                )?;
                failed += 1;
                continue;
            }
        };
        for t in program.run_tests_localized(catalog) {
            if t.passed {
                passed += 1;
                writeln!(
                    stdout,
                    "  {} {}",
                    green(colour, "✓"),
                    catalog.render("test.passed", &[("name", &t.name)])
                )?;
            } else {
                failed += 1;
                let name = format!("{} ({}:{})", t.name, file.path, t.line);
                writeln!(
                    stdout,
                    "  {} {}",
                    red(colour, "✗"),
                    catalog.render("test.failed", &[("name", &name)])
                )?;
                for f in &t.failures {
                    writeln!(stdout, "      {f}")?;
                }
            }
        }
    }
    writeln!(
        stdout,
        "{}",
        catalog.render(
            "test.summary",
            &[
                ("passed", &passed.to_string()),
                ("failed", &failed.to_string())
            ]
        )
    )?;
    Ok(if failed > 0 {
        ExitCode::from(crate::FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
