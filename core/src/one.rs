//! Evaluating one unit at a time (`Program::evaluate`) without building a batch and its results
//! from nothing each time: each thread keeps the last batch and result part it used, for the
//! program it last evaluated, and fills them again.

use crate::batch::{Batch, BatchBuilder};
use crate::eval::results::{BatchResult, ChunkOut};
use crate::eval::{Buffers, Env, EvalOptions, State};
use crate::model::Unit;
use crate::program::{Inner, Program};
use crate::result::{Decision, UnitError};
use chrono::NaiveDate;
use std::cell::RefCell;
use std::sync::{Arc, Weak};

/// A unit with more members than this is evaluated in fresh room, which is not kept: a thread
/// should not hold on to the room of the largest household it ever saw.
const KEEP_MEMBERS: usize = 64;

/// What a thread keeps between evaluations.
struct Room {
    /// The program it was made for (a weak reference keeps the address from being reused by
    /// another program while it is compared).
    program: Weak<Inner>,
    batch: Batch,
    part: ChunkOut,
    state: Buffers,
}

thread_local! {
    static ROOM: RefCell<Option<Room>> = const { RefCell::new(None) };
}

/// `program.evaluate_with(unit, as_of, options)`: the unit bound, interpreted and its decision
/// built, in the room this thread kept from the last call when it was for the same program.
pub(crate) fn evaluate(
    program: &Program,
    inner: &Arc<Inner>,
    unit: &Unit,
    as_of: NaiveDate,
    options: &EvalOptions,
) -> Result<Decision, UnitError> {
    let kept = ROOM
        .with(|r| r.borrow_mut().take())
        .filter(|r| std::ptr::eq(r.program.as_ptr(), Arc::as_ptr(inner)));
    let (mut builder, mut part, buffers) = match kept {
        Some(r) => (
            BatchBuilder::reuse(Arc::clone(&inner.layout), r.batch),
            r.part.cleared(),
            r.state,
        ),
        None => (
            program.batch_builder(),
            ChunkOut::with_capacity(inner, 1, options.explain),
            Buffers::default(),
        ),
    };
    builder.add_unit(unit);
    let batch = builder.finish();
    let state = {
        let params = program.params_at(as_of);
        let mut st = State::with_buffers(inner, buffers);
        let env = Env {
            p: inner,
            batch: &batch,
            row: 0,
            as_of,
            params: &params,
        };
        env.unit(&mut st, &mut part, options.explain);
        st.into_buffers(KEEP_MEMBERS)
    };
    let result = BatchResult::new(program.clone(), &batch, as_of, vec![part]);
    let decision = result.decision(0);
    let part = result.into_parts().pop();
    if let Some(part) = part.filter(|_| batch.member_count() <= KEEP_MEMBERS) {
        let room = Room {
            program: Arc::downgrade(inner),
            batch,
            part,
            state,
        };
        ROOM.with(|r| *r.borrow_mut() = Some(room));
    }
    decision
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Member;

    fn kept_members() -> Option<usize> {
        ROOM.with(|r| r.borrow().as_ref().map(|r| r.batch.member_count()))
    }

    #[test]
    fn a_thread_keeps_the_room_of_small_households_only() {
        let src = include_str!("../../examples/programs/child_grant.entitle");
        let p = Program::compile(src).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let household = |n: usize| {
            (0..n).fold(Unit::new("H").with("region", "North"), |u, m| {
                u.with_member(Member::new(format!("M{m}"), "child").with("birthdate", "2020-01-01"))
            })
        };
        let _ = p.evaluate(&household(3), as_of);
        assert_eq!(kept_members(), Some(3));
        let _ = p.evaluate(&household(KEEP_MEMBERS + 1), as_of);
        assert_eq!(kept_members(), None);
        let _ = p.evaluate(&household(KEEP_MEMBERS), as_of);
        assert_eq!(kept_members(), Some(KEEP_MEMBERS));
        // Another program's call replaces the room; its own next call reuses it.
        let other = Program::compile(src).unwrap();
        let _ = other.evaluate(&household(2), as_of);
        let ptr = ROOM.with(|r| r.borrow().as_ref().map(|r| r.program.as_ptr()));
        assert_eq!(ptr, Some(other.inner() as *const Inner));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod buffer_tests {
    use crate::eval::State;
    use crate::program::Program;

    #[test]
    fn a_state_keeps_small_buffers_and_sizes_them_for_its_program() {
        let src = include_str!("../../examples/programs/child_grant.entitle");
        let p = Program::compile(src).unwrap();
        let inner = p.inner();
        let words = inner.missing_names.len().div_ceil(64);
        let mut st = State::new(inner);
        st.active.extend(0..10);
        st.missing.iter_mut().for_each(|w| *w = u64::MAX);
        let kept = st.into_buffers(64);
        // Reused: emptied, and the missing-input words zeroed again.
        let st = State::with_buffers(inner, kept);
        assert!(st.active.is_empty() && st.active.capacity() >= 10);
        assert_eq!(st.missing, vec![0; words]);
        assert_eq!(st.unit_missing, vec![0; words]);
        // A unit with more members than the bound leaves nothing kept.
        let mut st = st;
        st.active.extend(0..65);
        let st = State::with_buffers(inner, st.into_buffers(64));
        assert_eq!(st.active.capacity(), 0);
    }
}
