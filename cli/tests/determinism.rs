//! Determinism of `entitle run` on a generated population: the same program, registry, as-of
//! date and options give byte-identical decisions, error records and summary with one worker
//! thread or two, on every run. Another chunk size (`--batch-size`) gives the same decisions and
//! summary byte for byte and the same error records, in another order: each chunk writes the
//! rows it could not read before the units it could not evaluate, so chunk boundaries decide how
//! the two kinds interleave in `errors.csv`.
//!
//! `#[ignore]`d in a plain `cargo test` (it runs the release binary many times over a population
//! of two chunks at the default batch size); run by `scripts/test-reliability.sh` as
//! `cargo test --release -p entitle-cli --test determinism -- --ignored --nocapture`.
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

fn sorted_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    lines.sort_unstable();
    lines
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
                        if n == "errors.csv" && batch.is_some() {
                            assert_eq!(
                                sorted_lines(&f[n]),
                                sorted_lines(&got[n]),
                                "{name}: other error records with batch size {batch:?}"
                            );
                        } else {
                            assert!(f[n] == got[n], "{name}: {n} differs between runs (RAYON_NUM_THREADS={threads}, batch size {batch:?})");
                        }
                    }
                }
            }
            runs += 1;
        }
        println!("{name}: {runs} runs, identical bytes");
    }
}
