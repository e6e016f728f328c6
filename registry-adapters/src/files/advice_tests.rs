use super::*;
use entitle_dsl::Currency;

// The advice as the English catalogue says it (these shadow the functions of `super`).
fn for_cell(ty: &Type, text: &str, separator: Separator) -> Option<String> {
    super::for_cell(ty, text, separator).map(|r| r.english())
}

fn for_date(text: &str) -> Option<String> {
    super::for_date(text).map(|r| r.english())
}

const AMBIGUOUS: &str = "G0111";

fn kes() -> Type {
    Type::Money {
        currency: Currency::from_code("KES").unwrap(),
    }
}

#[test]
fn a_point_before_three_digits_is_ambiguous_only_in_a_semicolon_file() {
    let semi = Separator::Semicolon;
    for t in [
        "1.500",
        "12.000",
        "250.000",
        "-1.500",
        "+1.500",
        "1.500.000",
        "1.000",
        "999.999",
    ] {
        assert!(ambiguous(&Type::Number, t, semi), "{t}");
        assert!(ambiguous(&kes(), t, semi), "{t}");
        assert!(!ambiguous(&Type::Number, t, Separator::Comma), "{t}");
        assert!(!ambiguous(&Type::Number, t, Separator::Other), "{t}");
    }
    for t in [
        "0.125", "1.5", "1.50", "1500", "1500.00", "1000.000", "01.500", "1.5000", "1.50.000",
        "1,500", "abc", "", ".500", "1.",
    ] {
        assert!(!ambiguous(&Type::Number, t, semi), "{t}");
        assert!(!ambiguous(&kes(), t, semi), "{t}");
    }
    // With a currency code before or after, a unit, or in a list: the number is what counts.
    for t in ["KES 1.500", "1.500 KES", "kes 12.000"] {
        assert!(ambiguous(&kes(), t, semi), "{t}");
    }
    // In another currency, the cell is refused for that (the parser names the currency).
    for t in ["KES 1.5", "KES 1500", "USD 0.125", "USD 1.500", "1.500 usd"] {
        assert!(!ambiguous(&kes(), t, semi), "{t}");
    }
    let kg = Type::Quantity { unit: "kg".into() };
    assert!(ambiguous(&kg, "1.500 kg", semi));
    assert!(!ambiguous(&kg, "1.5 kg", semi));
    let list = Type::List {
        of: Box::new(Type::Number),
    };
    assert!(ambiguous(&list, "2|1.500", semi));
    assert!(!ambiguous(&list, "2|1.5", semi));
    // Other types are not numbers.
    assert!(!ambiguous(&Type::Text, "1.500", semi));
    assert!(!ambiguous(&Type::Date, "1.500", semi));
}

#[test]
fn numbers_grouped_by_a_locale_are_named_with_how_to_export_them() {
    let comma = Separator::Comma;
    let advice = |ty: &Type, t: &str, sep| for_cell(ty, t, sep).unwrap_or_default();
    let spaces = "spaces between its thousands";
    for t in [
        "1 500",
        "1\u{a0}500",
        "12\u{202f}000",
        "1 500 000",
        "-1 500",
        "1 500,50",
    ] {
        let a = advice(&Type::Number, t, comma);
        assert!(
            a.starts_with("expected a number such as 12 or 1500.50; "),
            "{a}"
        );
        assert!(a.contains(spaces), "{t}: {a}");
        assert!(
            a.ends_with(
                "write it with no thousands separator and a point before any decimals (1500, \
                 1500.50); format the column as a number without a thousands separator before \
                 saving the file"
            ),
            "{a}"
        );
    }
    assert!(advice(&kes(), "KES 1 500", comma).contains(spaces));
    assert!(advice(&kes(), "1 500 kes", comma).contains(spaces));
    // In another currency, the parser's reason (which names it) stands.
    assert_eq!(for_cell(&kes(), "USD 1 500", comma), None);
    assert_eq!(for_cell(&kes(), "1,500 USD", comma), None);
    assert!(advice(&kes(), "1 500 KES", comma)
        .starts_with("expected an amount such as 1500.50 or KES 1500; "));
    for t in ["1,500", "1,500,000", "1,500.50"] {
        let a = advice(&Type::Number, t, comma);
        assert!(a.contains("commas between its thousands"), "{t}: {a}");
        // Where the comma is the decimal mark, it is one.
        let a = advice(&Type::Number, t, Separator::Semicolon);
        let mark = if t == "1,500.50" {
            "commas between its thousands"
        } else {
            "decimal comma"
        };
        assert!(a.contains(mark), "{t}: {a}");
    }
    for t in ["1500,50", "1,5", "-0,5"] {
        assert!(
            advice(&Type::Number, t, comma).contains("a decimal comma"),
            "{t}"
        );
    }
    for t in ["1.500.000", "1.500,50"] {
        assert!(
            advice(&Type::Number, t, comma).contains("points between its thousands"),
            "{t}"
        );
    }
    // Shapes that say nothing of an export keep the parser's reason.
    for t in ["12a", "1,50,000", "1 50", "1.2.3", "abc", "1e5", "1 500 l"] {
        assert_eq!(for_cell(&Type::Number, t, comma), None, "{t}");
    }
    assert_eq!(for_cell(&Type::Text, "1 500", comma), None);
    assert_eq!(for_cell(&Type::Bool, "1 500", comma), None);
}

#[test]
fn dates_saved_as_numbers_or_day_first_are_named() {
    let serial = "the cell holds a number, as a spreadsheet saves a date whose column is \
                  formatted as a number (a count of days); format the column as a date in the \
                  form yyyy-mm-dd before saving the file";
    for t in ["45292", "45292.5", "36526", "99"] {
        assert!(for_date(t).unwrap_or_default().ends_with(serial), "{t}");
    }
    let day_first = "the cell has the day or the month first";
    for t in [
        "01/03/2026",
        "1/3/2026",
        "01.03.2026",
        "01-03-26",
        "01/03/2026 10:00",
    ] {
        assert!(for_date(t).unwrap_or_default().contains(day_first), "{t}");
    }
    for t in ["2026/03/01", "2026.03.01", "2026-3-1"] {
        assert!(
            for_date(t)
                .unwrap_or_default()
                .contains("separated by hyphens"),
            "{t}"
        );
    }
    assert!(for_date("20260301")
        .unwrap_or_default()
        .contains("with hyphens between the year"));
    for t in [
        "2026",
        "1",
        "March 1",
        "2026-03-01x",
        "1234567",
        "01/03",
        "2026-13-01",
        "2026-02-30 10:00",
    ] {
        assert_eq!(for_date(t), None, "{t}");
    }
    assert_eq!(
        for_cell(&Type::Date, "45292", Separator::Comma),
        for_date("45292")
    );
}

#[test]
fn advice_never_repeats_the_cell() {
    for t in [
        "45292",
        "31/12/1999",
        "98 765",
        "9,876,543",
        "98.765.432",
        "9876,54",
    ] {
        for ty in [Type::Number, Type::Date, kes()] {
            let a = for_cell(&ty, t, Separator::Comma).unwrap_or_default();
            assert!(!a.contains(t), "{t}: {a}");
        }
    }
    let ambiguous = Reason::key(AMBIGUOUS).english();
    assert!(ambiguous.contains("semicolon") && !ambiguous.contains("1.500"));
}
