//! Translation of typed expressions to SQL, one construct at a time; anything without an exact
//! translation becomes an `E0501` diagnostic.

use super::{quote, SqlDialect, SqlSchema};
use crate::program::Program;
use chrono::NaiveDate;
use entitle_dsl::ast::Scope;
use entitle_dsl::ir::{Aggregate, ArithOp, Builtin, CmpOp, MemberField, TExpr, TKind};
use entitle_dsl::{codes, Diagnostic, Diagnostics, Span, Type, Value};
use rust_decimal::Decimal;

/// Where an expression is evaluated: the unit (`p`), a member (`i`, membership `m`), or a record
/// of a collection (`r`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Unit,
    Member,
    Record(usize),
}

pub(super) struct Translator<'p> {
    program: &'p Program,
    as_of: NaiveDate,
    schema: &'p SqlSchema,
    dialect: SqlDialect,
    params: Vec<Value>,
    diags: Vec<Diagnostic>,
    /// Lets being inlined (a guard: the checker already refuses circles).
    depth: usize,
}

/// `Err(())` means a diagnostic was recorded.
type T = Result<String, ()>;

mod calls;

impl<'p> Translator<'p> {
    pub(super) fn new(
        program: &'p Program,
        as_of: NaiveDate,
        schema: &'p SqlSchema,
        dialect: SqlDialect,
    ) -> Translator<'p> {
        Translator {
            program,
            as_of,
            schema,
            dialect,
            params: Vec::new(),
            diags: Vec::new(),
            depth: 0,
        }
    }

    /// The parameters, or every diagnostic.
    pub(super) fn finish(self) -> Result<Vec<Value>, Diagnostics> {
        if self.diags.is_empty() {
            Ok(self.params)
        } else {
            let mut d = self.diags;
            entitle_dsl::sorting::sort_by_key(&mut d, |x| (x.span.start, x.span.end));
            Err(Diagnostics(d))
        }
    }

    /// A rule's condition; on failure the text is a placeholder and the diagnostics say why.
    pub(super) fn condition(&mut self, e: &TExpr) -> String {
        self.expr(e, Ctx::Unit).unwrap_or_else(|()| "NULL".into())
    }

    fn refuse(&mut self, span: Span, construct: &str) -> T {
        self.diags.push(
            Diagnostic::new(codes::NOT_TRANSLATABLE, span)
                .arg("construct", construct)
                .arg("target", "SQL")
                .with_help("E0501.help"),
        );
        Err(())
    }

    fn param(&mut self, v: Value) -> String {
        self.params.push(v);
        format!("${}", self.params.len())
    }

    fn date_of(&self, column: &str) -> String {
        match self.dialect {
            SqlDialect::Postgres => format!("CAST({column} AS DATE)"),
            SqlDialect::Sqlite => format!("DATE({column})"),
        }
    }

    fn constant(&mut self, v: &Value, span: Span) -> T {
        Ok(match v {
            Value::Unknown => "NULL".into(),
            Value::Bool(true) => "TRUE".into(),
            Value::Bool(false) => "FALSE".into(),
            Value::List(_) => return self.refuse(span, "a list outside `in`"),
            other => self.param(other.clone()),
        })
    }

    /// A column read by an input: trimmed text (empty is unknown), the declared default.
    fn column(&mut self, alias: &str, input: &entitle_dsl::ir::Input, span: Span) -> T {
        let col = format!("{alias}.{}", quote(&input.name));
        let read = match &input.ty {
            Type::Text => format!("NULLIF(TRIM({col}), '')"),
            Type::List { .. } | Type::Table { .. } => return self.refuse(span, "a list input"),
            _ => col,
        };
        Ok(match &input.default {
            Some(d) => {
                let d = self.constant(d, span)?;
                format!("COALESCE({read}, {d})")
            }
            None => read,
        })
    }

    fn expr(&mut self, e: &TExpr, ctx: Ctx) -> T {
        let span = e.span;
        match &e.kind {
            TKind::Const(v) => self.constant(v, span),
            TKind::Input(i) => {
                let Some(input) = self.program.ir().inputs.get(*i) else { return self.refuse(span, "an input") };
                let alias = if input.scope == Scope::Member { "i" } else { "p" };
                if input.scope == Scope::Member && ctx != Ctx::Member {
                    return self.refuse(span, "a member input here");
                }
                self.column(alias, input, span)
            }
            TKind::HeadInput(i) => {
                let Some(input) = self.program.ir().inputs.get(*i) else { return self.refuse(span, "an input") };
                let col = self.column("i", input, span)?;
                let from = self.members_from()?;
                let head = self.has_kind("head".into());
                Ok(format!("(SELECT {col} {from} AND {head} ORDER BY m.id LIMIT 1)"))
            }
            TKind::Member(f) => match f {
                MemberField::IsHead => Ok(self.has_kind("head".into())),
                MemberField::StartDate => Ok(self.date_of(&format!("m.{}", quote(&self.schema.membership_start)))),
                MemberField::EndDate => Ok(self.date_of(&format!("m.{}", quote(&self.schema.membership_end)))),
                MemberField::Kind => self.refuse(span, "`kind` (the first of a membership's kinds has no order in the database; use `has_kind`)"),
            },
            TKind::Param(i) => match self.program.ir().params.get(*i).and_then(|p| p.value_on(self.as_of)) {
                Some(v) => {
                    let v = v.value.clone();
                    self.constant(&v, span)
                }
                None => self.refuse(span, "a parameter with no value in force"),
            },
            TKind::Let(pos) => {
                let Some(l) = self.program.ir().lets.get(*pos) else { return self.refuse(span, "a `let`") };
                if self.depth > 64 {
                    return self.refuse(span, "a deeply nested `let`");
                }
                self.depth += 1;
                let r = self.expr(&l.expr, ctx);
                self.depth -= 1;
                r.map(|s| format!("({s})"))
            }
            TKind::AsOf => Ok(self.param(Value::Date(self.as_of))),
            TKind::CashTotal => self.refuse(span, "`cash_total`"),
            TKind::Neg(x) => Ok(format!("(-{})", self.expr(x, ctx)?)),
            TKind::Not(x) => Ok(format!("(NOT {})", self.expr(x, ctx)?)),
            TKind::And(a, b) => Ok(format!("({} AND {})", self.expr(a, ctx)?, self.expr(b, ctx)?)),
            TKind::Or(a, b) => Ok(format!("({} OR {})", self.expr(a, ctx)?, self.expr(b, ctx)?)),
            TKind::Arith(op, a, b) => {
                let (l, r) = (self.expr(a, ctx)?, self.expr(b, ctx)?);
                Ok(match op {
                    ArithOp::Add => format!("({l} + {r})"),
                    ArithOp::Sub => format!("({l} - {r})"),
                    ArithOp::Mul => format!("({l} * {r})"),
                    // A division by zero fails the unit in Entitle: unknown here, never selected alone.
                    ArithOp::Div => format!("({l} / NULLIF({r}, 0))"),
                    ArithOp::Mod => format!("({l} % NULLIF({r}, 0))"),
                })
            }
            TKind::Compare(op, a, b) => self.compare(*op, a, b, ctx),
            TKind::In { value, list, negated } => {
                let v = self.expr(value, ctx)?;
                let items = match &list.kind {
                    TKind::Const(Value::List(items)) => items.clone(),
                    TKind::Param(i) => match self.program.ir().params.get(*i).and_then(|p| p.value_on(self.as_of)).map(|v| v.value.clone()) {
                        Some(Value::List(items)) => items,
                        _ => return self.refuse(list.span, "a list that is not a constant"),
                    },
                    _ => return self.refuse(list.span, "a list that is not a constant"),
                };
                if items.is_empty() {
                    let none = if *negated { "TRUE" } else { "FALSE" };
                    return Ok(format!("(CASE WHEN {v} IS NULL THEN NULL ELSE {none} END)"));
                }
                let mut ps = Vec::with_capacity(items.len());
                for it in &items {
                    ps.push(self.constant(it, list.span)?);
                }
                Ok(format!("({v} {}IN ({}))", if *negated { "NOT " } else { "" }, ps.join(", ")))
            }
            TKind::If(c, a, b) => {
                let (c, a, b) = (self.expr(c, ctx)?, self.expr(a, ctx)?, self.expr(b, ctx)?);
                Ok(format!("(CASE WHEN {c} THEN {a} WHEN NOT {c} THEN {b} END)"))
            }
            TKind::Call(f, args) => self.call(*f, args, span, ctx),
            TKind::Aggregate { func, filter, value } => {
                if ctx != Ctx::Unit {
                    return self.refuse(span, "a nested aggregate");
                }
                let from = self.members_from()?;
                self.aggregate(*func, filter.as_deref(), value.as_deref(), Ctx::Member, &from, span)
            }
            TKind::RecordField { set, field } => {
                if ctx != Ctx::Record(*set) {
                    return self.refuse(span, "a record field here");
                }
                let Some(input) = self.program.ir().records.get(*set).and_then(|s| s.fields.get(*field)) else {
                    return self.refuse(span, "a record field");
                };
                let input = input.clone();
                self.column("r", &input, span)
            }
            TKind::RecordAggregate { set, func, filter, value, .. } => {
                if ctx != Ctx::Unit {
                    return self.refuse(span, "a nested aggregate");
                }
                if matches!(func, Aggregate::Latest | Aggregate::Earliest) {
                    return self.refuse(span, "`latest` and `earliest`");
                }
                let from = self.records_from(*set, span)?;
                self.aggregate(*func, filter.as_deref(), value.as_deref(), Ctx::Record(*set), &from, span)
            }
        }
    }

    /// `FROM … WHERE …` of the members of `p` whose membership counts on the as-of date.
    fn members_from(&mut self) -> T {
        let s = self.schema;
        let start = self.date_of(&format!("m.{}", quote(&s.membership_start)));
        let end = self.date_of(&format!("m.{}", quote(&s.membership_end)));
        let a1 = self.param(Value::Date(self.as_of));
        let a2 = self.param(Value::Date(self.as_of));
        Ok(format!(
            "FROM {} m JOIN {} i ON i.id = m.{} WHERE m.{} = p.id AND (m.{} IS NULL OR {start} <= {a1}) AND (m.{} IS NULL OR {a2} < {end})",
            quote(&s.membership_table),
            quote(&s.partner_table),
            quote(&s.membership_individual),
            quote(&s.membership_group),
            quote(&s.membership_start),
            quote(&s.membership_end),
        ))
    }

    /// `FROM … WHERE …` of the records of `p` in collection `set` that count on the as-of date.
    fn records_from(&mut self, set: usize, span: Span) -> T {
        let Some(def) = self.program.ir().records.get(set) else {
            return self.refuse(span, "a record collection");
        };
        let Some(table) = self
            .schema
            .records
            .iter()
            .find(|r| r.collection == def.name)
        else {
            return self.refuse(
                span,
                &format!("the records `{}` (no table is mapped to them)", def.name),
            );
        };
        let mut from = format!(
            "FROM {} r WHERE r.{} = p.id",
            quote(&table.table),
            quote(&table.partner_column)
        );
        if let Some(field) = def.dated_by.and_then(|f| def.fields.get(f)) {
            let col = format!("r.{}", quote(&field.name));
            let d = self.date_of(&col);
            let a = self.param(Value::Date(self.as_of));
            from.push_str(&format!(" AND ({col} IS NULL OR {d} <= {a})"));
        }
        Ok(from)
    }

    /// The membership `m` has the kind `kind` (any case).
    fn has_kind(&mut self, kind: String) -> String {
        let s = self.schema;
        let k = self.param(Value::Text(kind.trim().to_lowercase()));
        format!(
            "EXISTS (SELECT 1 FROM {} kr JOIN {} k ON k.id = kr.{} WHERE kr.{} = m.id AND LOWER(TRIM(k.{})) = {k})",
            quote(&s.kind_relation_table),
            quote(&s.kind_table),
            quote(&s.kind_relation_kind),
            quote(&s.kind_relation_membership),
            quote(&s.kind_name),
        )
    }

    /// An aggregate as a correlated subquery, unknown exactly when Entitle's is.
    fn aggregate(
        &mut self,
        func: Aggregate,
        filter: Option<&TExpr>,
        value: Option<&TExpr>,
        inner: Ctx,
        from: &str,
        span: Span,
    ) -> T {
        let f = match filter {
            Some(f) => self.expr(f, inner)?,
            None => "TRUE".into(),
        };
        let v = match value {
            Some(v) => Some(self.expr(v, inner)?),
            None => None,
        };
        let count = |cond: &str| format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)");
        let sql = match func {
            Aggregate::Count => {
                format!(
                    "CASE WHEN {} > 0 THEN NULL ELSE {} END",
                    count(&format!("({f}) IS NULL")),
                    count(&f)
                )
            }
            Aggregate::Sum | Aggregate::Avg | Aggregate::Min | Aggregate::Max => {
                let Some(v) = v else {
                    return self.refuse(span, "an aggregate without a value");
                };
                let unknown = count(&format!("({f}) IS NULL OR (({f}) AND ({v}) IS NULL)"));
                let picked = format!("CASE WHEN {f} THEN {v} END");
                let value = match func {
                    Aggregate::Sum => format!("COALESCE(SUM({picked}), 0)"),
                    Aggregate::Avg => format!("SUM({picked}) / NULLIF({}, 0)", count(&f)),
                    Aggregate::Min => format!("MIN({picked})"),
                    _ => format!("MAX({picked})"),
                };
                format!("CASE WHEN {unknown} > 0 THEN NULL ELSE {value} END")
            }
            Aggregate::Any => {
                let x = match v {
                    Some(v) => format!("(({f}) AND ({v}))"),
                    None => format!("({f})"),
                };
                format!(
                    "CASE WHEN {} > 0 THEN TRUE WHEN {} > 0 THEN NULL ELSE FALSE END",
                    count(&x),
                    count(&format!("{x} IS NULL"))
                )
            }
            Aggregate::All => {
                let x = match v {
                    Some(v) => format!("((NOT ({f})) OR ({v}))"),
                    None => "TRUE".to_string(),
                };
                format!(
                    "CASE WHEN {} > 0 THEN FALSE WHEN {} > 0 THEN NULL ELSE TRUE END",
                    count(&format!("NOT {x}")),
                    count(&format!("{x} IS NULL"))
                )
            }
            Aggregate::Latest | Aggregate::Earliest => {
                return self.refuse(span, "`latest` and `earliest`")
            }
        };
        Ok(format!("(SELECT {sql} {from})"))
    }

    /// A comparison; `age(d) CMP n` becomes a bound on `d` computed with Entitle's calendar.
    fn compare(&mut self, op: CmpOp, a: &TExpr, b: &TExpr, ctx: Ctx) -> T {
        if let (TKind::Call(Builtin::Age, args), Some(n)) = (&a.kind, self.number_of(b)) {
            if let Some(d) = args.first() {
                return self.age_bound(op, d, n, ctx, a.span);
            }
        }
        if let (Some(n), TKind::Call(Builtin::Age, args)) = (self.number_of(a), &b.kind) {
            if let Some(d) = args.first() {
                let flipped = match op {
                    CmpOp::Lt => CmpOp::Gt,
                    CmpOp::Le => CmpOp::Ge,
                    CmpOp::Gt => CmpOp::Lt,
                    CmpOp::Ge => CmpOp::Le,
                    other => other,
                };
                return self.age_bound(flipped, d, n, ctx, b.span);
            }
        }
        let (l, r) = (self.expr(a, ctx)?, self.expr(b, ctx)?);
        let sym = match op {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        };
        Ok(format!("({l} {sym} {r})"))
    }

    /// Parameter `i`'s value at the as-of date.
    fn param_value(&self, i: usize) -> Option<&Value> {
        Some(&self.program.ir().params.get(i)?.value_on(self.as_of)?.value)
    }

    /// The number a constant or a parameter has at the as-of date.
    fn number_of(&self, e: &TExpr) -> Option<Decimal> {
        match &e.kind {
            TKind::Const(Value::Number(n)) => Some(*n),
            TKind::Param(i) => match self.param_value(*i)? {
                Value::Number(n) => Some(*n),
                _ => None,
            },
            _ => None,
        }
    }

    /// `age(d) op n`: ages are whole years, so `age >= n` is `age >= ceil(n)`, and `age >= k` is
    /// "born on or before the as-of date k years back" (`add_years` clamps 29 February to the 28th,
    /// which is Entitle's birthday rule). A birthdate after the as-of date is unknown (an error in
    /// Entitle).
    fn age_bound(&mut self, op: CmpOp, d: &TExpr, n: Decimal, ctx: Ctx, span: Span) -> T {
        let d = self.expr(d, ctx)?;
        let ceil = crate::eval::ops::ceil(n);
        let floor = crate::eval::ops::floor(n);
        let whole = n.fract().is_zero();
        // age >= k  <=>  d <= bound(k)
        let at_least = |this: &mut Self, k: Decimal, want: bool| -> T {
            if k <= Decimal::ZERO {
                return Ok(if want { "TRUE".into() } else { "FALSE".into() });
            }
            let bound = crate::eval::ops::add_years(this.as_of, -k).map_err(|_| ())?;
            let b = this.param(Value::Date(bound));
            Ok(if want {
                format!("({d} <= {b})")
            } else {
                format!("({d} > {b})")
            })
        };
        let body = match op {
            CmpOp::Ge => at_least(self, ceil, true)?,
            CmpOp::Gt => at_least(self, floor + Decimal::ONE, true)?,
            CmpOp::Lt => at_least(self, ceil, false)?,
            CmpOp::Le => at_least(self, floor + Decimal::ONE, false)?,
            CmpOp::Eq | CmpOp::Ne if !whole => {
                if op == CmpOp::Eq {
                    "FALSE".into()
                } else {
                    "TRUE".into()
                }
            }
            CmpOp::Eq | CmpOp::Ne => {
                let lo = at_least(self, n, true)?;
                let hi = at_least(self, n + Decimal::ONE, false)?;
                if op == CmpOp::Eq {
                    format!("({lo} AND {hi})")
                } else {
                    format!("(NOT ({lo} AND {hi}))")
                }
            }
        };
        let _ = span;
        let a = self.param(Value::Date(self.as_of));
        // An unknown date is an unknown age even where the bound makes the comparison constant
        // (`age(d) >= 0`): `NULL > a` alone would fall through to the constant.
        Ok(format!(
            "(CASE WHEN {d} IS NULL OR {d} > {a} THEN NULL ELSE {body} END)"
        ))
    }
}
