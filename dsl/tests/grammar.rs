//! One table per kind of line: text that must parse, and text that must not, with the expected
//! words in the message.

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
fn program_lines() {
    for ok in [
        "program p",
        "program p \"Title\"",
        "program p \"Title\" version \"1.0\"",
        "program p\n  target individual",
        "program p\n  target household\n  currency KES",
    ] {
        assert!(parses(ok), "{ok}");
    }
    for (bad, expected) in [
        ("program", "a name"),
        ("program \"x\"", "a name"),
        ("program p\n  target people", "`household` or `individual`"),
    ] {
        assert!(
            first_error(bad).contains(expected),
            "{bad}: {}",
            first_error(bad)
        );
    }
}

#[test]
fn input_lines() {
    for ok in [
        "household.region: text",
        "household.region: text \"Region\" one of [\"N\", \"S\"] default \"N\"",
        "member.birthdate: date",
        "household.income: money USD",
        "household.tags: list of text",
        "household.stock: quantity kg default 0 kg",
    ] {
        assert!(parses(&format!("{HEAD}inputs\n  {ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("household.region text", "`:`"),
        ("household.region: colour", "a type"),
        ("village.region: text", "`household`, `member` or `person`"),
        ("household.region: text one [\"N\"]", "`of`"),
    ] {
        let e = first_error(&format!("{HEAD}inputs\n  {bad}\n"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn param_lines() {
    for ok in [
        "a: number = 1",
        "a: money \"A\" = KES 1 from 2026-01-01, KES 2 from 2027-01-01",
        "a: list of text = [\"x\"]",
        "a: number = -3",
    ] {
        assert!(parses(&format!("{HEAD}params\n  {ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("a: number 1", "`=`"),
        ("a: number = 1 from 2026", "a date"),
        ("a = 1", "`:`"),
    ] {
        let e = first_error(&format!("{HEAD}params\n  {bad}\n"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn let_and_rule_lines() {
    for ok in [
        "let x = 1",
        "let x \"Sentence\" = 1 + 2 * 3",
        "let member.child = age(birthdate) < 18",
        "let x = if a then b else c",
        "let x = a not in [1, 2]",
    ] {
        assert!(parses(&format!("{HEAD}{ok}\n")), "{ok}");
    }
    for ok in [
        "r \"R\" a",
        "unless r \"R\" a and b",
        "r \"R\" count(members where age(birthdate) < 5) > 0",
    ] {
        assert!(parses(&format!("{HEAD}eligible when\n  {ok}\n")), "{ok}");
    }
    for (bad, expected) in [
        ("r a > 1", "a quoted text"),
        ("r \"R\"", "an expression"),
        ("and \"R\" x", "end of line"),
    ] {
        let e = first_error(&format!("{HEAD}eligible when\n  {bad}\n"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
    assert!(first_error(&format!("{HEAD}let x 1\n")).contains("`=`"));
}

#[test]
fn entitlement_lines() {
    for ok in [
        "cash a \"A\" KES 1",
        "cash a \"A\" KES 1 times n up to 4 when c",
        "in_kind m \"M\" 10 kg times n",
        "fee f \"F\" cash_total * 2%",
        "cap cash at KES 10",
        "floor cash at KES 1",
        "round cash to KES 10 half even",
        "round cash to 0.05 down",
    ] {
        assert!(parses(&format!("{HEAD}entitlement\n  {ok}\n")), "{ok}");
    }
    assert!(parses(&format!(
        "{HEAD}entitlement first match\n  cash a \"A\" KES 1\n"
    )));
    for (bad, expected) in [
        ("cash a KES 1", "a quoted text"),
        ("round cash to KES 10", "a rounding mode"),
        ("cap at KES 10", "`cash`"),
        (
            "give a \"A\" KES 1",
            "`cash`, `in_kind`, `fee`, `cap`, `floor` or `round`",
        ),
    ] {
        let e = first_error(&format!("{HEAD}entitlement\n  {bad}\n"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}

#[test]
fn test_and_translation_lines() {
    let ok = format!("{HEAD}test \"t\" as of 2026-01-01\n  household a 1, b \"x\"\n  member kind \"head\", birthdate 1990-01-01\n  expect eligible, cash KES 1, item a KES 1, failed r, passed s, missing a, error R0001, net KES 1, fee KES 0\n");
    assert!(parses(&ok), "{}", first_error(&ok));
    assert!(parses(&format!(
        "{HEAD}translation fr\n  r \"Règle\"\n  title \"Titre\"\n"
    )));
    for (bad, expected) in [
        ("test t as of 2026-01-01", "a quoted text"),
        ("test \"t\" 2026-01-01", "`as`"),
    ] {
        let e = first_error(&format!("{HEAD}{bad}\n"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
    let e = first_error(&format!(
        "{HEAD}test \"t\" as of 2026-01-01\n  expect maybe\n"
    ));
    assert!(e.contains("an expectation"), "{e}");
}

#[test]
fn literals() {
    for ok in [
        "1",
        "1.50",
        "5%",
        "KES 10",
        "10 kg",
        "2026-02-28",
        "\"é\\\"\"",
        "true",
        "unknown",
        "[1, 2,]",
    ] {
        assert!(parses(&format!("{HEAD}let x = {ok}\n")), "{ok}");
    }
    let e = first_error(&format!("{HEAD}let x = 1.\n"));
    assert!(!e.is_empty());
    assert!(first_error(&format!("{HEAD}let x = 2026-13-01\n")).contains("not a valid value"));
}

#[test]
fn continuation_lines() {
    let src = format!("{HEAD}let x = 1 +\n    2\nlet y = f(1,\n    2)\neligible when\n  r \"R\" a\n    and b\n    or c\n");
    assert!(parses(&src), "{}", first_error(&src));
}

#[test]
fn run_model_lines() {
    for ok in [
        "compliant when\n  school \"Attends\" attendance >= 80%\n  moved \"Moved\" not moved_out else exited\n  visits \"Visits\" missed < 2 else paused\n  r \"R\" x else not_eligible\n",
        "compliant when\n  c \"C\" if a then b else c else paused\n",
        "deduplicate\n  shared \"Shares a member\" shared members\n  same_id \"Same ID\" same national_id\n  pair \"Same pair\" same id_type, id_number\n",
        "selection\n  priority remote \"Remote\" district in [\"A\", \"B\"]\n  rank by score ascending, size descending\n  top 100\n  budget KES 5000\n",
        "selection\n  rank by registration_date ascending\n  top max_households\n  budget cycle_budget proportional\n",
    ] {
        let src = format!("{HEAD}{ok}");
        assert!(parses(&src), "{ok}: {}", first_error(&src));
    }
    for ok in [
        "cycle monthly from 2026-01-01 count 12",
        "cycle weekly on monday, thursday from 2026-01-05 until 2026-06-30",
        "cycle every 3 months from 2026-01-31 lasting 30 days",
        "cycle on demand",
        "cycle fortnightly from 2026-01-05",
    ] {
        let src = format!("{HEAD}  {ok}\n");
        assert!(parses(&src), "{ok}: {}", first_error(&src));
    }
    for (bad, expected) in [
        (
            "compliant when\n  c \"C\" x else fired\n",
            "`paused`, `exited` or `not_eligible`",
        ),
        ("compliant when\n  c x\n", "a quoted text"),
        (
            "deduplicate\n  d \"D\" similar name\n",
            "`same` or `shared members`",
        ),
        ("deduplicate\n  d \"D\" shared households\n", "`members`"),
        (
            "selection\n  rank by score\n",
            "`ascending` or `descending`",
        ),
        ("selection\n  rank score ascending\n", "`by`"),
        (
            "selection\n  pick 10\n",
            "`priority`, `rank by`, `top` or `budget`",
        ),
        ("selection\n  budget KES 10 scaled\n", "end of line"),
    ] {
        let e = first_error(&format!("{HEAD}{bad}"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
    for (bad, expected) in [
        ("cycle sometimes", "a frequency"),
        (
            "cycle every 2 fortnights",
            "`days`, `weeks`, `months` or `years`",
        ),
        ("cycle weekly on funday", "a weekday"),
    ] {
        let e = first_error(&format!("{HEAD}  {bad}\n"));
        assert!(e.contains(expected), "{bad}: {e}");
    }
}
