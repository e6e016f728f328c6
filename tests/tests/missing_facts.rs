//! A program test may expect the membership facts a household's decision lists as missing
//! (`missing head`, `missing kind`, `missing start_date`): the checker accepts them and the test
//! runner compares them with the decision's `missing`, as it does inputs.

use entitle_core::Program;

const SOURCE: &str = "program hm \"Head missing\" version \"1\"
  target household
  currency KES

inputs
  member.birthdate: date \"Birth\"

eligible when
  old \"Head aged 60+\" age(head.birthdate) >= 60
  kids \"A child\" any(members, kind == \"child\" and start_date <= 2026-01-01)

entitlement
  cash c \"c\" KES 1

test \"no head\" as of 2026-03-01
  member kind \"spouse\", birthdate 1950-01-01
  member kind \"child\", birthdate 2020-01-01, start_date 2020-01-01
  expect undetermined, missing head

test \"no kind\" as of 2026-03-01
  member kind \"head\", birthdate 1950-01-01, start_date 2020-01-01
  member birthdate 1950-01-01, start_date 2020-01-01
  expect undetermined, missing kind

test \"no start date\" as of 2026-03-01
  member kind \"head\", birthdate 1950-01-01
  member kind \"child\", birthdate 2020-01-01
  expect undetermined, missing start_date

test \"a head is not missing\" as of 2026-03-01
  member kind \"head\", birthdate 1950-01-01, start_date 2020-01-01
  member kind \"child\", birthdate 2020-01-01, start_date 2020-01-01
  expect eligible, missing head
";

#[test]
fn membership_facts_expected_missing_are_compared_with_the_decision() {
    let program = Program::compile(SOURCE).unwrap_or_else(|d| panic!("{d}"));
    let got: Vec<(String, u32, bool, Vec<String>)> = program
        .run_tests()
        .into_iter()
        .map(|t| (t.name, t.line, t.passed, t.failures))
        .collect();
    assert_eq!(
        got,
        vec![
            ("no head".into(), 15, true, vec![]),
            ("no kind".into(), 20, true, vec![]),
            ("no start date".into(), 25, true, vec![]),
            (
                "a head is not missing".into(),
                30,
                false,
                vec!["missing: expected head, got nothing".into()]
            ),
        ]
    );
}
