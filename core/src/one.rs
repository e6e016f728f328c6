//! Evaluating one unit at a time (`Program::evaluate`) without building a batch and its results
//! from nothing each time: each thread keeps the last batch and result part it used, for the
//! program it last evaluated, and fills them again.

use crate::batch::BatchBuilder;
use crate::eval::results::{BatchResult, ChunkOut};
use crate::eval::{recycle, Buffers, Env, EvalOptions, ParamAt, State, KEEP_MEMBERS};
use crate::model::Unit;
use crate::program::{Inner, Program};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, Weak};

/// What a thread keeps between evaluations. It stays where it is, in the thread's storage: the
/// batch and the result part are a few hundred bytes each, and moving them in and out on every
/// call was a twentieth of a call's time.
struct Room {
    /// The program it was made for (a weak reference keeps the address from being reused by
    /// another program while it is compared).
    program: Weak<Inner>,
    builder: BatchBuilder,
    /// One part, in the vector a `BatchResult` takes (so that the part itself is not moved).
    parts: Vec<ChunkOut>,
    state: Buffers,
    /// The parameters' room (emptied: they borrow from the program).
    params: Vec<ParamAt<'static>>,
}

impl Room {
    fn new(program: &Program, inner: &Arc<Inner>, options: &EvalOptions) -> Room {
        Room {
            program: Arc::downgrade(inner),
            builder: program.batch_builder(),
            parts: vec![ChunkOut::with_capacity(inner, 1, options.explain)],
            state: Buffers::default(),
            params: Vec::new(),
        }
    }

    /// Whether the room was made for `inner` and is whole (a panic half-way leaves it without
    /// its part).
    fn fits(&self, inner: &Arc<Inner>) -> bool {
        std::ptr::eq(self.program.as_ptr(), Arc::as_ptr(inner)) && self.parts.len() == 1
    }

    /// Binds and interprets `unit` in this room, emptied first, and reads its decision from the
    /// result with `read`.
    fn decide<T>(
        &mut self,
        program: &Program,
        inner: &Inner,
        unit: &Unit,
        as_of: NaiveDate,
        options: &EvalOptions,
        mut read: impl FnMut(&BatchResult<'_>) -> T,
    ) -> T {
        self.builder.restart();
        self.parts.iter_mut().for_each(ChunkOut::clear);
        self.builder.add_unit_with(unit, options);
        let batch = self.builder.finished();
        if let Some(part) = self.parts.first_mut() {
            let mut params = recycle(std::mem::take(&mut self.params));
            program.params_at_into(as_of, &mut params);
            let mut st = State::with_buffers(inner, std::mem::take(&mut self.state));
            let env = Env {
                p: inner,
                batch,
                row: 0,
                as_of,
                params: &params,
            };
            env.unit(&mut st, part, options.explain);
            self.state = st.into_buffers(KEEP_MEMBERS);
            self.params = recycle(params);
        }
        let result = BatchResult::new(
            Cow::Borrowed(program),
            batch,
            as_of,
            std::mem::take(&mut self.parts),
        );
        let decision = read(&result);
        self.parts = result.into_parts();
        decision
    }

    fn members(&mut self) -> usize {
        self.builder.finished().member_count()
    }
}

thread_local! {
    static ROOM: RefCell<Option<Room>> = const { RefCell::new(None) };
}

/// One unit bound and interpreted in the room this thread kept from the last call when it was
/// for the same program, its decision read from the result with `read` (built, or written into
/// the caller's: `Program::evaluate_with`, `Program::evaluate_into`).
pub(crate) fn evaluate<T>(
    program: &Program,
    inner: &Arc<Inner>,
    unit: &Unit,
    as_of: NaiveDate,
    options: &EvalOptions,
    mut read: impl FnMut(&BatchResult<'_>) -> T,
) -> T {
    let kept = ROOM.try_with(|cell| {
        // Nothing evaluates re-entrantly, but a second borrow must not panic either.
        let mut kept = cell.try_borrow_mut().ok()?;
        if !kept.as_ref().is_some_and(|r| r.fits(inner)) {
            *kept = Some(Room::new(program, inner, options));
        }
        let room = kept.as_mut()?;
        let decision = room.decide(program, inner, unit, as_of, options, &mut read);
        if room.members() > KEEP_MEMBERS {
            *kept = None;
        }
        Some(decision)
    });
    // Without the thread's room (while the thread ends): in room of its own.
    match kept {
        Ok(Some(decision)) => decision,
        _ => Room::new(program, inner, options).decide(program, inner, unit, as_of, options, read),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Member;

    fn kept_members() -> Option<usize> {
        ROOM.with(|r| r.borrow_mut().as_mut().map(Room::members))
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

    #[test]
    fn a_decision_written_into_equals_the_one_returned_and_keeps_its_room() {
        let grant =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        let pension = Program::compile(include_str!(
            "../../examples/programs/old_age_pension.entitle"
        ))
        .unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let unit = |income: Option<&str>, birth: &str| {
            let u = Unit::new("H")
                .with("region", "North")
                .with_member(Member::new("M1", "child").with("birthdate", birth))
                .with_member(Member::new("M2", "head").with("birthdate", "1950-01-01"));
            match income {
                Some(i) => u.with("monthly_income", i),
                None => u,
            }
        };
        let eligible = unit(Some("KES 900"), "2020-05-01");
        let mut d = grant.evaluate(&eligible, as_of).unwrap();
        assert_eq!(
            d.cash.as_ref().map(|c| c.total.to_string()),
            Some("2000".into())
        );
        let (rules, items) = (d.rules.as_ptr(), d.items.as_ptr());
        let explain = EvalOptions {
            explain: true,
            ..Default::default()
        };
        let cases = [
            (&grant, unit(Some("KES 90000"), "2020-05-01"), false), // not eligible
            (&grant, unit(None, "2020-05-01"), false),              // undetermined
            (&grant, eligible.clone(), true),                       // with an explanation
            (&grant, eligible.clone(), false),
            (
                &pension,
                Unit::new("P").with("birthdate", "1950-01-01"),
                false,
            ), // another program
            (&grant, eligible.clone(), false),
        ];
        for (p, u, explained) in &cases {
            let options = if *explained {
                explain.clone()
            } else {
                EvalOptions::default()
            };
            p.evaluate_into(u, as_of, &options, &mut d).unwrap();
            assert_eq!(d, p.evaluate_with(u, as_of, &options).unwrap());
        }
        assert_eq!(d.outcome, crate::result::Outcome::Eligible);
        assert!(d.explanation.is_none());
        // The same program's rules and items were written over, not allocated again.
        assert_eq!((d.rules.as_ptr(), d.items.as_ptr()), (rules, items));
        // An error leaves the decision as it was.
        let before = d.clone();
        let born_later = unit(Some("KES 900"), "2030-01-01");
        let err = grant
            .evaluate_into(&born_later, as_of, &EvalOptions::default(), &mut d)
            .unwrap_err();
        assert_eq!(err, grant.evaluate(&born_later, as_of).unwrap_err());
        assert_eq!(d, before);
    }

    #[test]
    fn a_room_left_without_its_part_is_made_again() {
        let src = include_str!("../../examples/programs/child_grant.entitle");
        let p = Program::compile(src).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let unit = Unit::new("H")
            .with("region", "North")
            .with("monthly_income", "KES 1000")
            .with_member(Member::new("M1", "child").with("birthdate", "2020-01-01"));
        let first = p.evaluate(&unit, as_of).unwrap();
        // As a panic between taking the part and giving it back would leave the room.
        ROOM.with(|r| r.borrow_mut().as_mut().unwrap().parts.clear());
        let again = p.evaluate(&unit, as_of).unwrap();
        assert_eq!(again, first);
        assert_eq!(first.cash.map(|c| c.total.to_string()), Some("2000".into()));
        assert_eq!(
            ROOM.with(|r| r.borrow().as_ref().map(|r| r.parts.len())),
            Some(1)
        );
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

    #[test]
    fn small_batches_of_two_programs_in_turn_decide_as_one_unit_at_a_time() {
        use crate::model::{Member, Unit};
        use chrono::NaiveDate;
        let grant =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        let pmt = Program::compile(include_str!("../../examples/programs/pmt.entitle")).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let units: Vec<Unit> = (0..5)
            .map(|k| {
                (0..k).fold(
                    Unit::new(format!("H{k}"))
                        .with("region", "North")
                        .with("monthly_income", format!("KES {}", 1000 * k)),
                    |u, m| {
                        u.with_member(
                            Member::new(format!("M{k}{m}"), "child")
                                .with("birthdate", "2020-01-01")
                                .with("disabled", if m == 1 { "true" } else { "false" }),
                        )
                    },
                )
            })
            .collect();
        // Each interpreted batch starts in the buffers the last one kept on this thread, which
        // was made for the other program (other lets, other inputs missing).
        for p in [&grant, &pmt, &grant, &pmt, &grant] {
            let batch = p.bind(&units);
            let decided: Vec<_> = p
                .interpret(&batch, as_of, &Default::default())
                .decisions()
                .collect();
            let one: Vec<_> = units.iter().map(|u| p.evaluate(u, as_of)).collect();
            assert_eq!(decided.len(), 5);
            for (d, o) in decided.iter().zip(&one) {
                assert_eq!(d.as_ref().ok(), o.as_ref().ok());
            }
        }
        let cash: Vec<Option<String>> = grant
            .evaluate_batch(&units, as_of)
            .into_iter()
            .map(|d| d.ok().and_then(|d| d.cash).map(|c| c.total.to_string()))
            .collect();
        // No members: income per person divides by zero; one child: 1500 + 500; two, one
        // disabled: 1500 + 1000 + 300; then capped at 4000 once four children count.
        assert_eq!(cash[1].as_deref(), Some("2000"));
        assert_eq!(cash[2].as_deref(), Some("2800"));
    }
}
