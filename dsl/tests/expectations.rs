//! What a test's `expect` line may name and how a value of the wrong kind is reported: an in-kind
//! item's quantity in another unit names that unit, and `missing` takes the membership facts a
//! household's decision lists besides its inputs (`head`, `kind`, `start_date`, `end_date`).

mod common;
use common::{errors_en_fr, ErrorEnFr};

const HOUSEHOLD: &str = "program p \"P\" version \"1\"
  target household
  currency KES

inputs
  member.birthdate: date \"Birth\"

eligible when
  old \"Head aged 60+\" age(head.birthdate) >= 60

entitlement
  in_kind maize \"Maize\" 10 kg times count(members)
";

fn errors(tests: &str) -> Vec<ErrorEnFr> {
    errors_en_fr(&format!("{HOUSEHOLD}{tests}"))
}

#[test]
fn a_quantity_in_another_unit_names_the_unit_found() {
    let got = errors(
        "test \"t\" as of 2026-03-01
  member kind \"head\", birthdate 1950-01-01
  expect eligible, item maize 2000 g
",
    );
    assert_eq!(
        got,
        vec![(
            "E0201",
            15,
            31,
            "expected quantity kg, found a quantity in g".to_string(),
            String::new(),
            "attendu : quantité kg ; trouvé : une quantité en g".to_string(),
            String::new(),
        )]
    );
    // The same unit, or a bare number read in the item's unit, is fine.
    for amount in ["10 kg", "10"] {
        let tests = format!(
            "test \"t\" as of 2026-03-01\n  member kind \"head\", birthdate 1950-01-01\n  expect eligible, item maize {amount}\n"
        );
        assert_eq!(errors(&tests), vec![], "{amount}");
    }
}

#[test]
fn missing_names_the_membership_facts_of_a_household() {
    let tests = "test \"no head\" as of 2026-03-01
  member kind \"spouse\", birthdate 1950-01-01
  expect undetermined, missing head

test \"facts\" as of 2026-03-01
  member birthdate 1950-01-01
  expect undetermined, missing kind, missing start_date, missing end_date
";
    assert_eq!(errors(tests), vec![]);
    // A name that is neither an input nor such a fact is still an error.
    let got = errors(
        "test \"t\" as of 2026-03-01
  member kind \"spouse\", birthdate 1950-01-01
  expect undetermined, missing heads
",
    );
    let got: Vec<(&str, u32, u32, &str)> =
        got.iter().map(|r| (r.0, r.1, r.2, r.3.as_str())).collect();
    assert_eq!(
        got,
        vec![("E0405", 15, 32, "`heads` is not an input of this program")]
    );
}

#[test]
fn an_individual_program_has_no_head_to_miss() {
    let src = "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.birthdate: date \"Birth\"

eligible when
  old \"Aged 60+\" age(birthdate) >= 60

entitlement
  cash c \"c\" KES 1

test \"t\" as of 2026-03-01
  person birthdate unknown
  expect undetermined, missing head
";
    let got = errors_en_fr(src);
    let got: Vec<(&str, u32, u32, &str)> =
        got.iter().map(|r| (r.0, r.1, r.2, r.3.as_str())).collect();
    assert_eq!(
        got,
        vec![("E0405", 16, 32, "`head` is not an input of this program")]
    );
}
