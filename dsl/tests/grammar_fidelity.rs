//! The lines added for fidelity (issue 9): records, scores, code lists, host functions, `union`
//! rules, tables and bands, group caps, `valued at`, test records and their expectations. Text that
//! must parse, and text that must not, with the expected words in the message.

fn parses(src: &str) -> bool {
    !entitle_dsl::parse(src).diagnostics.has_errors()
}

fn first_error(src: &str) -> String {
    entitle_dsl::parse(src)
        .diagnostics
        .errors()
        .next()
        .map(|d| d.message.clone())
        .unwrap_or_default()
}

const HEAD: &str = "program p \"P\"\n  currency KES\n";

#[test]
fn records_sections() {
    for ok in [
        "records visits\n  visit_date: date",
        "records visits \"Clinic visits\" dated by visit_date\n  visit_date: date \"Date\"\n  kind: text one of [\"a\", \"b\"] default \"a\"",
        // Entries may be any word, even one that starts a section elsewhere.
        "records enrolments\n  program: text\n  score: number\n  test: bool",
    ] {
        assert!(parses(&format!("{HEAD}{ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("records\n", "a name"),
        ("records visits dated visit_date\n", "`by`"),
        ("records visits\n  visit_date date\n", "`:`"),
        ("records visits\n  visit_date: colour\n", "a type"),
    ] {
        let e = first_error(&format!("{HEAD}{bad}"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn score_sections() {
    for ok in ["score pmt\n  roof \"Roof\" 3", "score pmt \"PMT\"\n  roof \"Roof\" lookup(points, roof)\n  land \"Land\" band(land, [0: 1, 2: 3])"] {
        assert!(parses(&format!("{HEAD}{ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("score\n", "a name"),
        ("score pmt\n  roof 3\n", "a quoted text"),
        ("score pmt\n  roof \"Roof\"\n", "an expression"),
    ] {
        let e = first_error(&format!("{HEAD}{bad}"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn codes_and_functions_sections() {
    for ok in [
        "codes genders\n  female = \"F\"",
        "codes genders \"Genders\"\n  female \"Female\" = \"F\", \"female\", \"2\"\n  male = \"M\"",
        "functions\n  distance(gps): number",
        "functions\n  risk(): bool \"Risk flag\"\n  score(a, b): number",
    ] {
        assert!(parses(&format!("{HEAD}{ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("codes genders\n  female = F\n", "a quoted text"),
        ("codes genders\n  female \"F\"\n", "`=`"),
        ("functions\n  distance: number\n", "`(`"),
        ("functions\n  distance(gps) number\n", "`:`"),
    ] {
        let e = first_error(&format!("{HEAD}{bad}"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn rules_tables_and_entitlement_lines() {
    for ok in [
        "eligible when\n  a \"A\" x\n  union b \"B\" y\n  unless c \"C\" z",
        "let t = [\"a\": 1, \"b\": 2,]",
        "let b = band(x, [0: \"low\", 10: \"high\"])",
        "let r = round(x, 0, down) + round(x, 0, up)",
        "params\n  points: table of text to number = [\"a\": 1] from 2026-01-01",
        "entitlement\n  in_kind rice \"Rice\" 5 kg times n up to 3 valued at KES 60 when n > 0\n  cap rice + beans at 20 kg",
        "entitlement\n  cash a \"A\" KES 1\n  cap a at KES 1",
        "let n = count(visits where kind == \"clinic\") + sum(visits, cost)",
        "let l = latest(visits where kind == \"x\", score, visit_date)",
    ] {
        assert!(parses(&format!("{HEAD}{ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("eligible when\n  union \"B\" y\n", "a name"),
        ("let t = [\"a\": 1, \"b\"]\n", "`:`"),
        ("entitlement\n  cap rice + at 20 kg\n", "a name"),
        (
            "entitlement\n  in_kind rice \"Rice\" 5 kg valued KES 60\n",
            "`at`",
        ),
    ] {
        let e = first_error(&format!("{HEAD}{bad}"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn test_records_and_expectations() {
    for ok in [
        "test \"t\" as of 2026-01-01\n  record visits visit_date 2026-01-01, kind \"clinic\"\n  expect eligible",
        "test \"t\" as of 2026-01-01\n  record visits\n  expect score pmt 42, score pmt.roof 5, value rice KES 600",
    ] {
        assert!(parses(&format!("{HEAD}{ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("test \"t\" as of 2026-01-01\n  record\n", "a name"),
        ("test \"t\" as of 2026-01-01\n  expect score\n", "a name"),
        (
            "test \"t\" as of 2026-01-01\n  expect value rice\n",
            "an expression",
        ),
    ] {
        let e = first_error(&format!("{HEAD}{bad}"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}
