//! Output read by another program that stops early (`entitle explain … | head`): ours is not the
//! error to report.

mod common;
use std::process::{Command, Stdio};

#[test]
fn a_reader_that_stops_early_is_no_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args([
            "explain",
            common::CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--id",
            "H0000001",
        ])
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reading end closes before anything is written, so every write meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(0), "")
    );
}
