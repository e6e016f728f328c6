//! The files a run is given besides the registry: the units' previous states, and the reference
//! list of the units that should be covered.

use anyhow::{bail, Context, Result};
use entitle_core::run_model::MembershipState;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Reads previous states: JSON lines with `unit_id` and `state`, or a CSV with those columns.
pub(super) fn read_previous(path: &Path) -> Result<HashMap<String, MembershipState>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = HashMap::new();
    let bad = |n: usize, what: &str| anyhow::anyhow!("{}:{n}: {what}", path.display());
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    if path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "json")
    {
        for (n, line) in lines {
            let v: Json = serde_json::from_str(line).map_err(|e| bad(n + 1, &e.to_string()))?;
            let id = v
                .get("unit_id")
                .and_then(Json::as_str)
                .ok_or_else(|| bad(n + 1, "no `unit_id`"))?;
            let state = v
                .get("state")
                .and_then(Json::as_str)
                .and_then(MembershipState::from_word)
                .ok_or_else(|| bad(n + 1, "no valid `state`"))?;
            out.insert(id.to_string(), state);
        }
        return Ok(out);
    }
    let Some((_, header)) = lines.next() else {
        return Ok(out);
    };
    let cols: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    let (Some(ci), Some(cs)) = (
        cols.iter().position(|c| *c == "unit_id"),
        cols.iter().position(|c| *c == "state"),
    ) else {
        bail!(
            "{}: the first line must name the columns `unit_id` and `state`",
            path.display()
        );
    };
    for (n, line) in lines {
        let cells: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let id = cells.get(ci).ok_or_else(|| bad(n + 1, "no unit_id"))?;
        let state = cells
            .get(cs)
            .and_then(|s| MembershipState::from_word(s))
            .ok_or_else(|| bad(n + 1, "not a membership state"))?;
        out.insert((*id).to_string(), state);
    }
    Ok(out)
}

/// Reads a reference list: one unit id per line, or the first column of a CSV (a `unit_id` or
/// `id` header line is skipped).
pub(super) fn read_reference(path: &Path) -> Result<BTreeSet<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| {
            l.split(',')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .filter(|id| !id.is_empty() && id != "unit_id" && id != "id")
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("entitle-cycle-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn previous_states_from_csv_and_jsonl() {
        let csv = temp("prev.csv", "unit_id,state\nH1,enrolled\n\"H2\",paused\n");
        let got = read_previous(&csv).unwrap();
        assert_eq!(got.get("H1"), Some(&MembershipState::Enrolled));
        assert_eq!(got.get("H2"), Some(&MembershipState::Paused));
        let jsonl = temp("run.jsonl", "{\"unit_id\":\"H3\",\"state\":\"exited\"}\n");
        assert_eq!(
            read_previous(&jsonl).unwrap().get("H3"),
            Some(&MembershipState::Exited)
        );
        let bad = temp("bad.csv", "unit_id,state\nH1,asleep\n");
        assert!(read_previous(&bad).unwrap_err().to_string().contains(":2:"));
    }

    #[test]
    fn reference_lists_skip_headers_and_blank_lines() {
        let f = temp("ref.csv", "unit_id,note\nH1,x\n\nH7\n");
        assert_eq!(
            read_reference(&f).unwrap(),
            ["H1", "H7"].iter().map(|s| s.to_string()).collect()
        );
    }
}
