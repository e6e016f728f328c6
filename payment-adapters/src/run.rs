//! Reading a run directory written by `entitle run`: `summary.json` and `decisions.jsonl`; or one
//! written by `entitle cycle` (`summary.json` and `run.jsonl`, read by [`crate::cycle`]).
//!
//! Records are read leniently (unknown fields are ignored; amounts may be strings or numbers) but
//! nothing is dropped silently: every line is a payable entitlement, a counted non-payable
//! decision, a counted unit error, or an error that stops the export. The units `entitle run`
//! could not decide have no line (they are in `errors.csv`): they are counted from the summary.

use crate::error::PaymentError;
use crate::integrity::{self, Tally};
use crate::summary::{invalid, read_summary, SummaryInfo};
use chrono::NaiveDate;
use entitle_dsl::Currency;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The program that made the decisions.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ProgramRef {
    /// Program identifier.
    pub id: String,
    /// Program version, if declared.
    #[serde(default)]
    pub version: Option<String>,
    /// `sha256:` and the hex SHA-256 of the program text.
    pub hash: String,
}

/// One payable entitlement: an eligible unit with a positive net cash amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entitlement {
    /// The unit (household or individual) identifier.
    pub unit_id: String,
    /// The net amount (`cash.net`: what reaches the beneficiary after the transfer fee), exactly as
    /// decided.
    pub amount: Decimal,
    /// The currency.
    pub currency: Currency,
}

/// The payable part of a run, with counts that reconcile with the run's summary:
/// `units = entitlements.len() + not_payable + unit_errors`.
#[derive(Clone, Debug)]
pub struct RunEntitlements {
    /// The program.
    pub program: ProgramRef,
    /// The as-of date of the run.
    pub as_of: NaiveDate,
    /// Where the registry came from, as the summary says.
    pub registry: Option<String>,
    /// Payable entitlements, sorted by unit id.
    pub entitlements: Vec<Entitlement>,
    /// Units of the run: its decisions and its unit errors (`counts.units` of an `entitle run`
    /// summary, `rows.units` of an `entitle cycle` one).
    pub units: usize,
    /// Decisions that are not payable: not eligible, undetermined, or eligible with no (or zero) cash.
    pub not_payable: usize,
    /// Units the run could not decide: `entitle run` lists them in `errors.csv` and counts them in
    /// `summary.json` (`counts.errors`, `errors.units`); a decisions file written otherwise may
    /// give one as a line with an `error` instead of a decision. A cycle gives a unit it could not
    /// evaluate a `null` decision, and a unit whose row could not be read no record at all (it
    /// is among `rows.row_errors`): both are unit errors.
    pub unit_errors: usize,
}

#[derive(Deserialize)]
struct RawProgram {
    hash: Option<String>,
}

#[derive(Deserialize)]
struct RawDecision {
    unit_id: Option<Value>,
    program: Option<RawProgram>,
    as_of: Option<String>,
    decision: Option<String>,
    cash: Option<RawCash>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct RawCash {
    currency: Option<String>,
    total: Option<Value>,
    net: Option<Value>,
}

/// Reads `RUN_DIR/summary.json` and `RUN_DIR/decisions.jsonl`; for a directory written by
/// `entitle cycle` (a `run.jsonl` and no `decisions.jsonl`), the approved allocations
/// (see [`crate::cycle`]). The unit errors are the summary's (`counts.errors`, else
/// `errors.units`), as `entitle run` writes no decision line for them; a summary without either
/// leaves the error lines of the decisions file, if any.
///
/// # Errors
/// [`PaymentError::Io`] (P0001) for unreadable files; [`PaymentError::InvalidRun`] (P0002) for a
/// malformed summary or line, an unknown decision word or currency, a decision made at another
/// date than the summary's, or decisions that do not add up to the summary's `counts.decisions`,
/// `counts.eligible`, `counts.units` (decisions and unit errors) and `totals.cash` where it gives
/// them (a decisions file cut short or edited), or unit error counts that disagree; for a
/// cycle, unit records that do not reconcile with its summary's `rows` and `totals` counts;
/// [`PaymentError::DuplicateUnit`] (P0015); [`PaymentError::ProgramMismatch`] (P0016);
/// [`PaymentError::InvalidAmount`] (P0019) for an amount that is not a decimal or is negative.
pub fn read_run(run_dir: &Path) -> Result<RunEntitlements, PaymentError> {
    let summary = read_summary(run_dir)?;
    let path = run_dir.join("decisions.jsonl");
    if !path.exists() && run_dir.join("run.jsonl").exists() {
        return crate::cycle::read_cycle(run_dir, summary);
    }
    let SummaryInfo {
        program,
        as_of,
        registry,
        counts,
        totals,
        errors,
        ..
    } = summary;
    let as_of_text = as_of.to_string();
    let mut tally = Tally::default();
    let file = std::fs::File::open(&path).map_err(|e| PaymentError::io("read", &path, e))?;
    let mut run = RunEntitlements {
        program,
        as_of,
        registry,
        entitlements: Vec::new(),
        units: 0,
        not_payable: 0,
        unit_errors: 0,
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for record in records::<RawDecision>(file, &path, "a JSON decision") {
        let (line_no, raw) = record?;
        let unit_id = unit_of(&path, line_no, raw.unit_id, &mut seen)?;
        if let Some(hash) = raw.program.and_then(|p| p.hash) {
            if hash != run.program.hash {
                return Err(PaymentError::ProgramMismatch {
                    unit_id,
                    expected: run.program.hash.clone(),
                    found: hash,
                });
            }
        }
        if let Some(line_as_of) = raw.as_of.as_deref().filter(|d| *d != as_of_text) {
            return Err(invalid(
                &path,
                Some(line_no),
                format!(
                    "unit {unit_id} was decided as of {line_as_of}, but summary.json is as of \
                     {as_of_text}"
                ),
            ));
        }
        let decision = match raw.decision.as_deref() {
            Some(d) => d,
            None if raw.error.is_some() => {
                tally.error_lines = tally.error_lines.saturating_add(1);
                continue;
            }
            None => {
                return Err(invalid(
                    &path,
                    Some(line_no),
                    "neither `decision` nor `error`".into(),
                ))
            }
        };
        tally.decisions = tally.decisions.saturating_add(1);
        match decision {
            "eligible" => tally.eligible = tally.eligible.saturating_add(1),
            "not_eligible" | "undetermined" => {
                if let Some((code, net)) = raw.cash.as_ref().and_then(cash_net) {
                    tally.add_cash(&code, parse_amount(&unit_id, "cash.net", &net)?);
                }
                run.not_payable = run.not_payable.saturating_add(1);
                continue;
            }
            other => {
                return Err(invalid(
                    &path,
                    Some(line_no),
                    format!("unknown decision {other:?}"),
                ))
            }
        }
        let Some(cash) = raw.cash else {
            run.not_payable = run.not_payable.saturating_add(1);
            continue;
        };
        let (field, value) = match (cash.net, cash.total) {
            (Some(net), _) => ("cash.net", net),
            (None, Some(total)) => ("cash.total", total),
            (None, None) => {
                return Err(invalid(
                    &path,
                    Some(line_no),
                    "`cash` has neither `net` nor `total`".into(),
                ))
            }
        };
        let amount = parse_amount(&unit_id, field, &value)?;
        if let Some(code) = &cash.currency {
            tally.add_cash(code, amount);
        }
        if amount.is_zero() {
            run.not_payable = run.not_payable.saturating_add(1);
            continue;
        }
        let code = cash
            .currency
            .ok_or_else(|| invalid(&path, Some(line_no), "`cash` has no `currency`".into()))?;
        let currency = currency(&path, Some(line_no), &code)?;
        run.entitlements.push(Entitlement {
            unit_id,
            amount,
            currency,
        });
    }
    let summary_path = run_dir.join("summary.json");
    tally.unit_errors = integrity::unit_errors(
        &summary_path,
        counts.as_ref(),
        errors.as_ref(),
        tally.error_lines,
    )?;
    integrity::check(
        &summary_path,
        &path,
        counts.as_ref(),
        totals.as_ref(),
        &tally,
    )?;
    run.unit_errors = usize::try_from(tally.unit_errors).unwrap_or(usize::MAX);
    run.units = usize::try_from(tally.units()).unwrap_or(usize::MAX);
    run.entitlements.sort_by(|a, b| a.unit_id.cmp(&b.unit_id));
    Ok(run)
}

/// A decision's currency and net cash (or total, when it has no net), as the summary adds them up.
fn cash_net(cash: &RawCash) -> Option<(String, Value)> {
    let amount = cash.net.clone().or_else(|| cash.total.clone())?;
    Some((cash.currency.clone()?, amount))
}

/// An ISO 4217 code read at `path` (and `line`), or an error that says where.
pub(crate) fn currency(
    path: &Path,
    line: Option<usize>,
    code: &str,
) -> Result<Currency, PaymentError> {
    Currency::from_code(code)
        .ok_or_else(|| invalid(path, line, format!("unknown ISO 4217 currency {code:?}")))
}

/// The non-blank lines of a JSON Lines file, each parsed as `T`, with their 1-based numbers.
pub(crate) fn records<'a, T: serde::de::DeserializeOwned>(
    file: std::fs::File,
    path: &'a Path,
    what: &'a str,
) -> impl Iterator<Item = Result<(usize, T), PaymentError>> + 'a {
    BufReader::new(file)
        .lines()
        .enumerate()
        .filter_map(move |(index, line)| {
            let line_no = index.saturating_add(1);
            let line = match line {
                Ok(l) => l,
                Err(e) => return Some(Err(PaymentError::io("read", path, e))),
            };
            if line.trim().is_empty() {
                return None;
            }
            Some(
                serde_json::from_str(&line)
                    .map(|raw| (line_no, raw))
                    .map_err(|e| invalid(path, Some(line_no), format!("not {what}: {e}"))),
            )
        })
}

/// A line's unit id, refused when missing or seen on an earlier line (paid twice otherwise).
pub(crate) fn unit_of(
    path: &Path,
    line_no: usize,
    raw: Option<Value>,
    seen: &mut HashMap<String, usize>,
) -> Result<String, PaymentError> {
    let unit_id = match raw {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(invalid(path, Some(line_no), "no `unit_id`".into())),
    };
    if let Some(first) = seen.insert(unit_id.clone(), line_no) {
        return Err(PaymentError::DuplicateUnit {
            unit_id,
            first_line: first,
            second_line: line_no,
        });
    }
    Ok(unit_id)
}

pub(crate) fn parse_amount(
    unit_id: &str,
    field: &'static str,
    value: &Value,
) -> Result<Decimal, PaymentError> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(PaymentError::InvalidAmount {
                unit_id: unit_id.to_string(),
                field,
                reason: "not a decimal string".into(),
            })
        }
    };
    let amount = Decimal::from_str_exact(text.trim()).map_err(|_| PaymentError::InvalidAmount {
        unit_id: unit_id.to_string(),
        field,
        reason: "not an exact decimal number".into(),
    })?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(PaymentError::InvalidAmount {
            unit_id: unit_id.to_string(),
            field,
            reason: "negative".into(),
        });
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    /// What `entitle run` would write in the summary for these lines: the counts and net totals.
    fn counts_and_totals(lines: &[&str]) -> String {
        let mut t = Tally::default();
        for v in lines
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        {
            let Some(d) = v.get("decision").and_then(Value::as_str) else {
                continue;
            };
            t.decisions += 1;
            t.eligible += u64::from(d == "eligible");
            if let (Some(c), Some(n)) = (v["cash"]["currency"].as_str(), v["cash"].get("net")) {
                if let Ok(n) = Decimal::from_str_exact(n.as_str().unwrap_or(&n.to_string())) {
                    t.add_cash(c, n);
                }
            }
        }
        let cash: Vec<String> = t
            .net
            .iter()
            .map(|(c, n)| format!(r#"{{"currency":"{c}","net":"{n}"}}"#))
            .collect();
        format!(
            r#""counts":{{"decisions":{},"eligible":{}}},"totals":{{"cash":[{}]}}"#,
            t.decisions,
            t.eligible,
            cash.join(",")
        )
    }

    fn write_run(lines: &[&str]) -> tempfile::TempDir {
        write_run_with(lines, &counts_and_totals(lines))
    }

    fn write_run_with(lines: &[&str], figures: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let summary = format!(
            r#"{{"program":{{"id":"cg","version":"1","hash":"{HASH}"}},"as_of":"2026-03-01","registry":"households.csv",{figures}}}"#
        );
        std::fs::write(dir.path().join("summary.json"), summary).unwrap();
        std::fs::write(dir.path().join("decisions.jsonl"), lines.join("\n")).unwrap();
        dir
    }

    fn line(unit: &str, decision: &str, cash: &str) -> String {
        format!(
            r#"{{"unit_id":"{unit}","program":{{"id":"cg","hash":"{HASH}"}},"as_of":"2026-03-01","decision":"{decision}","rules":[],"missing":[],"items":[]{cash},"in_kind":[],"extra":1}}"#
        )
    }

    #[test]
    fn sorts_payable_and_counts_the_rest() {
        let cash = |net: &str| {
            format!(
                r#","cash":{{"currency":"KES","items_total":"{net}","total":"{net}","fee":"0","net":"{net}"}}"#
            )
        };
        let lines = [
            line("H3", "eligible", &cash("2500")),
            line("H1", "eligible", &cash("1500.50")),
            line("H2", "not_eligible", ""),
            line("H4", "eligible", ""),
            line("H5", "eligible", &cash("0")),
            r#"{"unit_id":"H6","error":{"code":"R0001"}}"#.to_string(),
            String::new(),
        ];
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let dir = write_run(&refs);
        let run = read_run(dir.path()).unwrap();
        let ids: Vec<_> = run
            .entitlements
            .iter()
            .map(|e| e.unit_id.as_str())
            .collect();
        assert_eq!(ids, ["H1", "H3"]);
        assert_eq!(run.entitlements[0].amount.to_string(), "1500.50");
        assert_eq!((run.units, run.not_payable, run.unit_errors), (6, 3, 1));
        assert_eq!(run.registry.as_deref(), Some("households.csv"));
        assert_eq!(run.as_of, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    }

    #[test]
    fn refuses_what_could_pay_twice_or_wrongly() {
        let cash = r#","cash":{"currency":"KES","total":"10","net":"10"}"#;
        let dir = write_run(&[&line("H1", "eligible", cash), &line("H1", "eligible", cash)]);
        assert_eq!(read_run(dir.path()).unwrap_err().code(), "P0015");

        let other = line("H1", "eligible", cash).replace("0001\"}", "0002\"}");
        let dir = write_run(&[&other]);
        assert_eq!(read_run(dir.path()).unwrap_err().code(), "P0016");

        let dir = write_run(&[&line("H1", "Eligible", cash)]);
        assert_eq!(read_run(dir.path()).unwrap_err().code(), "P0002");

        let neg = r#","cash":{"currency":"KES","net":"-5"}"#;
        let dir = write_run(&[&line("H1", "eligible", neg)]);
        assert_eq!(read_run(dir.path()).unwrap_err().code(), "P0019");

        let float = r#","cash":{"currency":"KES","net":"1e3"}"#;
        let dir = write_run(&[&line("H1", "eligible", float)]);
        assert_eq!(read_run(dir.path()).unwrap_err().code(), "P0019");

        let dir = write_run(&["{not json"]);
        let e = read_run(dir.path()).unwrap_err();
        assert_eq!(e.code(), "P0002");
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn refuses_decisions_that_do_not_match_the_summary() {
        let cash = |net: &str| format!(r#","cash":{{"currency":"KES","net":"{net}"}}"#);
        let whole = [
            line("H1", "eligible", &cash("1500")),
            line("H2", "eligible", &cash("2500")),
            line("H3", "not_eligible", ""),
        ];
        let whole: Vec<&str> = whole.iter().map(String::as_str).collect();
        let figures = counts_and_totals(&whole);
        assert_eq!(
            figures,
            r#""counts":{"decisions":3,"eligible":2},"totals":{"cash":[{"currency":"KES","net":"4000"}]}"#
        );
        let run = read_run(write_run_with(&whole, &figures).path()).unwrap();
        assert_eq!(run.entitlements.len(), 2);

        // The first line only: one eligible unit and its money are missing.
        let dir = write_run_with(&whole[..1], &figures);
        let e = read_run(dir.path()).unwrap_err();
        assert_eq!(e.code(), "P0002");
        let msg = e.to_string();
        assert!(msg.contains("decisions.jsonl"), "{msg}");
        for part in [
            "1 decisions, the summary counts 3",
            "1 eligible, the summary counts 2",
            "net KES 1500, the summary totals 4000",
        ] {
            assert!(msg.contains(part), "{msg}");
        }

        // An amount changed after the run.
        let edited = whole[1].replace("2500", "3500");
        let dir = write_run_with(&[whole[0], &edited, whole[2]], &figures);
        let e = read_run(dir.path()).unwrap_err();
        assert_eq!(e.code(), "P0002");
        assert!(
            e.to_string()
                .contains("net KES 5000, the summary totals 4000"),
            "{e}"
        );

        // A summary written by hand without the figures is read as it is.
        let dir = write_run_with(&whole, r#""counts":{"units":3}"#);
        assert_eq!(read_run(dir.path()).unwrap().entitlements.len(), 2);
    }

    #[test]
    fn refuses_a_decision_made_at_another_date() {
        let cash = r#","cash":{"currency":"KES","net":"10"}"#;
        let other = line("H2", "eligible", cash).replace("2026-03-01", "2026-02-01");
        let dir = write_run(&[&line("H1", "eligible", cash), &other]);
        let e = read_run(dir.path()).unwrap_err();
        assert_eq!(e.code(), "P0002");
        let msg = e.to_string();
        assert!(
            msg.contains("line 2")
                && msg.contains(
                    "unit H2 was decided as of 2026-02-01, but summary.json is as of 2026-03-01"
                ),
            "{msg}"
        );
    }

    #[test]
    fn accepts_numbers_for_amounts() {
        let cash = r#","cash":{"currency":"KES","net":1500.25}"#;
        let dir = write_run(&[&line("H1", "eligible", cash)]);
        let run = read_run(dir.path()).unwrap();
        assert_eq!(run.entitlements[0].amount.to_string(), "1500.25");
    }
}
