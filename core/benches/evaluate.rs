//! Compilation and batch evaluation of the child grant on generated households.
//!
//! `cargo bench -p entitle-core --bench evaluate`

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use entitle_core::{Batch, EvalOptions, Program};

const CHILD_GRANT: &str = include_str!("../../examples/programs/child_grant.entitle");

/// A deterministic population (a small linear congruential generator; no dependency on rand).
fn population(program: &Program, n: usize) -> Batch {
    let mut b = program.batch_builder();
    let layout = b.layout().clone();
    let region = layout.unit_slot("region").unwrap_or(0);
    let income = layout.unit_slot("monthly_income").unwrap_or(1);
    let birthdate = layout.member_slot("birthdate").unwrap_or(0);
    let disabled = layout.member_slot("disabled").unwrap_or(1);
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let regions = ["North", "East", "South", "West"];
    for i in 0..n {
        b.start_unit(&format!("H{i}"));
        let _ = b.set_unit_text(region, regions[(next() % 4) as usize]);
        let _ = b.set_unit_text(income, &format!("{}", next() % 20_000));
        let members = 1 + next() % 8;
        for m in 0..members {
            let kind = if m == 0 { "head" } else { "child" };
            let _ = b.add_member("M", &[kind], None, None);
            let year = if m == 0 {
                1960 + next() % 40
            } else {
                2000 + next() % 26
            };
            let _ = b.set_member_text(
                birthdate,
                &format!("{year}-{:02}-{:02}", 1 + next() % 12, 1 + next() % 28),
            );
            let _ = b.set_member_text(disabled, if next() % 10 == 0 { "true" } else { "false" });
        }
        b.finish_unit();
    }
    b.finish()
}

fn bench(c: &mut Criterion) {
    c.bench_function("compile child grant", |b| {
        b.iter(|| Program::compile(CHILD_GRANT).map(|p| p.hash().len()))
    });
    let program = Program::compile(CHILD_GRANT).unwrap_or_else(|d| panic!("{d}"));
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    let mut group = c.benchmark_group("evaluate_batch child grant");
    for n in [10_000usize, 100_000] {
        let batch = population(&program, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("households", n), &batch, |b, batch| {
            b.iter(|| {
                let r = program.run(batch, as_of, &EvalOptions::default());
                (0..r.len()).filter(|i| r.cash_total(*i).is_some()).count()
            })
        });
        if n == 10_000 {
            group.bench_with_input(
                BenchmarkId::new("households with explanations", n),
                &batch,
                |b, batch| {
                    b.iter(|| {
                        program
                            .run(
                                batch,
                                as_of,
                                &EvalOptions {
                                    explain: true,
                                    ..Default::default()
                                },
                            )
                            .len()
                    })
                },
            );
        }
    }
    group.finish();
    let one = population(&program, 1);
    c.bench_function("evaluate one household (bound)", |b| {
        b.iter(|| {
            program
                .run(&one, as_of, &EvalOptions::default())
                .cash_total(0)
        })
    });
    let unit = entitle_core::Unit::new("H1")
        .with("region", "North")
        .with("monthly_income", "KES 5000")
        .with_member(entitle_core::Member::new("M1", "head").with("birthdate", "1990-01-01"))
        .with_member(entitle_core::Member::new("M2", "child").with("birthdate", "2020-05-01"));
    c.bench_function(
        "evaluate one household (from a Unit, decision built)",
        |b| b.iter(|| program.evaluate(&unit, as_of).map(|d| d.outcome)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
