//! JSON Lines registry files: one JSON object per line, keys named as the inputs.
//!
//! Values follow Entitle's JSON boundary ([`entitle_core::json`]): `null` or an absent key is
//! unknown; numbers are read exactly; money may be a number, a string (`"KES 1500"`) or
//! `{"amount": "1500", "currency": "KES"}`; a list (or several membership kinds) is an array. A line
//! that is not a JSON object is a row error (G0104); blank lines are skipped. Keys are matched to
//! inputs as a CSV header's names are: exactly, else ignoring capitals and surrounding spaces.

use super::rows::{absent_among, Absent, BadCell, Cells, RowStream, Wanted};
use crate::error::{codes, RegistryError};
use crate::reason::Reason;
use serde_json::Value as Json;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A JSONL file being read.
pub(crate) struct JsonlRows {
    file: Arc<str>,
    path: PathBuf,
    reader: BufReader<File>,
    buf: Vec<u8>,
    wanted: Vec<Wanted>,
    cells: Vec<Result<Option<String>, BadCell>>,
    problem: Option<Reason>,
    line: u64,
    bytes: u64,
    size: Option<u64>,
    /// Whether any row so far had a key for each wanted column (with any value, `null` too).
    seen: Vec<bool>,
    /// The keys of the first rows ([`KEYS_SAMPLED`]), for a close name to an absent column.
    keys: std::collections::BTreeSet<String>,
    /// Once the file is read to its end: the wanted columns no row had a key for.
    absent: Option<Vec<Absent>>,
}

/// Rows whose keys are kept for "did you mean" (a column misspelt is misspelt from the first row:
/// a sample keeps the cost off large files).
const KEYS_SAMPLED: u64 = 1_000;

const OBJECT_CELL: BadCell = BadCell {
    code: codes::BAD_VALUE,
    key: "G0101.object",
};

/// The text form of a JSON value, as a CSV cell would hold it.
fn text_of(v: &Json) -> Result<Option<String>, BadCell> {
    Ok(match v {
        Json::Null => None,
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Json::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                if let Some(t) = text_of(item)? {
                    parts.push(t);
                }
            }
            Some(parts.join(";")).filter(|s| !s.is_empty())
        }
        Json::Object(o) => {
            let amount = o
                .get("amount")
                .map(text_of)
                .transpose()?
                .flatten()
                .ok_or(OBJECT_CELL)?;
            match o.get("currency").and_then(Json::as_str) {
                Some(c) => Some(format!("{c} {amount}")),
                None => Some(amount),
            }
        }
    })
}

impl JsonlRows {
    /// Opens `path`.
    ///
    /// # Errors
    /// G0001 when it cannot be opened, G0006 when it is UTF-16 text (each line would otherwise be
    /// reported as not JSON, without saying what to do).
    pub fn open(
        path: &Path,
        display: Arc<str>,
        wanted: &[Wanted],
    ) -> Result<JsonlRows, RegistryError> {
        let file = File::open(path).map_err(|e| RegistryError::io("open", path, e))?;
        let size = file.metadata().ok().map(|m| m.len());
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let start = reader
            .fill_buf()
            .map_err(|e| RegistryError::io("read", path, e))?;
        super::sniff::not_utf16(path, start, super::sniff::SAVE_JSONL)?;
        Ok(JsonlRows {
            file: display,
            path: path.to_path_buf(),
            reader,
            buf: Vec::new(),
            wanted: wanted.to_vec(),
            cells: Vec::new(),
            problem: None,
            line: 0,
            bytes: 0,
            size,
            seen: vec![false; wanted.len()],
            keys: Default::default(),
            absent: None,
        })
    }

    fn load(&mut self) {
        self.cells.clear();
        self.problem = None;
        let parsed: Result<serde_json::Map<String, Json>, _> = serde_json::from_slice(&self.buf);
        let object = match parsed {
            Ok(o) => o,
            Err(e) => {
                // Only the category and column: serde's messages may quote the data.
                let line = self.buf.trim_ascii_end();
                self.problem = Some(if std::str::from_utf8(line).is_err() {
                    Reason::key("G0104.json.utf8")
                } else if line.ends_with(b"},") {
                    // Objects copied out of a JSON array keep their commas.
                    Reason::key("G0104.json.comma")
                } else if e.classify() == serde_json::error::Category::Data {
                    Reason::key("G0104.json.not_object")
                } else if e.is_eof() {
                    // A line cut short (a closing brace or quote missing): no column to point at.
                    Reason::key("G0104.json.cut_short")
                } else {
                    let column = e.column().to_string();
                    Reason::with("G0104.json.invalid", &[("column", &column)])
                });
                return;
            }
        };
        if self.line <= KEYS_SAMPLED {
            self.keys
                .extend(object.keys().map(|k| k.trim().to_string()));
        }
        for (w, seen) in self.wanted.iter().zip(&mut self.seen) {
            let value = match w.names.iter().find_map(|n| object.get(n)) {
                Some(v) => Ok(Some(v)),
                None => loose_key(&object, w),
            };
            *seen |= !matches!(value, Ok(None));
            self.cells
                .push(value.and_then(|v| v.map(text_of).unwrap_or(Ok(None))));
        }
    }

    /// The wanted columns no row had a key for, each with the closest key of the sampled rows
    /// that no wanted column reads.
    fn absent_at_end(&self) -> Vec<Absent> {
        let read = |k: &str| {
            self.wanted
                .iter()
                .any(|w| w.names.iter().any(|n| n.eq_ignore_ascii_case(k)))
        };
        let unread: Vec<&str> = self
            .keys
            .iter()
            .map(String::as_str)
            .filter(|k| !read(k))
            .collect();
        absent_among(&self.wanted, &self.seen, &unread)
    }
}

const TWO_KEYS: BadCell = BadCell {
    code: codes::MALFORMED_ROW,
    key: "G0104.two_keys",
};

/// The value of the key that names `w` ignoring capitals and surrounding spaces (`Region`,
/// `MONTHLY_INCOME`), as a CSV header's names are matched: an export that capitalises its keys
/// would otherwise leave every input unknown, row after row, without an error. Looked for only
/// when no key names it exactly.
fn loose_key<'a>(
    object: &'a serde_json::Map<String, Json>,
    w: &Wanted,
) -> Result<Option<&'a Json>, BadCell> {
    for name in &w.names {
        let mut hits = object
            .iter()
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name));
        match (hits.next(), hits.next()) {
            (Some((_, v)), None) => return Ok(Some(v)),
            (Some(_), Some(_)) => return Err(TWO_KEYS),
            _ => {}
        }
    }
    Ok(None)
}

impl Cells for JsonlRows {
    fn line(&self) -> u64 {
        self.line
    }

    fn problem(&self) -> Option<Reason> {
        self.problem.clone()
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        match self.cells.get(k) {
            Some(Ok(v)) => Ok(v.as_deref()),
            Some(Err(e)) => Err(*e),
            None => Ok(None),
        }
    }
}

impl RowStream for JsonlRows {
    fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// Known once the file is read to its end: a key may be absent from one row and not the next.
    fn absent(&self) -> Option<&[Absent]> {
        self.absent.as_deref()
    }

    fn advance(&mut self) -> Result<bool, RegistryError> {
        loop {
            self.buf.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| RegistryError::io("read", &self.path, e))?;
            if n == 0 {
                if self.absent.is_none() {
                    self.absent = Some(self.absent_at_end());
                }
                return Ok(false);
            }
            self.bytes += n as u64;
            self.line += 1;
            // A byte-order mark (Notepad and PowerShell write one) is not part of the first object.
            if self.line == 1 && self.buf.starts_with(b"\xef\xbb\xbf") {
                self.buf.drain(..3);
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.load();
            return Ok(true);
        }
    }

    fn position(&self) -> (u64, Option<u64>) {
        (self.bytes, self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_as_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("groups.jsonl");
        let text = concat!(
            r#"{"id":"H1","region":" North ","monthly_income":1500.50,"kinds":["head","spouse"],"pension":false}"#,
            "\n\n",
            r#"{"id":2,"monthly_income":{"amount":"10","currency":"KES"},"region":null}"#,
            "\n",
            "[1,2]\n",
            "{\"id\": \"H4\", oops}\n",
            r#"{"id":"H5","region":{"x":1}}"#,
            "\n"
        );
        std::fs::write(&path, text).unwrap();
        let wanted = [
            Wanted::required(&["id"]),
            Wanted::required(&["region"]),
            Wanted::required(&["monthly_income"]),
            Wanted::optional(&["kind", "kinds"]),
            Wanted::optional(&["pension"]),
        ];
        let mut rows = JsonlRows::open(&path, "groups.jsonl".into(), &wanted).unwrap();
        assert!(rows.advance().unwrap());
        assert_eq!(rows.line(), 1);
        let cells: Vec<_> = (0..5).map(|k| rows.cell(k).unwrap()).collect();
        assert_eq!(
            cells,
            [
                Some("H1"),
                Some("North"),
                Some("1500.50"),
                Some("head;spouse"),
                Some("false")
            ]
        );
        assert!(rows.advance().unwrap());
        assert_eq!(
            (
                rows.line(),
                rows.cell(0).unwrap(),
                rows.cell(1).unwrap(),
                rows.cell(2).unwrap()
            ),
            (3, Some("2"), None, Some("KES 10"))
        );
        assert!(rows.advance().unwrap());
        assert_eq!(
            rows.problem().map(|p| p.english()).as_deref(),
            Some("the line is not a JSON object")
        );
        assert!(rows.advance().unwrap());
        assert!(rows
            .problem()
            .unwrap()
            .english()
            .starts_with("the line is not valid JSON"));
        assert!(rows.advance().unwrap());
        assert_eq!(rows.cell(1), Err(OBJECT_CELL));
        assert!(!rows.advance().unwrap());
    }

    #[test]
    fn keys_in_other_capitals_are_found_after_exact_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("groups.jsonl");
        let text = concat!(
            r#"{"ID":"H1"," Monthly_Income ":10,"region":"a","Region":"b"}"#,
            "\n",
            r#"{"id":"H2","REGION":"a","Region":"b","member_id":"x","Member_ID":"y"}"#,
            "\n",
        );
        std::fs::write(&path, text).unwrap();
        let wanted = [
            Wanted::required(&["id", "member_id"]),
            Wanted::required(&["region"]),
            Wanted::required(&["monthly_income"]),
        ];
        let mut rows = JsonlRows::open(&path, "groups.jsonl".into(), &wanted).unwrap();
        assert!(rows.advance().unwrap());
        let cells: Vec<_> = (0..3).map(|k| rows.cell(k)).collect();
        assert_eq!(cells, [Ok(Some("H1")), Ok(Some("a")), Ok(Some("10"))]);
        assert!(rows.advance().unwrap());
        let cells: Vec<_> = (0..3).map(|k| rows.cell(k)).collect();
        assert_eq!(cells, [Ok(Some("H2")), Err(TWO_KEYS), Ok(None)]);
    }
}
