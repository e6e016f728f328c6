//! The conformance corpus: loading cases and checking results against them.
//!
//! The corpus lives in `tests/conformance/` (see its README): JSON case files that point at
//! `.entitle` programs or carry the program text, units in the JSON boundary format, an as-of date,
//! and the expected decisions or diagnostics. Python, Node and WASM run the same files with the same
//! rules; this crate is the Rust runner.
#![forbid(unsafe_code)]

use entitle_core::{EvalOptions, Program};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

mod explanation;
mod run_model;

use explanation::compare_explanation;
pub use run_model::compare_cycle;
use run_model::subset_diff;

/// A case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// What the cases are about.
    pub topic: String,
    /// The cases.
    pub cases: Vec<Case>,
}

/// Program text inline: one string, or a list of lines.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Source {
    /// The whole text.
    Text(String),
    /// Lines, joined with `\n`.
    Lines(Vec<String>),
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Short name.
    pub name: String,
    /// What the case shows.
    #[serde(default)]
    pub note: Option<String>,
    /// A program file, relative to `tests/conformance/`.
    #[serde(default)]
    pub program: Option<String>,
    /// Or the program text.
    #[serde(default)]
    pub source: Option<Source>,
    /// The as-of date.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Units in the JSON boundary format.
    #[serde(default)]
    pub units: Vec<Json>,
    /// Expected results, one per unit (matched by `unit_id`).
    #[serde(default)]
    pub want: Vec<Json>,
    /// Expected diagnostics (for programs that do not compile, or warnings).
    #[serde(default)]
    pub want_diagnostics: Vec<Json>,
    /// A case that a runner cannot run yet, with the reason.
    #[serde(default)]
    pub skip: Option<String>,
    /// Run the units together through the run model with these options (`null`: the defaults).
    #[serde(default)]
    pub cycle: Option<Json>,
    /// Expected outcome of the run: `units` (matched by `unit_id`), `totals`, `summary`, or `error`.
    #[serde(default)]
    pub want_cycle: Option<Json>,
    /// Evaluation options for both the single and the batch evaluation (`{"strict": true}`).
    #[serde(default)]
    pub options: CaseOptions,
}

/// The evaluation options a case may set; absent ones keep the engine's defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOptions {
    /// Strict binding: a key the program does not declare fails the unit (R0011).
    #[serde(default)]
    pub strict: Option<bool>,
}

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// Loads every case file, sorted by path.
pub fn load_all() -> Result<Vec<(PathBuf, CaseFile)>, String> {
    let dir = corpus_dir().join("cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let file: CaseFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        out.push((p, file));
    }
    Ok(out)
}

impl Case {
    /// The options of the case's evaluations: an explanation, and the case's own `options`.
    pub fn eval_options(&self) -> EvalOptions {
        let mut options = EvalOptions {
            explain: true,
            ..Default::default()
        };
        if let Some(strict) = self.options.strict {
            options.strict = strict;
        }
        options
    }

    /// The program text of the case.
    pub fn source_text(&self) -> Result<String, String> {
        match (&self.program, &self.source) {
            (Some(path), None) => {
                std::fs::read_to_string(corpus_dir().join(path)).map_err(|e| format!("{path}: {e}"))
            }
            (None, Some(Source::Text(t))) => Ok(t.clone()),
            (None, Some(Source::Lines(l))) => Ok(l.join("\n") + "\n"),
            _ => Err("a case needs exactly one of `program` and `source`".into()),
        }
    }
}

fn dec(v: &Json) -> Option<Decimal> {
    match v {
        Json::String(s) => Decimal::from_str_exact(s.trim()).ok(),
        Json::Number(n) => Decimal::from_str_exact(&n.to_string()).ok(),
        _ => None,
    }
}

fn same_amount(got: Option<&Json>, want: &Json) -> bool {
    match (got.and_then(dec), dec(want)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn str_list(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares one result (decision or error JSON) with its expectation; returns the differences.
pub fn compare(got: &Json, want: &Json) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(w) = want.as_object() else {
        return vec!["`want` entries must be objects".into()];
    };
    for (key, wv) in w {
        match key.as_str() {
            "unit_id" => {}
            "error" => {
                let code = got.pointer("/error/code").and_then(Json::as_str);
                if code != wv.as_str() {
                    diffs.push(format!(
                        "error: want {wv}, got {}",
                        code.unwrap_or("no error")
                    ));
                }
            }
            // The error's own fields, as values: message text is never compared.
            "error_fields" => {
                if wv.get("message").is_some() {
                    diffs.push("error_fields: never `message` (text is not compared)".into());
                }
                let error = got.get("error").unwrap_or(&Json::Null);
                diffs.extend(run_model::subset_diff(error, wv, "error"));
            }
            "decision" => {
                if got.get("decision") != Some(wv) {
                    let g = got
                        .get("decision")
                        .or_else(|| got.pointer("/error/code"))
                        .cloned()
                        .unwrap_or(Json::Null);
                    diffs.push(format!("decision: want {wv}, got {g}"));
                }
            }
            "cash" | "net" | "fee" | "items_total" => {
                let field = if key == "cash" { "total" } else { key.as_str() };
                let g = got.get("cash").and_then(|c| c.get(field));
                if wv.is_null() {
                    if got.get("cash").is_some() {
                        diffs.push(format!(
                            "{key}: want none, got {}",
                            g.cloned().unwrap_or(Json::Null)
                        ));
                    }
                } else if !same_amount(g, wv) {
                    diffs.push(format!(
                        "{key}: want {wv}, got {}",
                        g.cloned().unwrap_or(Json::Null)
                    ));
                }
            }
            "capped" | "floored" | "rounded" => {
                let g = got.get("cash").and_then(|c| c.get(key.as_str()));
                if g != Some(wv) {
                    diffs.push(format!(
                        "{key}: want {wv}, got {}",
                        g.cloned().unwrap_or(Json::Null)
                    ));
                }
            }
            "items" => {
                let empty = serde_json::Map::new();
                for (id, amount) in wv.as_object().unwrap_or(&empty) {
                    let item = got.get("items").and_then(Json::as_array).and_then(|a| {
                        a.iter()
                            .find(|i| i.get("id").and_then(Json::as_str) == Some(id))
                    });
                    let g = item
                        .filter(|i| i.get("applied") == Some(&Json::Bool(true)))
                        .and_then(|i| i.get("amount"));
                    let ok = match (g, dec(amount)) {
                        (Some(_), _) => same_amount(g, amount),
                        (None, Some(z)) => z.is_zero() && item.is_some(),
                        _ => false,
                    };
                    if !ok {
                        diffs.push(format!(
                            "item {id}: want {amount}, got {}",
                            g.cloned().unwrap_or(Json::Null)
                        ));
                    }
                }
            }
            "applied" => {
                let g: Vec<String> = got
                    .get("items")
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .filter(|i| i.get("applied") == Some(&Json::Bool(true)))
                            .filter_map(|i| i.get("id").and_then(Json::as_str).map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                if g != str_list(Some(wv)) {
                    diffs.push(format!("applied: want {wv}, got {g:?}"));
                }
            }
            "in_kind" => {
                let empty = serde_json::Map::new();
                for (unit, qty) in wv.as_object().unwrap_or(&empty) {
                    let g = got
                        .get("in_kind")
                        .and_then(Json::as_array)
                        .and_then(|a| {
                            a.iter()
                                .find(|q| q.get("unit").and_then(Json::as_str) == Some(unit))
                        })
                        .and_then(|q| q.get("quantity"));
                    if !same_amount(g, qty) {
                        diffs.push(format!(
                            "in_kind {unit}: want {qty}, got {}",
                            g.cloned().unwrap_or(Json::Null)
                        ));
                    }
                }
            }
            "rules" => {
                let g: Vec<String> = got
                    .get("rules")
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|r| {
                                format!(
                                    "{}:{}",
                                    r.get("id").and_then(Json::as_str).unwrap_or(""),
                                    r.get("outcome").and_then(Json::as_str).unwrap_or("")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if g != str_list(Some(wv)) {
                    diffs.push(format!("rules: want {wv}, got {g:?}"));
                }
            }
            "missing" => {
                let g = str_list(got.get("missing"));
                if g != str_list(Some(wv)) {
                    diffs.push(format!("missing: want {wv}, got {g:?}"));
                }
            }
            "values" => {
                let empty = serde_json::Map::new();
                for (id, amount) in wv.as_object().unwrap_or(&empty) {
                    let item = got.get("items").and_then(Json::as_array).and_then(|a| {
                        a.iter()
                            .find(|i| i.get("id").and_then(Json::as_str) == Some(id))
                    });
                    let g = item
                        .filter(|i| i.get("applied") == Some(&Json::Bool(true)))
                        .and_then(|i| i.get("value"));
                    let ok = match (g, dec(amount)) {
                        (Some(_), _) => same_amount(g, amount),
                        (None, Some(z)) => z.is_zero() && item.is_some(),
                        _ => false,
                    };
                    if !ok {
                        diffs.push(format!(
                            "value of {id}: want {amount}, got {}",
                            g.cloned().unwrap_or(Json::Null)
                        ));
                    }
                }
            }
            "scores" => {
                let empty = serde_json::Map::new();
                for (key, want_value) in wv.as_object().unwrap_or(&empty) {
                    let (score, component) = match key.split_once('.') {
                        Some((s, c)) => (s, Some(c)),
                        None => (key.as_str(), None),
                    };
                    let s = got.get("scores").and_then(Json::as_array).and_then(|a| {
                        a.iter()
                            .find(|x| x.get("id").and_then(Json::as_str) == Some(score))
                    });
                    let g = match component {
                        None => s.and_then(|s| s.get("value")),
                        Some(c) => s
                            .and_then(|s| s.get("components"))
                            .and_then(Json::as_array)
                            .and_then(|a| {
                                a.iter()
                                    .find(|x| x.get("id").and_then(Json::as_str) == Some(c))
                            })
                            .and_then(|x| x.get("value")),
                    };
                    let ok = if want_value.is_null() {
                        g.is_some_and(Json::is_null)
                    } else {
                        same_amount(g, want_value)
                    };
                    if !ok {
                        diffs.push(format!(
                            "score {key}: want {want_value}, got {}",
                            g.cloned().unwrap_or(Json::Null)
                        ));
                    }
                }
            }
            "explanation" => diffs.extend(compare_explanation(got.get("explanation"), wv)),
            "compliance" | "priority" => {
                let g: Vec<String> = got
                    .get(key.as_str())
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|r| {
                                format!(
                                    "{}:{}",
                                    r.get("id").and_then(Json::as_str).unwrap_or(""),
                                    r.get("outcome").and_then(Json::as_str).unwrap_or("")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if g != str_list(Some(wv)) {
                    diffs.push(format!("{key}: want {wv}, got {g:?}"));
                }
            }
            "rank_keys" => {
                let g = got
                    .get("rank_keys")
                    .cloned()
                    .unwrap_or(Json::Array(Vec::new()));
                diffs.extend(subset_diff(&g, wv, "rank_keys"));
            }
            other => diffs.push(format!("unknown expectation `{other}`")),
        }
    }
    diffs
}

/// Compares diagnostics (as serialised by `entitle_dsl::Diagnostic`) with the wanted ones: every
/// wanted one must be there (code and any of `severity`, `line`, `column`, `start`, `end` given),
/// and every error produced must be wanted. Warnings that are not listed are allowed.
pub fn compare_diagnostics(got: &[Json], want: &[Json]) -> Vec<String> {
    let mut diffs = Vec::new();
    let matches = |g: &Json, w: &Json| {
        let fields = [
            ("code", "/code"),
            ("severity", "/severity"),
            ("line", "/span/line"),
            ("column", "/span/column"),
            ("start", "/span/start"),
            ("end", "/span/end"),
        ];
        fields.iter().all(|(k, ptr)| match w.get(*k) {
            None => true,
            Some(wv) => g.pointer(ptr) == Some(wv),
        })
    };
    for w in want {
        if !got.iter().any(|g| matches(g, w)) {
            diffs.push(format!(
                "missing diagnostic {w}; got {}",
                serde_json::to_string(got).unwrap_or_default()
            ));
        }
    }
    for g in got {
        if g.get("severity").and_then(Json::as_str) == Some("error")
            && !want.iter().any(|w| matches(g, w))
        {
            diffs.push(format!(
                "unexpected error {}",
                serde_json::to_string(g).unwrap_or_default()
            ));
        }
    }
    diffs
}

/// Runs one case in Rust: compile, then each unit alone and the whole batch (which must agree),
/// then compare. Returns the differences (empty when the case passes).
pub fn run_case(case: &Case) -> Vec<String> {
    let source = match case.source_text() {
        Ok(s) => s,
        Err(e) => return vec![e],
    };
    let (program, diagnostics) = match Program::compile(&source) {
        Ok(p) => {
            let d: Vec<Json> = p
                .warnings()
                .0
                .iter()
                .map(|d| serde_json::to_value(d).unwrap_or(Json::Null))
                .collect();
            (Some(p), d)
        }
        Err(d) => (
            None,
            d.0.iter()
                .map(|d| serde_json::to_value(d).unwrap_or(Json::Null))
                .collect(),
        ),
    };
    let mut diffs = Vec::new();
    if !case.want_diagnostics.is_empty() || program.is_none() {
        diffs.extend(compare_diagnostics(&diagnostics, &case.want_diagnostics));
    }
    let Some(program) = program else { return diffs };
    if let Some(want) = &case.want_cycle {
        let as_of = case.as_of.as_deref().unwrap_or("");
        let got = program.run_cycle_json(
            &case.units,
            as_of,
            case.cycle.as_ref().unwrap_or(&Json::Null),
        );
        diffs.extend(compare_cycle(&got, want));
    }
    if case.want.is_empty() {
        return diffs;
    }
    let Some(as_of) = case.as_of.as_deref() else {
        diffs.push("a case with `want` needs `as_of`".into());
        return diffs;
    };
    let options = case.eval_options();
    let one_by_one: Vec<Json> = case
        .units
        .iter()
        .map(|u| program.evaluate_json(u, as_of, &options))
        .collect();
    let batch = program.evaluate_batch_json(&case.units, as_of, &options);
    if one_by_one != batch {
        diffs.push("evaluating one by one and as a batch gave different results".into());
    }
    if case.want.len() != case.units.len() {
        diffs.push(format!(
            "{} units but {} expectations",
            case.units.len(),
            case.want.len()
        ));
    }
    for w in &case.want {
        let id = w.get("unit_id").and_then(Json::as_str).unwrap_or("");
        let got = one_by_one
            .iter()
            .find(|g| g.get("unit_id").and_then(Json::as_str) == Some(id));
        match got {
            None => diffs.push(format!("no result for unit {id}")),
            Some(g) => diffs.extend(compare(g, w).into_iter().map(|d| format!("unit {id}: {d}"))),
        }
    }
    diffs
}
