//! Runs a program's own tests and prints the explanation of each test unit.
use entitle_core::{EvalOptions, Program};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: try_program FILE [locale]");
    let locale = std::env::args().nth(2).unwrap_or_else(|| "en".into());
    let src = std::fs::read_to_string(&path).expect("read");
    let program = match Program::compile(&src) {
        Ok(p) => p,
        Err(d) => {
            eprintln!("{}", d.render_with_source(&src, &path));
            std::process::exit(1);
        }
    };
    for t in program.run_tests() {
        println!(
            "{} {}: {:?}",
            if t.passed { "ok  " } else { "FAIL" },
            t.name,
            t.failures
        );
    }
    for t in &program.ir().tests {
        let unit = program.test_unit(t);
        match program.evaluate_with(
            &unit,
            t.as_of,
            &EvalOptions {
                explain: true,
                ..Default::default()
            },
        ) {
            Ok(d) => println!(
                "\n{}",
                entitle_core::explain::render::decision_text(&program, &d, &locale)
            ),
            Err(e) => println!("\nerror: {e}"),
        }
    }
}
