//! The child grant in one run: Entitle (one household; a batch in memory on one core and on
//! every core; the columnar plan and the interpreter), the hand-written floor over the same
//! columns, and the same logic in zen-expression and in CEL.
//!
//! `cargo bench -p entitle-bench --bench engines` (scripts/bench.sh runs it with the rest).
//! Before measuring, every engine's eligible count and cash total are checked against the floor's.

use cel::objects::Value as CelValue;
use chrono::{Datelike, NaiveDate};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use entitle_bench::{batch, floor, households, FloorColumns, FloorResult, Household};
use entitle_core::{Batch, EvalOptions, Member, Program, Unit, UnitStatus};
use std::collections::HashMap;
use std::sync::Arc;

// The allocator `entitle` and the bindings use: with the system's, allocation (every engine's)
// weighs more than the rules.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHILD_GRANT: &str = include_str!("../../examples/programs/child_grant.entitle");

fn entitle_totals(program: &Program, batch: &Batch, as_of: NaiveDate) -> (usize, i64) {
    let r = program.run(batch, as_of, &EvalOptions::default());
    let eligible = (0..r.len())
        .filter(|i| r.status(*i) == UnitStatus::Eligible)
        .count();
    let cash = (0..r.len())
        .filter_map(|i| r.cash_total(i))
        .map(|d| i64::try_from(d.trunc().mantissa()).unwrap_or(0))
        .sum();
    (eligible, cash)
}

fn floor_totals(out: &[FloorResult]) -> (usize, i64) {
    (
        out.iter().filter(|r| r.eligible).count(),
        out.iter().map(|r| r.cash).sum(),
    )
}

/// The as-of date's year and `month * 32 + day`, as the other engines compare birthdays.
fn as_of_parts(as_of: NaiveDate) -> (i32, u32) {
    (as_of.year(), as_of.month() * 32 + as_of.day())
}

/// The child grant in zen-expression (decimal numbers, like Entitle): the amount, or 0.
fn zen_source(as_of: NaiveDate) -> String {
    let (y, md) = as_of_parts(as_of);
    let children = format!("count(members, {y} - #.y - ({md} < #.md ? 1 : 0) < 18)");
    format!(
        "{children} >= 1 and income / len(members) < 3000 and region in [\"North\", \"East\"] and not pension \
         ? round(min([1500 + 500 * min([{children}, 4]) + 300 * count(members, #.disabled), 4000]) / 10) * 10 : 0"
    )
}

fn zen_context(h: &Household) -> zen_expression::variable::Variable {
    let members: Vec<serde_json::Value> = h
        .members
        .iter()
        .map(|m| serde_json::json!({"y": m.birth.year(), "md": m.birth.month() * 32 + m.birth.day(), "disabled": m.disabled}))
        .collect();
    serde_json::json!({"region": h.region, "income": h.income, "pension": h.pension, "members": members}).into()
}

/// The child grant in CEL (64-bit integers; CEL's integer division truncates, so the income test is
/// written as a product, like the floor's): the amount, or 0.
fn cel_source(as_of: NaiveDate) -> String {
    let (y, md) = as_of_parts(as_of);
    let children = format!("members.filter(m, {y} - m.y - ({md} < m.md ? 1 : 0) < 18).size()");
    let raw = format!("(1500 + 500 * ({children} < 4 ? {children} : 4) + 300 * members.filter(m, m.disabled).size())");
    let capped = format!("({raw} > 4000 ? 4000 : {raw})");
    format!("{children} >= 1 && income < 3000 * members.size() && region in ['North', 'East'] && !pension ? ({capped} + 5) / 10 * 10 : 0")
}

fn cel_members(h: &Household) -> CelValue {
    let list: Vec<CelValue> = h
        .members
        .iter()
        .map(|m| {
            let map: HashMap<String, CelValue> = HashMap::from([
                ("y".to_string(), CelValue::Int(i64::from(m.birth.year()))),
                (
                    "md".to_string(),
                    CelValue::Int(i64::from(m.birth.month() * 32 + m.birth.day())),
                ),
                ("disabled".to_string(), CelValue::Bool(m.disabled)),
            ]);
            CelValue::from(map)
        })
        .collect();
    CelValue::List(Arc::new(list))
}

fn cel_context(h: &Household) -> cel::Context<'static, 'static> {
    let mut ctx = cel::Context::default();
    ctx.add_variable_from_value("members", cel_members(h));
    ctx.add_variable_from_value("income", CelValue::Int(h.income));
    ctx.add_variable_from_value("region", CelValue::String(Arc::new(h.region.to_string())));
    ctx.add_variable_from_value("pension", CelValue::Bool(h.pension));
    ctx
}

fn bench(c: &mut Criterion) {
    // As `entitle` does (cli/src/main.rs): with transparent huge pages, each 2 MiB that mimalloc
    // takes fresh or back after a purge is zeroed whole on first touch, which was a fifth of the
    // in-memory batch's time and of one household's here, none of it the engine's work.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let program = Program::compile(CHILD_GRANT).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        program.is_columnar(),
        "the child grant must have a columnar plan"
    );
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    let n = 100_000;
    let hh = households(n, 42);
    let cols = FloorColumns::new(&hh);
    let b = batch(&program, &hh);
    let mut out = Vec::with_capacity(n);
    floor(&cols, as_of, &mut out);
    let want = floor_totals(&out);
    assert_eq!(
        entitle_totals(&program, &b, as_of),
        want,
        "Entitle and the floor disagree"
    );

    // Zen and CEL are checked and measured on the first 5,000 households (they are much slower).
    let small = 5_000;
    let mut small_out = Vec::new();
    floor(&FloorColumns::new(&hh[..small]), as_of, &mut small_out);
    let small_want = floor_totals(&small_out);
    let zen = zen_expression::compile_expression(&zen_source(as_of))
        .unwrap_or_else(|e| panic!("zen: {e:?}"));
    let zen_ctx: Vec<_> = hh[..small].iter().map(zen_context).collect();
    let zen_amount = |v: zen_expression::variable::Variable| -> i64 {
        match v {
            zen_expression::variable::Variable::Number(d) => {
                i64::try_from(d.trunc().mantissa()).unwrap_or(-1)
            }
            other => panic!("zen gave {other:?}"),
        }
    };
    let zen_got = zen_ctx
        .iter()
        .map(|ctx| {
            zen_amount(
                zen.evaluate(ctx.clone())
                    .unwrap_or_else(|e| panic!("zen: {e:?}")),
            )
        })
        .fold((0, 0), |(e, t), a| (e + usize::from(a > 0), t + a));
    assert_eq!(zen_got, small_want, "zen-expression and the floor disagree");
    let cel = cel::Program::compile(&cel_source(as_of)).unwrap_or_else(|e| panic!("cel: {e}"));
    let cel_ctx: Vec<_> = hh[..small].iter().map(cel_context).collect();
    let cel_amount = |v: CelValue| -> i64 {
        match v {
            CelValue::Int(i) => i,
            other => panic!("cel gave {other:?}"),
        }
    };
    let cel_got = cel_ctx
        .iter()
        .map(|ctx| cel_amount(cel.execute(ctx).unwrap_or_else(|e| panic!("cel: {e}"))))
        .fold((0, 0), |(e, t), a| (e + usize::from(a > 0), t + a));
    assert_eq!(cel_got, small_want, "CEL and the floor disagree");

    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("child grant, 100,000 households in memory");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(
        BenchmarkId::new("floor (hand-written loop)", "1 core"),
        |bch| bch.iter(|| floor(&cols, as_of, &mut out)),
    );
    g.bench_function(BenchmarkId::new("entitle columnar", "1 core"), |bch| {
        bch.iter(|| one_core.install(|| program.run(&b, as_of, &EvalOptions::default()).len()))
    });
    g.bench_function(BenchmarkId::new("entitle columnar", "2 cores"), |bch| {
        bch.iter(|| program.run(&b, as_of, &EvalOptions::default()).len())
    });
    g.bench_function(BenchmarkId::new("entitle interpreter", "1 core"), |bch| {
        bch.iter(|| {
            one_core.install(|| program.interpret(&b, as_of, &EvalOptions::default()).len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("child grant, 5,000 households, other engines");
    g.throughput(Throughput::Elements(small as u64));
    let b_small = batch(&program, &hh[..small]);
    g.bench_function(BenchmarkId::new("entitle columnar", "1 core"), |bch| {
        bch.iter(|| {
            one_core.install(|| program.run(&b_small, as_of, &EvalOptions::default()).len())
        })
    });
    g.bench_function(BenchmarkId::new("zen-expression", "1 core"), |bch| {
        bch.iter(|| {
            zen_ctx
                .iter()
                .map(|ctx| zen.evaluate(ctx.clone()).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function(BenchmarkId::new("cel", "1 core"), |bch| {
        bch.iter(|| {
            cel_ctx
                .iter()
                .map(|ctx| cel.execute(ctx).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("one household");
    let unit = Unit::new("H1")
        .with("region", "North")
        .with("monthly_income", "KES 5000")
        .with_member(Member::new("M1", "head").with("birthdate", "1990-01-01"))
        .with_member(Member::new("M2", "child").with("birthdate", "2020-05-01"));
    let one = program.bind(std::slice::from_ref(&unit));
    g.bench_function("entitle, bound unit (run on a batch of one)", |bch| {
        bch.iter(|| {
            program
                .run(&one, as_of, &EvalOptions::default())
                .cash_total(0)
        })
    });
    g.bench_function("entitle, Unit to Decision (evaluate)", |bch| {
        bch.iter(|| program.evaluate(&unit, as_of).map(|d| d.outcome))
    });
    // A host that reads each decision before the next keeps one and has it written over.
    let mut kept = program
        .evaluate(&unit, as_of)
        .unwrap_or_else(|e| panic!("{e}"));
    let options = EvalOptions::default();
    g.bench_function(
        "entitle, Unit into a kept Decision (evaluate_into)",
        |bch| {
            bch.iter(|| {
                program
                    .evaluate_into(&unit, as_of, &options, &mut kept)
                    .map(|()| kept.outcome)
            })
        },
    );
    let zen_one = zen_ctx
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no household"));
    g.bench_function("zen-expression, one context", |bch| {
        bch.iter(|| zen.evaluate(zen_one.clone()).is_ok())
    });
    let cel_one = cel_ctx.first().unwrap_or_else(|| panic!("no household"));
    g.bench_function("cel, one context", |bch| {
        bch.iter(|| cel.execute(cel_one).is_ok())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
