//! Determinism of `entitle run` on a generated population: the same program, registry, as-of
//! date and options give byte-identical decisions, error records and summary with one worker
//! thread or two, on every run, and with another chunk size (`--batch-size`): a unit's
//! evaluation error is written after the errors found up to reading it, as one unit at a time
//! would write it, so chunk boundaries do not change how the two kinds interleave in `errors.csv`.
//!
//! The generated population's test is `#[ignore]`d in a plain `cargo test` (it runs the binary
//! many times over a population of two chunks at the default batch size); run by
//! `scripts/test-reliability.sh` as
//! `cargo test --test crash_safety --test determinism -- --ignored --nocapture`.
//! `ENTITLE_DETERMINISM_HOUSEHOLDS` changes the population's size.

mod common;

use common::root;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const OUTPUTS: [&str; 4] = [
    "decisions.csv",
    "decisions.jsonl",
    "errors.csv",
    "summary.json",
];

fn entitle(args: &[&str], threads: Option<&str>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_entitle"));
    c.args(args).current_dir(root());
    match threads {
        Some(n) => c.env("RAYON_NUM_THREADS", n),
        None => c.env_remove("RAYON_NUM_THREADS"),
    };
    let out = c.output().expect("entitle runs");
    assert!(
        out.status.success(),
        "entitle {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn outputs(dir: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    OUTPUTS
        .iter()
        .map(|n| (*n, std::fs::read(dir.join(n)).expect("an output")))
        .collect()
}

#[test]
#[ignore = "slow: run by scripts/test-reliability.sh"]
fn runs_give_the_same_bytes_with_one_or_two_threads_every_time() {
    let households =
        std::env::var("ENTITLE_DETERMINISM_HOUSEHOLDS").unwrap_or_else(|_| "70000".into());
    let tmp = tempfile::tempdir().unwrap();
    let registry = tmp.path().join("registry");
    let registry_text = registry.display().to_string();
    entitle(
        &[
            "generate",
            "--households",
            &households,
            "--seed",
            "5",
            "--defects",
            "--out",
            &registry_text,
        ],
        None,
    );
    let members = registry.join("members.csv").display().to_string();

    let configs: [(&str, &[&str]); 4] = [
        (
            "child grant",
            &[
                "examples/programs/child_grant.entitle",
                "--registry",
                &registry_text,
            ],
        ),
        (
            "child grant, explained in French",
            &[
                "examples/programs/child_grant.entitle",
                "--registry",
                &registry_text,
                "--explain",
                "--locale",
                "fr",
            ],
        ),
        (
            "proxy means test",
            &[
                "examples/programs/pmt.entitle",
                "--registry",
                &registry_text,
            ],
        ),
        (
            "old-age pension (members as individuals)",
            &[
                "examples/programs/old_age_pension.entitle",
                "--registry",
                &members,
            ],
        ),
    ];
    for (name, args) in configs {
        let mut first: Option<BTreeMap<&str, Vec<u8>>> = None;
        let mut runs = 0;
        for (threads, batch) in [
            ("1", None),
            ("1", None),
            ("2", None),
            ("2", None),
            ("2", Some("4096")),
        ] {
            let out = tmp.path().join(format!("out-{runs}"));
            let out_text = out.display().to_string();
            let mut full: Vec<&str> = vec!["run"];
            full.extend_from_slice(args);
            full.extend_from_slice(&[
                "--as-of",
                "2026-03-01",
                "--no-progress",
                "--format",
                "json",
                "--force",
                "--out",
                &out_text,
            ]);
            if let Some(b) = batch {
                full.extend_from_slice(&["--batch-size", b]);
            }
            let stdout = entitle(&full, Some(threads)).stdout;
            let got = outputs(&out);
            assert_eq!(stdout, got["summary.json"], "{name}: stdout is the summary");
            match &first {
                None => {
                    let lines = got["decisions.jsonl"]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count();
                    assert!(lines > 50_000, "{name}: only {lines} decisions");
                    first = Some(got);
                }
                Some(f) => {
                    for n in OUTPUTS {
                        assert!(f[n] == got[n], "{name}: {n} differs between runs (RAYON_NUM_THREADS={threads}, batch size {batch:?})");
                    }
                }
            }
            runs += 1;
        }
        println!("{name}: {runs} runs, identical bytes");
    }
}

/// The example registry's error records (rows that could not be read, units that could not be
/// evaluated) come in the same order whatever the chunk size: that of reading one unit at a time.
#[test]
fn errors_come_in_reading_order_whatever_the_chunk_size() {
    let tmp = tempfile::tempdir().unwrap();
    let mut first: Option<Vec<u8>> = None;
    for batch in ["1", "7", "500", "65536"] {
        let out = tmp.path().join(format!("out-{batch}"));
        let out_text = out.display().to_string();
        entitle(
            &[
                "run",
                "examples/programs/child_grant.entitle",
                "--registry",
                "examples/registry",
                "--as-of",
                "2026-03-01",
                "--no-progress",
                "--force",
                "--out",
                &out_text,
                "--batch-size",
                batch,
            ],
            Some("2"),
        );
        let errors = std::fs::read(out.join("errors.csv")).unwrap();
        match &first {
            None => {
                // Evaluation errors (R0003 at line 1617, R0001 at 2310) between reading errors.
                let text = String::from_utf8_lossy(&errors);
                let lines: Vec<(&str, &str)> = text
                    .lines()
                    .skip(1)
                    .map(|l| {
                        let c: Vec<&str> = l.split(',').collect();
                        (c[1], c[5])
                    })
                    .collect();
                assert_eq!(
                    lines,
                    [
                        ("463", "G0101"),
                        ("2762", "G0101"),
                        ("925", "G0102"),
                        ("1386", "G0104"),
                        ("1617", "R0003"),
                        ("1849", "G0106"),
                        ("8585", "G0108"),
                        ("2310", "R0001"),
                        ("2541", "G0101"),
                        ("11592", "G0105"),
                        ("12531", "G0107"),
                    ]
                );
                first = Some(errors);
            }
            Some(f) => assert!(*f == errors, "errors.csv differs with batch size {batch}"),
        }
    }
}
