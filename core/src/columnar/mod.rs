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

mod aggregate;
mod assemble;
mod bind;
mod builtins;
mod compile;
mod compile_expr;
mod compiler;
mod entitlement;
mod exec;
mod kernels;
mod lanes;
pub(crate) mod num;
mod plan;

use crate::batch::Batch;
use crate::eval::results::{BatchResult, ChunkOut};
use crate::eval::{Env, EvalOptions, State};
use crate::program::{Inner, Program};
use chrono::NaiveDate;
pub(crate) use plan::Plan;
use std::borrow::Cow;

/// Batches smaller than this are interpreted: the plan's setup (registers, text tables) costs more
/// than it saves on a few units.
pub(crate) const MIN_UNITS: usize = 16;

/// Units per chunk: large enough to amortise each operation's dispatch, small enough for the
/// chunk's columns to stay in cache.
const CHUNK: usize = crate::eval::results::PART;

/// Evaluates a batch with the columnar plan; `None` when this batch must go to the interpreter as a
/// whole (an explanation was asked for, or a parameter used has no value on `as_of`).
pub(crate) fn run<'b>(
    program: &Program,
    batch: &'b Batch,
    as_of: NaiveDate,
    options: &EvalOptions,
) -> Option<BatchResult<'b>> {
    run_counted(program, batch, as_of, options).map(|(r, _)| r)
}

/// As [`run`], with the number of units the interpreter decided.
pub(crate) fn run_counted<'b>(
    program: &Program,
    batch: &'b Batch,
    as_of: NaiveDate,
    options: &EvalOptions,
) -> Option<(BatchResult<'b>, usize)> {
    let inner: &Inner = program.inner();
    let plan = inner.columnar.as_ref()?;
    if options.explain {
        return None;
    }
    let bound = plan.bind(inner, batch, as_of)?;
    let params = program.params_at(as_of);
    let n = batch.len();
    let ranges: Vec<std::ops::Range<usize>> = (0..n.div_ceil(CHUNK))
        .map(|c| c * CHUNK..((c + 1) * CHUNK).min(n))
        .collect();
    let chunk = |ws: &mut exec::Workspace, range: std::ops::Range<usize>| {
        let mut out = ChunkOut::with_capacity(inner, range.len(), false);
        let mut st = State::new(inner);
        let mut interpreted = 0usize;
        let mut fallback = |row: usize, out: &mut ChunkOut| {
            interpreted += 1;
            let env = Env {
                p: inner,
                batch,
                row,
                as_of,
                params: &params,
            };
            env.unit(&mut st, out, false);
        };
        exec::run_chunk(
            plan,
            &bound,
            inner,
            batch,
            range,
            ws,
            &mut out,
            &mut fallback,
        );
        (out, interpreted)
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<(ChunkOut, usize)> = if ranges.len() <= 1 {
        let mut ws = exec::Workspace::new(plan);
        ranges.into_iter().map(|r| chunk(&mut ws, r)).collect()
    } else {
        use rayon::prelude::*;
        ranges
            .into_par_iter()
            .map_init(|| exec::Workspace::new(plan), |ws, r| chunk(ws, r))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<(ChunkOut, usize)> = {
        let mut ws = exec::Workspace::new(plan);
        ranges.into_iter().map(|r| chunk(&mut ws, r)).collect()
    };
    let interpreted = parts.iter().map(|(_, k)| k).sum();
    let parts = parts.into_iter().map(|(p, _)| p).collect();
    Some((
        BatchResult::new(Cow::Owned(program.clone()), batch, as_of, parts),
        interpreted,
    ))
}

impl Program {
    /// Whether batches of this program are evaluated column by column (see [`Program::run`]);
    /// programs that use what the columnar plan does not express are interpreted unit by unit.
    pub fn is_columnar(&self) -> bool {
        self.inner().columnar.is_some()
    }
}

#[cfg(test)]
mod tests;
