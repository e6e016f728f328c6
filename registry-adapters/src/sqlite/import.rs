//! Importing registry files (CSV, TSV, JSON Lines) into the store.
//!
//! Each file becomes one table (`registry_groups`, `registry_members` or `registry_individuals`)
//! with a TEXT column per column of the file, named as in the file, and holding each cell's text
//! exactly as the file reader gives it (trimmed; empty cells and JSON `null` as NULL). Beside them,
//! bookkeeping columns starting with `_entitle_` keep what a run needs to read the rows back as the
//! files would be read: the line, a row-level problem (a short row, a line that is not a JSON
//! object), cells that are not text, and the sort key of the row's (group) id, so that units and
//! members stream in id order. Rows are never dropped or repaired at import: a bad row is imported
//! as it is and becomes the same error record when a program runs.

use super::schema::db_error;
use crate::error::RegistryError;
use crate::files::rows::{RowStream, Separator, Wanted};
use crate::files::{open_stream, EXTENSIONS};
use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// What a registry file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Groups (households): one row per group.
    Groups,
    /// Memberships: one row per member of a group.
    Members,
    /// Individuals, for programs that target individuals.
    Individuals,
}

impl Role {
    /// `groups`, `members` or `individuals`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Groups => "groups",
            Role::Members => "members",
            Role::Individuals => "individuals",
        }
    }

    /// The table that holds the rows.
    pub fn table(self) -> &'static str {
        match self {
            Role::Groups => "registry_groups",
            Role::Members => "registry_members",
            Role::Individuals => "registry_individuals",
        }
    }

    /// The file stems that hold this role, in order of preference (as `entitle run` finds files).
    fn stems(self) -> &'static [&'static str] {
        match self {
            Role::Groups => &["groups", "households"],
            Role::Members => &["members", "memberships"],
            Role::Individuals => &["individuals", "persons", "people"],
        }
    }

    /// The accepted names of the column the rows are ordered by: the unit id, or the group id of a
    /// membership.
    pub(crate) fn key_names(self) -> &'static [&'static str] {
        match self {
            Role::Groups => &["id", "group_id"],
            Role::Members => &["group_id", "group"],
            Role::Individuals => &["id"],
        }
    }
}

/// A file to import, with what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportFile {
    /// What the file holds.
    pub role: Role,
    /// The file.
    pub path: PathBuf,
}

/// What an import did, per file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFile {
    /// What the file holds.
    pub role: Role,
    /// The file as named.
    pub source: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// Rows imported (every row of the file, bad ones included).
    pub rows: u64,
}

/// Finds the files to import in `paths`: each path is a directory (its `groups.*`, `members.*` and
/// `individuals.*` files, as `entitle run` finds them) or a file named after what it holds.
///
/// # Errors
/// [`RegistryError::NotFound`] (G0002) when a directory holds no registry file, a file's name says
/// nothing of what it holds, or two files hold the same thing; G0001 when a path does not exist.
pub fn plan(paths: &[PathBuf]) -> Result<Vec<ImportFile>, RegistryError> {
    let mut out: Vec<ImportFile> = Vec::new();
    let roles = [Role::Groups, Role::Members, Role::Individuals];
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| RegistryError::io("open", path, e))?;
        if meta.is_dir() {
            let before = out.len();
            for role in roles {
                let found = role
                    .stems()
                    .iter()
                    .flat_map(|s| {
                        EXTENSIONS
                            .iter()
                            .map(move |e| path.join(format!("{s}.{e}")))
                    })
                    .find(|p| p.is_file());
                if let Some(p) = found {
                    out.push(ImportFile { role, path: p });
                }
            }
            if out.len() == before {
                return Err(RegistryError::NotFound {
                    path: path.clone(),
                    reason: "no registry file: expected groups.csv and members.csv, or individuals.csv (or .tsv, .jsonl)".into(),
                });
            }
        } else {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let role = roles
                .into_iter()
                .find(|r| r.stems().iter().any(|s| *s == stem))
                .ok_or_else(|| RegistryError::NotFound {
                    path: path.clone(),
                    reason: "the file's name does not say what it holds: name it groups.csv, members.csv or individuals.csv (or .tsv, .jsonl)".into(),
                })?;
            out.push(ImportFile {
                role,
                path: path.clone(),
            });
        }
    }
    for (k, f) in out.iter().enumerate() {
        if let Some(other) = out.iter().skip(k + 1).find(|o| o.role == f.role) {
            return Err(RegistryError::NotFound {
                path: other.path.clone(),
                reason: format!(
                    "two files hold {}: {} and this one",
                    f.role.as_str(),
                    f.path.display()
                )
                .into(),
            });
        }
    }
    Ok(out)
}

/// The sort key of an id: ids made of digits first, in numeric order, then other ids byte by
/// byte, as [`crate::order::compare_ids`] orders each kind; no id sorts before all.
pub(crate) fn sort_key(id: Option<&str>) -> Vec<u8> {
    let Some(id) = id else { return Vec::new() };
    let b = id.as_bytes();
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        let zeros = b
            .iter()
            .take_while(|c| **c == b'0')
            .count()
            .min(b.len().saturating_sub(1));
        let stripped = b.get(zeros..).unwrap_or(b);
        let mut k = Vec::with_capacity(b.len() * 2 + 12);
        k.push(b'0');
        k.extend_from_slice(format!("{:010}", stripped.len()).as_bytes());
        k.extend_from_slice(stripped);
        k.push(1);
        k.extend_from_slice(b);
        k
    } else {
        let mut k = Vec::with_capacity(b.len() + 1);
        k.push(b'1');
        k.extend_from_slice(b);
        k
    }
}

/// The column names of a CSV or TSV file's header, trimmed (and without a byte-order mark).
#[cfg(feature = "csv")]
fn csv_header(path: &Path) -> Result<Vec<String>, RegistryError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| RegistryError::io("open", path, e))?;
    let mut input = vec![0u8; 1 << 16];
    let (mut out, mut ends) = (vec![0u8; 1 << 16], vec![0usize; 1024]);
    let (mut nout, mut nend) = (0usize, 0usize);
    let mut filled = file
        .read(&mut input)
        .map_err(|e| RegistryError::io("read", path, e))?;
    let start = input.get(..filled).unwrap_or(&[]);
    // The same delimiter as the reader of the rows finds.
    let delimiter = crate::files::sniff::delimiter(path, start)?;
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut pos = 0usize;
    loop {
        let (res, nin, o, e) = reader.read_record(
            input.get(pos..filled).unwrap_or(&[]),
            out.get_mut(nout..).unwrap_or(&mut []),
            ends.get_mut(nend..).unwrap_or(&mut []),
        );
        pos += nin;
        nout += o;
        nend += e;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {
                filled = file
                    .read(&mut input)
                    .map_err(|e| RegistryError::io("read", path, e))?;
                pos = 0;
            }
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => break,
            csv_core::ReadRecordResult::End => {
                return Err(RegistryError::NoHeader {
                    path: path.to_path_buf(),
                })
            }
        }
    }
    let mut names = Vec::with_capacity(nend);
    let mut start = 0usize;
    for (i, end) in ends.iter().take(nend).enumerate() {
        let raw = out.get(start..*end).unwrap_or(&[]);
        start = *end;
        let text = std::str::from_utf8(raw).map_err(|_| RegistryError::Malformed {
            path: path.to_path_buf(),
            line: 1,
            reason: format!("header cell {} is not valid UTF-8 text", i + 1).into(),
        })?;
        let text = if i == 0 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        names.push(text.trim().to_string());
    }
    Ok(names)
}

/// Every key of a JSON Lines file's objects, in order of first appearance (a first pass).
#[cfg(feature = "jsonl")]
fn jsonl_keys(path: &Path) -> Result<Vec<String>, RegistryError> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| RegistryError::io("open", path, e))?;
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line.map_err(|e| RegistryError::io("read", path, e))?;
        // A byte-order mark before the first object, as the rows' reader skips it.
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&line);
        // Lines that are not objects are imported as they are (their problem is kept), below.
        if let Ok(o) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line) {
            for k in o.keys() {
                if seen.insert(k.clone()) {
                    names.push(k.clone());
                }
            }
        }
    }
    Ok(names)
}

fn columns_of(path: &Path) -> Result<Vec<String>, RegistryError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        #[cfg(feature = "csv")]
        "csv" | "tsv" => csv_header(path),
        #[cfg(feature = "jsonl")]
        "jsonl" | "ndjson" | "json" => jsonl_keys(path),
        #[cfg(feature = "parquet")]
        "parquet" => crate::files::parquet::column_names(path),
        _ => Err(RegistryError::Unsupported {
            reason: format!(
                "{}: cannot import this kind of file; expected .csv, .tsv, .jsonl or .ndjson{}",
                path.display(),
                if cfg!(feature = "parquet") {
                    ", or .parquet"
                } else {
                    ""
                }
            )
            .into(),
        }),
    }
}

/// Quotes an SQL identifier: any text is a valid, inert name once its quotes are doubled.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Checks the file's column names: none may be empty twice, repeat (ignoring case, as SQLite
/// does) or take a bookkeeping name.
fn check_columns(path: &Path, names: &[String]) -> Result<Vec<String>, RegistryError> {
    let mut kept: Vec<String> = Vec::new();
    for n in names {
        if n.is_empty() {
            continue;
        }
        if n.to_ascii_lowercase().starts_with("_entitle_") {
            return Err(RegistryError::Unsupported {
                reason: format!(
                    "{}: the column `{n}` uses a name reserved by the store (`_entitle_…`); rename it",
                    path.display()
                ).into(),
            });
        }
        if n.contains('\0') {
            return Err(RegistryError::Malformed {
                path: path.to_path_buf(),
                line: 1,
                reason: "a column name holds a NUL character".into(),
            });
        }
        if kept.iter().any(|k| k.eq_ignore_ascii_case(n)) {
            return Err(RegistryError::DuplicateColumn {
                path: path.to_path_buf(),
                column: n.clone(),
            });
        }
        kept.push(n.clone());
    }
    Ok(kept)
}

/// Imports one file into its table, inside the caller's transaction.
pub(crate) fn import_file(
    conn: &Connection,
    store: &Path,
    file: &ImportFile,
    imported_at: &str,
) -> Result<ImportedFile, RegistryError> {
    let columns = check_columns(&file.path, &columns_of(&file.path)?)?;
    let wanted: Vec<Wanted> = columns.iter().map(|c| Wanted::optional(&[c])).collect();
    let mut rows: Box<dyn RowStream> = open_stream(&file.path, &wanted)?;
    let separator = match rows.separator() {
        Separator::Semicolon => Some("semicolon"),
        Separator::Comma => Some("comma"),
        Separator::Other => None,
    };
    let key_col = file
        .role
        .key_names()
        .iter()
        .find_map(|k| columns.iter().position(|c| c == k))
        .or_else(|| {
            file.role
                .key_names()
                .iter()
                .find_map(|k| columns.iter().position(|c| c.eq_ignore_ascii_case(k)))
        });
    let id_col = (file.role == Role::Members)
        .then(|| {
            ["id", "member_id"]
                .iter()
                .find_map(|k| columns.iter().position(|c| c.eq_ignore_ascii_case(k)))
        })
        .flatten();
    let table = quote(file.role.table());
    let fail = |e: rusqlite::Error| db_error(store, &format!("import {}", file.path.display()), &e);
    let defs: Vec<String> = columns
        .iter()
        .map(|c| format!("{} TEXT", quote(c)))
        .collect();
    let create = format!(
        "DROP TABLE IF EXISTS {table};
         CREATE TABLE {table}(
            _entitle_seq INTEGER PRIMARY KEY,
            _entitle_line INTEGER NOT NULL,
            _entitle_key BLOB NOT NULL,
            _entitle_id_key BLOB NOT NULL,
            _entitle_problem TEXT,
            _entitle_bad TEXT{}{});",
        if defs.is_empty() { "" } else { ",\n" },
        defs.join(",\n")
    );
    conn.execute_batch(&create).map_err(fail)?;
    let placeholders: Vec<String> = (1..=columns.len() + 6).map(|k| format!("?{k}")).collect();
    let names: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let insert = format!(
        "INSERT INTO {table}(_entitle_seq, _entitle_line, _entitle_key, _entitle_id_key, _entitle_problem, _entitle_bad{}{}) VALUES ({})",
        if names.is_empty() { "" } else { ", " },
        names.join(", "),
        placeholders.join(", ")
    );
    let mut stmt = conn.prepare(&insert).map_err(fail)?;
    let mut seq = 0i64;
    let mut values: Vec<Sql> = Vec::with_capacity(columns.len() + 6);
    while rows.advance()? {
        seq += 1;
        values.clear();
        let cell = |k: Option<usize>| k.and_then(|k| rows.cell(k).ok().flatten());
        values.push(Sql::Integer(seq));
        values.push(Sql::Integer(i64::try_from(rows.line()).unwrap_or(i64::MAX)));
        values.push(Sql::Blob(sort_key(cell(key_col))));
        values.push(Sql::Blob(sort_key(cell(id_col))));
        values.push(rows.problem().map_or(Sql::Null, |p| Sql::Text(p.english())));
        let mut bad = serde_json::Map::new();
        let mut cells = Vec::with_capacity(columns.len());
        for (k, name) in columns.iter().enumerate() {
            match rows.cell(k) {
                Ok(Some(t)) => cells.push(Sql::Text(t.to_string())),
                Ok(None) => cells.push(Sql::Null),
                Err(b) => {
                    bad.insert(name.clone(), serde_json::Value::String(b.code.to_string()));
                    cells.push(Sql::Null);
                }
            }
        }
        values.push(if bad.is_empty() {
            Sql::Null
        } else {
            Sql::Text(serde_json::Value::Object(bad).to_string())
        });
        values.extend(cells);
        stmt.execute(rusqlite::params_from_iter(values.iter()))
            .map_err(fail)?;
    }
    drop(stmt);
    let t = file.role.table();
    conn.execute_batch(&format!(
        "CREATE INDEX {} ON {table}(_entitle_key, _entitle_seq);
         CREATE INDEX {} ON {table}(_entitle_id_key, _entitle_seq);",
        quote(&format!("{t}_by_key")),
        quote(&format!("{t}_by_id"))
    ))
    .map_err(fail)?;
    let source = file.path.display().to_string();
    let list = serde_json::Value::from(columns.clone()).to_string();
    conn.execute(
        "INSERT INTO registry_file(role, source, table_name, columns, rows, imported_at, separator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            file.role.as_str(),
            source,
            t,
            list,
            seq,
            imported_at,
            separator
        ],
    )
    .map_err(fail)?;
    Ok(ImportedFile {
        role: file.role,
        source,
        columns,
        rows: u64::try_from(seq).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::compare_ids;
    use std::cmp::Ordering;

    #[test]
    fn sort_keys_follow_the_registry_order() {
        let digits = ["0", "00", "7", "9", "010", "10", "123", "1000"];
        let text = ["A", "H0000009", "H0000010", "H10", "H9", "a"];
        for set in [&digits[..], &text[..]] {
            for a in set {
                for b in set {
                    let want = compare_ids(a, b);
                    assert_eq!(sort_key(Some(a)).cmp(&sort_key(Some(b))), want, "{a} {b}");
                }
            }
        }
        // Across kinds too: digits before other ids.
        for a in digits {
            for b in text {
                assert_eq!(compare_ids(a, b), Ordering::Less, "{a} {b}");
                assert!(sort_key(Some(a)) < sort_key(Some(b)), "{a} {b}");
            }
        }
        assert!(sort_key(None) < sort_key(Some("0")));
        assert!(sort_key(None) < sort_key(Some("")));
    }

    #[test]
    fn files_are_found_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["groups.csv", "members.jsonl", "notes.txt"] {
            std::fs::write(dir.path().join(f), "id\n").unwrap();
        }
        let found = plan(&[dir.path().to_path_buf()]).unwrap();
        let roles: Vec<_> = found.iter().map(|f| f.role).collect();
        assert_eq!(roles, [Role::Groups, Role::Members]);
        let e = plan(&[dir.path().join("notes.txt")]).unwrap_err();
        assert_eq!(e.code(), "G0002");
        let e = plan(&[dir.path().to_path_buf(), dir.path().join("groups.csv")]).unwrap_err();
        assert!(e.to_string().contains("two files hold groups"), "{e}");
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(
            plan(&[empty.path().to_path_buf()]).unwrap_err().code(),
            "G0002"
        );
    }
}
