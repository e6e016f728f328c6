//! Registers' lanes: typed columns over a chunk, and where a lane's failure is recorded.

use super::num::{Fx, Ratio};
use super::plan::{Kind, Reg, Scalar};
use crate::batch::Column;
use chrono::NaiveDate;

/// One register's lanes.
#[derive(Clone, Debug)]
pub(crate) enum Col {
    Bool(Vec<Option<bool>>),
    Num(Vec<Option<Fx>>),
    Ratio(Vec<Option<Ratio>>),
    Date(Vec<Option<NaiveDate>>),
}

impl Col {
    pub(super) fn new(kind: Kind) -> Col {
        match kind {
            Kind::Bool => Col::Bool(Vec::new()),
            Kind::Num => Col::Num(Vec::new()),
            Kind::Ratio => Col::Ratio(Vec::new()),
            Kind::Date => Col::Date(Vec::new()),
        }
    }

    pub(super) fn known(&self, i: usize) -> bool {
        match self {
            Col::Bool(v) => v.get(i).copied().flatten().is_some(),
            Col::Num(v) => v.get(i).copied().flatten().is_some(),
            Col::Ratio(v) => v.get(i).copied().flatten().is_some(),
            Col::Date(v) => v.get(i).copied().flatten().is_some(),
        }
    }

    /// Sets lane `i` of `self` to lane `j` of `src` (same kind).
    pub(super) fn copy_lane(&mut self, i: usize, src: &Col, j: usize) {
        match (self, src) {
            (Col::Bool(d), Col::Bool(s)) => set(d, i, s.get(j).copied().flatten()),
            (Col::Num(d), Col::Num(s)) => set(d, i, s.get(j).copied().flatten()),
            (Col::Ratio(d), Col::Ratio(s)) => set(d, i, s.get(j).copied().flatten()),
            (Col::Date(d), Col::Date(s)) => set(d, i, s.get(j).copied().flatten()),
            _ => {}
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Col::Bool(v) => v.len(),
            Col::Num(v) => v.len(),
            Col::Ratio(v) => v.len(),
            Col::Date(v) => v.len(),
        }
    }

    pub(super) fn reset(&mut self, n: usize) {
        match self {
            Col::Bool(v) => reset(v, n),
            Col::Num(v) => reset(v, n),
            Col::Ratio(v) => reset(v, n),
            Col::Date(v) => reset(v, n),
        }
    }
}

pub(super) fn reset<T>(v: &mut Vec<Option<T>>, n: usize) {
    v.clear();
    v.resize_with(n, || None);
}

pub(super) fn set<T>(v: &mut [Option<T>], i: usize, x: Option<T>) {
    if let Some(s) = v.get_mut(i) {
        *s = x;
    }
}

/// The lanes of a register, typed (empty when the kind does not match, which the compiler rules out).
pub(super) fn bools(cols: &[Col], r: Reg) -> &[Option<bool>] {
    match cols.get(r) {
        Some(Col::Bool(v)) => v,
        _ => &[],
    }
}

pub(super) fn nums(cols: &[Col], r: Reg) -> &[Option<Fx>] {
    match cols.get(r) {
        Some(Col::Num(v)) => v,
        _ => &[],
    }
}

pub(super) fn ratios(cols: &[Col], r: Reg) -> &[Option<Ratio>] {
    match cols.get(r) {
        Some(Col::Ratio(v)) => v,
        _ => &[],
    }
}

pub(super) fn dates(cols: &[Col], r: Reg) -> &[Option<NaiveDate>] {
    match cols.get(r) {
        Some(Col::Date(v)) => v,
        _ => &[],
    }
}

/// Where failures of a lane go: its unit.
pub(super) struct Fail<'w> {
    pub(super) err: &'w mut [bool],
    pub(super) member_unit: Option<&'w [u32]>,
}

impl Fail<'_> {
    pub(super) fn lane(&mut self, i: usize) {
        let u = match self.member_unit {
            Some(map) => map.get(i).map(|u| *u as usize),
            None => Some(i),
        };
        if let Some(e) = u.and_then(|u| self.err.get_mut(u)) {
            *e = true;
        }
    }
}

pub(super) fn scalar_lanes(col: &mut Col, v: Option<Scalar>, n: usize) {
    match (col, v) {
        (Col::Bool(d), Some(Scalar::Bool(b))) => d.iter_mut().take(n).for_each(|x| *x = Some(b)),
        (Col::Num(d), Some(Scalar::Num(x))) => d.iter_mut().take(n).for_each(|y| *y = Some(x)),
        (Col::Date(d), Some(Scalar::Date(x))) => d.iter_mut().take(n).for_each(|y| *y = Some(x)),
        _ => {}
    }
}

/// Reads a cell of an input column into a lane of `dst`.
pub(super) fn load_cell(
    dst: &mut Col,
    i: usize,
    col: &Column,
    row: usize,
    default: Option<Scalar>,
    fail: &mut Fail<'_>,
) {
    match (dst, col) {
        (Col::Bool(d), Column::Bool(v)) => {
            let x = v.get(row).copied().flatten().or(match default {
                Some(Scalar::Bool(b)) => Some(b),
                _ => None,
            });
            set(d, i, x);
        }
        (Col::Num(d), Column::Decimal(v)) => {
            let x = match v.get(row).copied().flatten() {
                Some(dec) => match Fx::from_dec(dec) {
                    Some(f) => Some(f),
                    None => {
                        fail.lane(i);
                        None
                    }
                },
                None => match default {
                    Some(Scalar::Num(f)) => Some(f),
                    _ => None,
                },
            };
            set(d, i, x);
        }
        (Col::Date(d), Column::Date(v)) => {
            let x = v.get(row).copied().flatten().or(match default {
                Some(Scalar::Date(x)) => Some(x),
                _ => None,
            });
            set(d, i, x);
        }
        _ => fail.lane(i),
    }
}

/// Reads the cells `start..start + dst.len()` of an input column into `dst`, matching the kinds
/// once for the whole range.
pub(super) fn load_range(
    dst: &mut Col,
    col: &Column,
    start: usize,
    default: Option<Scalar>,
    fail: &mut Fail<'_>,
) {
    match (dst, col) {
        (Col::Bool(d), Column::Bool(v)) => {
            let def = match default {
                Some(Scalar::Bool(b)) => Some(b),
                _ => None,
            };
            for (x, c) in d.iter_mut().zip(v.get(start..).unwrap_or(&[])) {
                *x = c.or(def);
            }
        }
        (Col::Num(d), Column::Decimal(v)) => {
            let def = match default {
                Some(Scalar::Num(f)) => Some(f),
                _ => None,
            };
            for (i, (x, c)) in d.iter_mut().zip(v.get(start..).unwrap_or(&[])).enumerate() {
                *x = match c {
                    Some(dec) => {
                        let f = Fx::from_dec(*dec);
                        if f.is_none() {
                            fail.lane(i);
                        }
                        f
                    }
                    None => def,
                };
            }
        }
        (Col::Date(d), Column::Date(v)) => {
            let def = match default {
                Some(Scalar::Date(x)) => Some(x),
                _ => None,
            };
            for (x, c) in d.iter_mut().zip(v.get(start..).unwrap_or(&[])) {
                *x = c.or(def);
            }
        }
        (d, _) => {
            for i in 0..d.len() {
                fail.lane(i);
            }
        }
    }
}
