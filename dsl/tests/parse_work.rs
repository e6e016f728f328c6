//! The parser's work grows with the text, not exponentially with its nesting.
//!
//! A parsing expression grammar backtracks: where a rule could take a shorter match after a
//! failure inside it, and the text after it could then be parsed again, each bracket level
//! doubled the work. Texts of 40 levels of such nesting, broken deep inside, are checked here
//! under pest's budget of parser calls (a count, not a clock): 2^40 calls would exhaust it
//! many times over; the fixed grammar needs a few thousand per level. (The fuzzer found one of
//! these texts: 865 bytes that took more than five minutes to check.)
//!
//! pest's budget is process-wide, so this file holds one test.

use entitle_dsl::check;
use std::num::NonZeroUsize;

const LEVELS: usize = 40;
const BUDGET: usize = 2_000_000;

fn program(expr: &str) -> String {
    format!(
        "program p \"P\" version \"1\"\n  target household\n\ninputs\n  household.d: number \"D\"\n  member.x: number \"X\"\n\nlet r = {expr}\n"
    )
}

#[test]
fn nesting_that_fails_deep_inside_is_parsed_once_per_level() {
    pest::set_call_limit(NonZeroUsize::new(BUDGET));
    let levels = [
        "(if d > 0 then 1 else d >= ",
        "(members where x >= ",
        "(visits where d >= ",
        "(s where v where d >= ",
    ];
    for level in levels {
        // Brackets left open, and closed around an operand that does not parse.
        for tail in ["1".to_string(), format!("1 @{}", ")".repeat(LEVELS))] {
            let src = program(&format!(
                "count(v where d >= {}{tail}",
                level.repeat(LEVELS)
            ));
            let d = check(&src).diagnostics;
            let errors: Vec<_> = d.0.iter().filter(|d| d.is_error()).collect();
            assert!(!errors.is_empty(), "{level}");
            for e in errors {
                assert_eq!(e.code, "E0001", "{level}: {e:?}");
                assert!(!format!("{e:?}").contains("limit"), "{level}: {e:?}");
            }
        }
    }
    // The same nesting written correctly parses within the budget too.
    let ok = program(&format!(
        "{}1{}",
        "(if d > 0 then 1 else d + ".repeat(LEVELS),
        ")".repeat(LEVELS)
    ));
    let d = check(&ok).diagnostics;
    assert!(d.0.iter().all(|d| !d.is_error()), "{:?}", d.0);
}
