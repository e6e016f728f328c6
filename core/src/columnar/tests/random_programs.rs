//! Generated programs: expressions drawn at random over every type of input and every operation
//! the plan compiles (aggregates with filters, quotients, dates, texts, Kleene logic, items with
//! multipliers and maxima, caps, floors, rounding, first match), each run by the plan and by the
//! interpreter on a generated population. The programs above were written by hand; these reach the
//! combinations nobody wrote.

use super::{agree, dates, population, Rng};
use crate::Program;

/// The inputs, parameters and as-of independent parts every generated program shares.
const HEADER: &str = r#"program generated "Generated" version "1"
  target household
  currency KES

inputs
  household.a: number "A"
  household.b: money "B"
  household.c: money "C" default KES 0
  household.d: date "D"
  household.f: bool "F"
  household.g: bool "G" default false
  household.t: text "T" one of ["x", "y", "z"]
  member.bd: date "Birthdate"
  member.e: money "Earnings" default KES 0
  member.ok: bool "OK"
  member.s: text "S"

params
  p1: money "P1" = KES 2500 from 2020-01-01, KES 2750.50 from 2026-06-01
  p2: number "P2" = 3
  rate: number "Rate" = 0.125
  lst: list of text "L" = ["x", "y"]
"#;

/// Expressions of one type, drawn at random to a depth.
struct Gen {
    r: Rng,
}

impl Gen {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.r.pick(items)
    }

    fn coin(&mut self, one_in: u64) -> bool {
        self.r.below(one_in) == 0
    }

    /// A number.
    fn num(&mut self, depth: u32) -> String {
        if depth == 0 || self.coin(3) {
            return self
                .pick(&[
                    "a",
                    "p2",
                    "rate",
                    "0",
                    "1",
                    "2.5",
                    "-3",
                    "18",
                    "count(members)",
                ])
                .to_string();
        }
        let d = depth - 1;
        match self.r.below(16) {
            11 => format!("abs({})", self.num(d)),
            12 => format!("({} mod 3)", self.num(d)),
            13 => format!("year({})", self.date(d)),
            14 => format!("months_between({}, {})", self.date(d), self.date(d)),
            15 => format!("round({}, {})", self.num(d), self.pick(&["0", "2"])),
            0 => format!("({} + {})", self.num(d), self.num(d)),
            1 => format!("({} - {})", self.num(d), self.num(d)),
            2 => format!("({} * {})", self.num(d), self.num(d)),
            3 => format!("count(members where {})", self.member_bool(d)),
            4 => format!("age({})", self.date(d)),
            5 => format!("min({}, {})", self.num(d), self.num(d)),
            6 => format!("max({}, {})", self.num(d), self.num(d)),
            7 => format!(
                "(if {} then {} else {})",
                self.bool(d),
                self.num(d),
                self.num(d)
            ),
            8 => format!("coalesce(a, {})", self.num(d)),
            // Divisors that are not zero as written (a constant zero is refused, E0213).
            9 => format!("({} / max({}, KES 1))", self.money(d), self.money(d)),
            _ => format!("({} / max({}, 1))", self.num(d), self.num(d)),
        }
    }

    /// An amount of money (KES).
    fn money(&mut self, depth: u32) -> String {
        if depth == 0 || self.coin(3) {
            return self
                .pick(&["b", "c", "p1", "KES 100", "KES 0", "KES 2500.50", "-KES 50"])
                .to_string();
        }
        let d = depth - 1;
        match self.r.below(10) {
            0 => format!("({} + {})", self.money(d), self.money(d)),
            1 => format!("({} - {})", self.money(d), self.money(d)),
            2 => format!("({} * {})", self.money(d), self.num(d)),
            3 => "sum(members, e)".to_string(),
            4 => format!("sum(members where {}, e)", self.member_bool(d)),
            5 => format!("max({}, {})", self.money(d), self.money(d)),
            6 => format!("coalesce(b, {})", self.money(d)),
            7 => format!(
                "(if {} then {} else {})",
                self.bool(d),
                self.money(d),
                self.money(d)
            ),
            8 => format!("({} / max(count(members), 1))", self.money(d)),
            _ => format!(
                "round({}, KES {}, {})",
                self.money(d),
                self.pick(&["5", "10", "0.05"]),
                self.pick(&["down", "half_up", "half_even", "up"])
            ),
        }
    }

    /// A date.
    fn date(&mut self, depth: u32) -> String {
        if depth == 0 || self.coin(2) {
            return self
                .pick(&["d", "as_of_date", "2000-02-29", "head.bd"])
                .to_string();
        }
        let d = depth - 1;
        match self.r.below(6) {
            4 => format!(
                "add_months({}, {})",
                self.date(d),
                self.pick(&["1", "-13", "p2"])
            ),
            5 => format!("add_days(d, {})", self.num(d)),
            0 => "min(members, bd)".to_string(),
            1 => "max(members, bd)".to_string(),
            2 => format!("coalesce(d, {})", self.date(d)),
            _ => format!("(if {} then d else {})", self.bool(d), self.date(d)),
        }
    }

    /// A truth value about the household.
    fn bool(&mut self, depth: u32) -> String {
        if depth == 0 || self.coin(4) {
            return self
                .pick(&["f", "g", "true", "t in lst", "t == \"x\""])
                .to_string();
        }
        let d = depth - 1;
        let cmp = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
        match self.r.below(14) {
            0 => format!("not {}", self.bool(d)),
            1 => format!("({} and {})", self.bool(d), self.bool(d)),
            2 => format!("({} or {})", self.bool(d), self.bool(d)),
            3 => format!("{} {cmp} {}", self.num(d), self.num(d)),
            4 => format!("{} {cmp} {}", self.money(d), self.money(d)),
            5 => format!(
                "{} / {} {cmp} {}",
                self.money(d),
                self.num(d),
                self.money(d)
            ),
            6 => format!("{} {cmp} {}", self.date(d), self.date(d)),
            7 => format!(
                "age({}) {} {}",
                self.date(d),
                self.pick(&["<", ">="]),
                self.pick(&["18", "60", "p2"])
            ),
            8 => format!(
                "known({})",
                self.pick(&["a", "b", "d", "f", "t", "head.bd"])
            ),
            9 => "any(members, ok)".to_string(),
            10 => format!(
                "all(members where {}, {})",
                self.member_bool(d),
                self.member_bool(d)
            ),
            11 => format!("between({}, 0, 10)", self.num(d)),
            12 => format!("any(members where {})", self.member_bool(d)),
            _ => format!("{} in [KES 0, KES 100]", self.money(d)),
        }
    }

    /// A truth value about one member (inside an aggregate).
    fn member_bool(&mut self, depth: u32) -> String {
        let leaf = [
            "ok",
            "age(bd) < 18",
            "age(bd) >= 60",
            "e > KES 0",
            "s == \"x\"",
            "has_kind(\"child\")",
            "is_head",
            "bd < 2010-01-01",
            "starts_with(s, \"N\")",
        ];
        if depth == 0 || self.coin(2) {
            return self.pick(&leaf).to_string();
        }
        let d = depth - 1;
        match self.r.below(3) {
            0 => format!("not {}", self.member_bool(d)),
            1 => format!("({} and {})", self.member_bool(d), self.member_bool(d)),
            _ => format!("({} or {})", self.member_bool(d), self.member_bool(d)),
        }
    }

    /// A whole program: lets, rules, an entitlement.
    fn program(&mut self) -> String {
        let mut p = HEADER.to_string();
        p.push_str(&format!("\nlet v1 = {}\n", self.num(2)));
        p.push_str(&format!("let v2 = {}\n", self.money(2)));
        p.push_str("\neligible when\n");
        for i in 0..1 + self.r.below(3) {
            let union = if i > 0 && self.coin(4) { "union " } else { "" };
            let expr = if self.coin(3) {
                format!("v1 {} {}", self.pick(&["<", ">="]), self.num(1))
            } else {
                self.bool(3)
            };
            p.push_str(&format!("  {union}r{i} \"Rule {i}\" {expr}\n"));
        }
        if self.coin(2) {
            p.push_str(&format!("  unless x \"Excluded\" {}\n", self.bool(2)));
        }
        p.push_str(&format!(
            "\nentitlement{}\n",
            if self.coin(4) { " first match" } else { "" }
        ));
        for i in 0..1 + self.r.below(3) {
            let amount = if self.coin(2) {
                "v2".to_string()
            } else {
                self.money(2)
            };
            let times = match self.r.below(3) {
                0 => String::new(),
                1 => format!(" times {}", self.num(1)),
                _ => format!(" times {} up to {}", self.num(1), self.num(1)),
            };
            let when = if self.coin(2) {
                format!(" when {}", self.bool(2))
            } else {
                String::new()
            };
            p.push_str(&format!("  cash c{i} \"Cash {i}\" {amount}{times}{when}\n"));
        }
        if self.coin(3) {
            p.push_str(&format!(
                "  in_kind k \"Rice\" 2.5 kg times {}{}\n",
                self.num(1),
                if self.coin(2) { " when f" } else { "" }
            ));
        }
        if self.coin(2) {
            p.push_str(&format!("  cap cash at {}\n", self.money(1)));
        }
        if self.coin(3) {
            p.push_str(&format!("  floor cash at {}\n", self.money(0)));
        }
        if self.coin(4) {
            let fee = if self.coin(2) {
                "cash_total * 0.01".to_string()
            } else {
                self.money(1)
            };
            p.push_str(&format!("  fee charge \"Fee\" {fee}\n"));
        }
        if self.coin(2) {
            p.push_str(&format!(
                "  round cash to KES {} {}\n",
                self.pick(&["1", "5", "10", "0.05"]),
                self.pick(&["half up", "half even", "down", "up"])
            ));
        }
        p
    }
}

#[test]
fn generated_programs_agree_with_the_interpreter() {
    let (mut compiled, mut planned, mut decided) = (0, 0, 0);
    // More with ENTITLE_GENERATED_PROGRAMS=N (a longer search, by hand).
    let cases: u64 = std::env::var("ENTITLE_GENERATED_PROGRAMS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    for seed in 0..cases {
        let mut g = Gen {
            r: Rng(0x5EED_0000 + seed),
        };
        let text = g.program();
        let program = match Program::compile(&text) {
            Ok(p) => p,
            // A program the checker refuses (a type the generator could not rule out) is skipped;
            // the counts below make sure most are not.
            Err(d) => {
                if std::env::var_os("SHOW_REFUSED").is_some() {
                    eprintln!(
                        "seed {seed}: {}",
                        d.to_string()
                            .lines()
                            .find(|l| l.contains("error["))
                            .unwrap_or("")
                    );
                }
                continue;
            }
        };
        compiled += 1;
        if !program.is_columnar() {
            continue;
        }
        planned += 1;
        let batch = population(&program, seed, 200, seed % 2 == 0);
        for as_of in dates() {
            // `agree` compares every column, and names the program on a difference.
            let n = std::panic::catch_unwind(|| agree(&program, &batch, as_of))
                .unwrap_or_else(|_| panic!("seed {seed}, as of {as_of}:\n{text}"));
            decided += n;
        }
    }
    // The generator must produce programs the checker accepts and the plan compiles, and the plan
    // must decide units of them (not leave everything to the interpreter).
    assert!(
        compiled * 10 >= cases * 8,
        "only {compiled} of {cases} compiled"
    );
    assert!(
        planned * 10 >= compiled * 8,
        "only {planned} of {compiled} have plans"
    );
    assert!(decided > 0, "the plan decided nothing");
    eprintln!("{compiled} compiled, {planned} planned, {decided} units decided by the plan");
}
