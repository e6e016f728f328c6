//! Helpers for the command-line tests: the built `entitle` binary, run from the workspace root.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (examples/ is relative to it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `entitle ARGS` from the workspace root.
pub fn entitle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

/// What a command printed on stdout and stderr, and its exit code.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn ran(args: &[&str]) -> Ran {
    let o = entitle(args);
    Ran {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

pub const CHILD_GRANT: &str = "examples/programs/child_grant.entitle";

/// `entitle pay RUN --format FORMAT --payer PAYER --out OUT EXTRA…` on the day the example runs
/// are dated (`--today 2026-03-01`), so that their as-of date is not a day in the past.
pub fn pay_run(run: &Path, format: &str, payer: &str, out: &Path, extra: &[&str]) -> Ran {
    let (run, out) = (run.display().to_string(), out.display().to_string());
    let mut args = vec![
        "pay",
        "--today",
        "2026-03-01",
        &run,
        "--format",
        format,
        "--payer",
        payer,
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    ran(&args)
}

/// The files in a directory, sorted (none if it does not exist).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Writes a small household registry into `dir` and returns its path as text.
pub fn registry(dir: &Path, groups: &str, members: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("groups.csv"), groups).unwrap();
    std::fs::write(dir.join("members.csv"), members).unwrap();
    dir.display().to_string()
}

pub const GROUPS: &str = "id,region,monthly_income,enrolled_in_pension\nH1,North,5000,false\nH2,East,50000,no\nH3,East,,false\n";
pub const MEMBERS: &str = "id,group_id,kind,start_date,end_date,birthdate,disabled\n\
M1,H1,head,,,1990-01-01,false\n\
M2,H1,child,2020-05-01,,2020-05-01,\n\
M3,H1,child,,,2022-01-01,false\n\
M4,H2,head,,,1980-01-01,false\n\
M5,H2,child,,,2015-01-01,false\n\
M6,H3,head,,,1980-01-01,false\n\
M7,H3,child,,,2015-01-01,false\n";

/// Runs the child grant over `registry` into `out`, as of 2026-03-01.
pub fn run_child_grant(registry: &str, out: &str, extra: &[&str]) -> Ran {
    let mut args = vec![
        "run",
        CHILD_GRANT,
        "--registry",
        registry,
        "--as-of",
        "2026-03-01",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    ran(&args)
}

/// `summary.json` of a run directory.
pub fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// The records of a CSV file, header first.
pub fn csv_records(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The manifest `entitle pay` wrote into `out`.
pub fn manifest(out: &Path, format: &str) -> serde_json::Value {
    let path = out.join(format!("{format}-manifest.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
