//! Columnar evaluation: a program compiled to a plan that evaluates whole columns of a batch.
//!
//! The interpreter (`crate::eval`) walks each unit's expression trees; this plan instead runs each
//! operation once over a chunk of units (or of their members) at a time, on typed columns: truth
//! values as `Option<bool>` (Kleene logic on the `None`), numbers as 64-bit fixed point with a scale
//! per value ([`num::Fx`], bit-identical to `rust_decimal`), dates as `NaiveDate`, texts as
//! dictionary codes whose comparisons are decided once per distinct text. Member expressions run
//! over the chunk's member rows and are reduced per unit by the member offsets. Nothing is
//! allocated per unit, and nothing is dispatched per value.
//!
//! # When the interpreter decides instead
//!
//! The interpreter stays the reference, and results are identical by construction because the
//! plan only answers where it is certain, and hands everything else to the interpreter:
//!
//! - **the whole batch** when the program uses what the plan does not express (record
//!   collections, run-model checks, group caps, valued in-kind items, text functions that build
//!   text, `lookup`/`band`/`power`/`is_code`, lists from data, constants beyond 64-bit fixed point),
//!   when an explanation is asked for, or when a parameter has no value on the as-of date;
//! - **one unit** when anything about it is not certain: its data could not be bound; an
//!   operation on any of its lanes failed or left the fixed-point domain (division by zero, a future
//!   birthdate, overflow, a quotient too close to the value it is compared with), even on a branch
//!   the interpreter would not have taken; its decision is undetermined (the interpreter lists
//!   the missing inputs, which depend on evaluation order); or its member count could let the
//!   interpreter reach its step limit.
//!
//! Eligible and not-eligible decisions have no missing inputs, and errors are never produced by the
//! plan, so the units it answers need nothing that depends on the interpreter's order of work.

mod assemble;
mod compile;
mod exec;
pub(crate) mod num;

use crate::batch::Batch;
use crate::eval::results::{BatchResult, ChunkOut};
use crate::eval::{Env, EvalOptions, ParamAt, State};
use crate::program::{Inner, Program};
use chrono::NaiveDate;
pub(crate) use compile::Plan;

/// Units per chunk: large enough to amortise each operation's dispatch, small enough for the
/// chunk's columns to stay in cache.
const CHUNK: usize = 1024;

/// Evaluates a batch with the columnar plan; `None` when this batch must go to the interpreter as a
/// whole (an explanation was asked for, or a parameter used has no value on `as_of`).
pub(crate) fn run<'b>(program: &Program, batch: &'b Batch, as_of: NaiveDate, options: &EvalOptions) -> Option<BatchResult<'b>> {
    let inner: &Inner = program.inner();
    let plan = inner.columnar.as_ref()?;
    if options.explain {
        return None;
    }
    let bound = plan.bind(inner, batch, as_of)?;
    let params = program.params_at(as_of);
    let n = batch.len();
    let ranges: Vec<std::ops::Range<usize>> = (0..n.div_ceil(CHUNK)).map(|c| c * CHUNK..((c + 1) * CHUNK).min(n)).collect();
    let chunk = |ws: &mut exec::Workspace, range: std::ops::Range<usize>| {
        let mut out = ChunkOut::default();
        let mut st = State::new(inner);
        let fallback = |row: usize, out: &mut ChunkOut, st: &mut State<'_>| {
            let env = Env { p: inner, batch, row, as_of, params: &params };
            env.unit(st, out, false);
        };
        exec::run_chunk(plan, &bound, inner, batch, range, ws, &mut out, &mut |row, out| fallback(row, out, &mut st));
        out
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<ChunkOut> = {
        use rayon::prelude::*;
        ranges.into_par_iter().map_init(|| exec::Workspace::new(plan), |ws, r| chunk(ws, r)).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<ChunkOut> = {
        let mut ws = exec::Workspace::new(plan);
        ranges.into_iter().map(|r| chunk(&mut ws, r)).collect()
    };
    let mut out = ChunkOut::default();
    for p in parts {
        out.append(p);
    }
    let words = inner.missing_names.len().div_ceil(64);
    Some(BatchResult { program: program.clone(), batch, as_of, out, words })
}

/// Whether a compiled program has a columnar plan (for tests and benchmarks).
pub(crate) fn has_plan(program: &Program) -> bool {
    program.inner().columnar.is_some()
}

/// What the parameters are on one date, for the plan.
pub(crate) type Params<'a> = [ParamAt<'a>];
