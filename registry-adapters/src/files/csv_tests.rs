//! Tests of the CSV reader (`csv.rs`).

use super::*;

fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn reads_wanted_columns_by_name_with_lines() {
    let (_d, path) = write(
        "\u{feff}id,Region,unused,income\nH1, North ,x,100\n\n\"H,2\",East,\"a\nb\",\nH3,West\n",
    );
    let wanted = [
        Wanted::required(&["id"]),
        Wanted::required(&["region"]),
        Wanted::required(&["income"]),
        Wanted::optional(&["currency"]),
    ];
    let mut rows = CsvRows::open(&path, "groups.csv".into(), &wanted).unwrap();
    assert_eq!(rows.fields[3], None);
    assert!(rows.advance().unwrap());
    assert_eq!(
        (
            rows.line(),
            rows.cell(0).unwrap(),
            rows.cell(1).unwrap(),
            rows.cell(2).unwrap()
        ),
        (2, Some("H1"), Some("North"), Some("100"))
    );
    assert_eq!(rows.problem(), None);
    assert!(rows.advance().unwrap());
    assert_eq!(
        (rows.line(), rows.cell(0).unwrap(), rows.cell(2).unwrap()),
        (4, Some("H,2"), None)
    );
    assert!(rows.advance().unwrap());
    assert_eq!(rows.line(), 6);
    assert_eq!(
        rows.problem().map(|p| p.english()).as_deref(),
        Some("the row has 2 cells, but the header has 4")
    );
    assert!(!rows.advance().unwrap());
}

#[test]
fn a_file_separated_by_semicolons_reads_cell_by_cell() {
    // As a spreadsheet writes it where the comma is the decimal mark: quoted cells keep
    // semicolons and line breaks, and commas are only text.
    let (_d, path) = write(
        "\u{feff}id;Region;income\r\nH1; North ;1500,50\r\n\"H;2\";\"East\nside\";100\r\nH3;West\r\n",
    );
    let wanted = [
        Wanted::required(&["id"]),
        Wanted::required(&["region"]),
        Wanted::required(&["income"]),
    ];
    let mut rows = CsvRows::open(&path, "groups.csv".into(), &wanted).unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        let cells: Vec<Option<String>> = (0..3)
            .map(|k| rows.cell(k).unwrap().map(str::to_string))
            .collect();
        seen.push((rows.line(), cells, rows.problem().map(|p| p.english())));
    }
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        seen,
        vec![
            (2, vec![s("H1"), s("North"), s("1500,50")], None),
            (3, vec![s("H;2"), s("East\nside"), s("100")], None),
            (
                5,
                vec![s("H3"), s("West"), None],
                s("the row has 2 cells, but the header has 3")
            ),
        ]
    );
}

#[test]
fn line_numbers_are_exact_with_crlf_and_blank_lines() {
    let (_d, path) = write("id,x\r\nA,1\r\n\r\n\r\nB,2\r\n\"C\r\nc\",3\r\nD,4");
    let mut rows = CsvRows::open(
        &path,
        "g".into(),
        &[Wanted::required(&["id"]), Wanted::required(&["x"])],
    )
    .unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        seen.push((
            rows.line(),
            rows.cell(0).unwrap().unwrap().to_string(),
            rows.cell(1).unwrap().unwrap().to_string(),
        ));
    }
    let want = [
        (2, "A", "1"),
        (5, "B", "2"),
        (6, "C\r\nc", "3"),
        (8, "D", "4"),
    ];
    assert_eq!(
        seen,
        want.map(|(l, a, b)| (l, a.to_string(), b.to_string()))
    );
}

/// Every record with its line, through `advance` (plain lines split directly) or through
/// `csv-core` alone.
/// Each record's line, cell count and fields up to the last wanted one, read with or
/// without the plain-line path.
fn records(path: &Path, plain: bool, wanted: &[&str]) -> Vec<(u64, usize, Vec<String>)> {
    let wanted: Vec<Wanted> = wanted.iter().map(|w| Wanted::required(&[w])).collect();
    let mut rows = CsvRows::open(path, "g".into(), &wanted).unwrap();
    let mut seen = Vec::new();
    // Without the plain path: `csv-core` for every record, passing over empty rows as
    // `advance` does.
    let core_record = |rows: &mut CsvRows| loop {
        if !rows.read_record().unwrap() {
            return false;
        }
        if !rows.all_cells_empty() {
            return true;
        }
    };
    while if plain {
        rows.advance().unwrap()
    } else {
        core_record(&mut rows)
    } {
        let fields = (0..rows.nfields.min(rows.last_wanted + 1))
            .map(|i| String::from_utf8_lossy(rows.raw(i)).into_owned())
            .collect();
        seen.push((rows.line(), rows.nfields, fields));
    }
    seen
}

#[test]
fn plain_lines_read_as_csv_core_reads_them() {
    let text = "id,a,b\nH1,x,y\n\nH2,,\n\"H,3\",\"q\nr\",z\nH4,1,2\r\nH5,3,4\r\n\r\nH6,5\nH7,a\"b,c\n,,\nH8,last,line\nH9,1,2,3\n";
    let (_d, path) = write(text);
    for wanted in [&["id", "a", "b"][..], &["id"], &["a"], &["id", "b"]] {
        let fast = records(&path, true, wanted);
        assert_eq!(fast, records(&path, false, wanted), "{wanted:?}");
        assert_eq!(fast.len(), 9);
    }
    let fast = records(&path, true, &["id", "a"]);
    assert_eq!(fast[0], (2, 3, vec!["H1".to_string(), "x".to_string()]));
    assert_eq!(fast[5], (10, 2, vec!["H6".to_string(), "5".to_string()]));
    // `,,` (line 12) is passed over.
    assert_eq!(fast[7], (13, 3, vec!["H8".to_string(), "last".to_string()]));
    assert_eq!(fast[8], (14, 4, vec!["H9".to_string(), "1".to_string()]));
    let (_d, path) = write("id,a\n");
    assert_eq!(
        records(&path, true, &["id"]),
        records(&path, false, &["id"])
    );
}

#[test]
fn rows_of_empty_cells_are_passed_over_as_blank_lines() {
    // As spreadsheets export rows that were formatted but hold nothing: bare delimiters,
    // spaces, empty quotes; a row with one cell filled is a row.
    let text = "id,a,b\nH1,x,y\n,,\n , ,\t\n\"\",\"\",\"\"\r\nH2,,\n,,z\n,,\n";
    let (_d, path) = write(text);
    let wanted = [Wanted::required(&["id"]), Wanted::required(&["b"])];
    let mut rows = CsvRows::open(&path, "g".into(), &wanted).unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        seen.push((rows.line(), rows.cell(0).unwrap().map(str::to_string)));
    }
    assert_eq!(
        seen,
        [(2, Some("H1".into())), (6, Some("H2".into())), (7, None)]
    );
}

#[test]
fn bytes_that_are_not_utf8_fail_only_the_cells_that_are_read() {
    let mut text = b"id,a,b\nH1,x,y\nH2,".to_vec();
    text.extend_from_slice(&[0xff, 0xfe]);
    text.extend_from_slice(b",z\nH3,w,\xff\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.csv");
    std::fs::write(&path, &text).unwrap();
    let wanted = [Wanted::required(&["id"]), Wanted::required(&["a"])];
    let mut rows = CsvRows::open(&path, "g".into(), &wanted).unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        seen.push((
            rows.line(),
            rows.cell(0).map(|c| c.map(str::to_string)),
            rows.cell(1).map(|c| c.map(str::to_string)),
        ));
    }
    assert_eq!(
        seen,
        [
            (2, Ok(Some("H1".to_string())), Ok(Some("x".to_string()))),
            (3, Ok(Some("H2".to_string())), Err(BadCell::NOT_UTF8)),
            (4, Ok(Some("H3".to_string())), Ok(Some("w".to_string()))),
        ]
    );
}

#[test]
fn header_problems_stop_with_their_code() {
    let (_d, path) = write("");
    let e = CsvRows::open(&path, "g".into(), &[Wanted::required(&["id"])])
        .err()
        .unwrap();
    assert_eq!(e.code(), "G0003");
    let (_d, path) = write("id,regoin\nH1,North\n");
    let e = CsvRows::open(
        &path,
        "g".into(),
        &[Wanted::required(&["id"]), Wanted::required(&["region"])],
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "G0004");
    assert!(
        e.to_string().ends_with(
            "the header lacks a column the program needs: `region` (did you mean `regoin`?)"
        ),
        "{e}"
    );
    let (_d, path) = write("id,region,region\n");
    let e = CsvRows::open(
        &path,
        "g".into(),
        &[Wanted::required(&["id"]), Wanted::required(&["region"])],
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "G0005");
    let e = CsvRows::open(Path::new("/nonexistent/groups.csv"), "g".into(), &[])
        .err()
        .unwrap();
    assert_eq!(e.code(), "G0001");
}

/// Each row's line, first cell and problem.
fn rows_of(text: &str, wanted: &[&str]) -> Vec<(u64, Option<String>, Option<String>)> {
    let (_d, path) = write(text);
    let wanted: Vec<Wanted> = wanted.iter().map(|w| Wanted::required(&[w])).collect();
    let mut rows = CsvRows::open(&path, "g".into(), &wanted).unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        seen.push((
            rows.line(),
            rows.cell(0).unwrap().map(str::to_string),
            rows.problem().map(|p| p.english()),
        ));
    }
    seen
}

#[test]
fn a_stray_quote_costs_its_own_row_and_not_the_rows_after_it() {
    let open = |cell: usize| {
        Some(format!(
            "a quote opens in cell {cell} and is never closed (the file ends inside it); \
             the row is not read, the lines after it are"
        ))
    };
    let closed = |cell: usize, line: u64| {
        Some(format!(
            "a quote opens in cell {cell} and closes on line {line} with text after it (a \
             quote is missing or one too many); the row is not read, the lines after it are"
        ))
    };
    let s = |x: &str| Some(x.to_string());
    // As a registry clerk's stray quote before a name leaves it; the last line has no newline.
    let text = "id,group_id,name\nM1,G1,\"Anne\nM2,G1,Bob\r\n\nM4,G2,Di";
    assert_eq!(
        rows_of(text, &["id", "name"]),
        vec![
            (2, s("M1"), open(3)),
            (3, s("M2"), None),
            (5, s("M4"), None)
        ]
    );
    // Closed by the opening quote of a later quoted cell: the cells read as many as the
    // header's, so only the text after that quote tells.
    let text = "id,group_id,name\nM1,G1,\"Anne\nM2,G1,Bob\r\n\nM3,G2,\"Cy\"\nM4,G2,Di\n";
    assert_eq!(
        rows_of(text, &["id", "name"]),
        vec![
            (2, s("M1"), closed(3, 5)),
            (3, s("M2"), None),
            (5, s("M3"), None),
            (6, s("M4"), None),
        ]
    );
    // In the first cell, and on the last line (nothing after it to read again).
    assert_eq!(
        rows_of("id,a\n\"H1,x\nH2,y\n", &["id"]),
        vec![(2, None, open(1)), (3, s("H2"), None)]
    );
    assert_eq!(
        rows_of("id,a\nH1,x\nH2,\"y", &["id", "a"]),
        vec![(2, s("H1"), None), (3, s("H2"), open(2))]
    );
    // Good quoting over lines, doubled quotes, and a quote inside a plain cell are rows.
    assert_eq!(
        rows_of("id,a\n\"H\"\"1\",\"x\ny\"\nH2,5'11\"\n", &["id", "a"]),
        vec![(2, s("H\"1"), None), (4, s("H2"), None)]
    );
}

#[test]
fn a_row_that_runs_over_lines_and_has_the_wrong_cells_says_where_it_ends() {
    let seen = rows_of("id,a,b\nH1,\"x\ny\"\nH2,1,2\n", &["id", "a"]);
    assert_eq!(
        seen,
        vec![
            (
                2,
                Some("H1".to_string()),
                Some(
                    "the row has 2 cells, but the header has 3; it runs on to line 3, so a \
                     quoted cell may lack its closing quote"
                        .to_string()
                )
            ),
            (4, Some("H2".to_string()), None)
        ]
    );
    // On one line: the plain message, in the singular.
    assert_eq!(
        rows_of("id,a\n\"H\n1\",x\nH2\n", &["id"])[1].2.as_deref(),
        Some("the row has 1 cell, but the header has 2")
    );
}

#[test]
fn a_lone_carriage_return_ends_a_line_as_old_mac_spreadsheets_write_them() {
    // "Macintosh Comma Separated": every line ends with `\r` alone. csv-core ends records there;
    // the lines must be counted there too (every row was line 1).
    let text = "id,x\rA,1\r\rB,2\r\"C\rc\",3\r\"C2\r\nc\",4\rD,\"open\rE,5\r";
    let (_d, path) = write(text);
    let mut rows = CsvRows::open(
        &path,
        "g".into(),
        &[Wanted::required(&["id"]), Wanted::required(&["x"])],
    )
    .unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        let problem = rows.problem().map(|p| p.english());
        let id = rows.cell(0).unwrap().map(str::to_string);
        seen.push((rows.line(), id, problem));
    }
    let unclosed = "a quote opens in cell 2 and is never closed (the file ends inside it); the \
                    row is not read, the lines after it are";
    assert_eq!(
        seen,
        [
            (2, s("A"), None),
            (4, s("B"), None),
            (5, s("C\rc"), None),
            // `\r\n` inside a quoted cell is one line break, as everywhere else.
            (7, s("C2\r\nc"), None),
            (9, s("D"), s(unclosed)),
            // Read again from the line after D's first.
            (10, s("E"), None),
        ]
    );
    // Separated by semicolons, as a French spreadsheet saves it: the header ends at its `\r`,
    // so the decimal comma of the first row does not make the file comma-separated.
    let got = read_all(
        "id;income;region\rH1;1500,50;North\r\rH2;\"12\r3\";\"So\ruth\"\rH3;7;West\r",
        &["id", "income", "region"],
    );
    let row = |line: u64, id: &str, income: &str, region: &str| -> Read {
        (line, vec![s(id), s(income), s(region)], None)
    };
    assert_eq!(
        got,
        [
            row(2, "H1", "1500,50", "North"),
            // In a file of `\r` lines, a `\r` in a quoted cell is a line break in it.
            row(4, "H2", "12\r3", "So\ruth"),
            row(7, "H3", "7", "West"),
        ]
    );
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

/// Each row's line, its cells as read (`None` when empty), and its problem, in English.
type Read = (u64, Vec<Option<String>>, Option<String>);

fn read_all(text: &str, wanted: &[&str]) -> Vec<Read> {
    let (_d, path) = write(text);
    let wanted: Vec<Wanted> = wanted.iter().map(|w| Wanted::required(&[w])).collect();
    let mut rows = CsvRows::open(&path, "g".into(), &wanted).unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        let cells = (0..wanted.len())
            .map(|k| rows.cell(k).unwrap().map(str::to_string))
            .collect();
        seen.push((rows.line(), cells, rows.problem().map(|p| p.english())));
    }
    seen
}

#[test]
fn a_lone_carriage_return_inside_a_line_of_a_file_of_newlines_is_text() {
    // The file's lines end in `\n` (or `\r\n`): a lone `\r` in a cell (pasted from an old Mac
    // text) is part of it, not a line break that would split the row in two rows of the wrong
    // length (G0104). Plain lines and lines `csv-core` reads (a quoted cell) alike.
    for ending in ["\n", "\r\n"] {
        let text = "id,region,income\nH1,North\rside,100\nH2,\"Ea\rst\",200\n\
                    H3,\rWest,300\nH4,\"a\nb\"\r,400\n\nH5,South,500\r\n"
            .replace('\n', ending)
            .replace("\r\r\n", "\r\n");
        let got = read_all(&text, &["id", "region", "income"]);
        let row = |line: u64, id: &str, region: &str, income: &str| -> Read {
            (line, vec![s(id), s(region), s(income)], None)
        };
        assert_eq!(
            got,
            [
                row(2, "H1", "North\rside", "100"),
                row(3, "H2", "Ea\rst", "200"),
                // Cells are trimmed of spaces, and a `\r` at their start is one.
                row(4, "H3", "West", "300"),
                // `\r` after a closing quote, as in a `\r\n` ending, says nothing of the quote.
                row(5, "H4", &format!("a{ending}b"), "400"),
                row(8, "H5", "South", "500"),
            ],
            "{ending:?}"
        );
    }
    // Blank `\r\n` lines before the header and between rows are passed over, and counted.
    let got = read_all("\r\nid,x\r\n\r\nA,1\r\n", &["id", "x"]);
    assert_eq!(got, [(4, vec![s("A"), s("1")], None)]);
    // A row whose `\r` really stands between two rows' worth of cells is one row, of too many.
    let got = read_all("id,x\nA,1\rB,2\nC,3\r\nD,4\n", &["id", "x"]);
    let too_many = s("the row has 3 cells, but the header has 2");
    assert_eq!(
        got,
        [
            (2, vec![s("A"), s("1\rB")], too_many),
            (3, vec![s("C"), s("3")], None),
            (4, vec![s("D"), s("4")], None),
        ]
    );
}
