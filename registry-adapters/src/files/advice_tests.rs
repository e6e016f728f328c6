use super::*;
use entitle_dsl::Currency;

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
    for t in ["KES 1.5", "KES 1500", "USD 0.125"] {
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
