//! Aggregates over members or record collections: `count`, `sum`, `avg`, `min`, `max`, `any`,
//! `all`, `latest` and `earliest`, with their filters and the context their values are typed in.

use super::exprs::{err, texpr};
use super::{Checker, Ctx};
use crate::ast::{self, Expr, ExprKind, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{Aggregate, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;

impl Checker {
    pub(super) fn aggregate(
        &mut self,
        func: Aggregate,
        name: &ast::Ident,
        args: &[Expr],
        span: Span,
        ctx: Ctx,
    ) -> TExpr {
        let set = args.first().and_then(|a| self.record_set_of(a));
        if set.is_none() && self.target == Target::Individual {
            self.diags.push(
                Diagnostic::new(codes::NO_MEMBERS_FOR_INDIVIDUALS, name.span)
                    .arg("name", &name.name),
            );
            return err(span);
        }
        if ctx.member || ctx.records.is_some() || self.in_aggregate {
            self.diags
                .push(Diagnostic::new(codes::NESTED_MEMBER_AGGREGATE, span));
            return err(span);
        }
        let (expected, ok) = match func {
            Aggregate::Count => ("1", args.len() == 1),
            Aggregate::Any => ("1 or 2", args.len() == 1 || args.len() == 2),
            Aggregate::Latest | Aggregate::Earliest => ("3", args.len() == 3),
            _ => ("2", args.len() == 2),
        };
        if !self.arity(name, args, expected, ok) {
            return err(span);
        }
        let filter: Option<&Expr> = match (args.first().map(|a| &a.kind), set) {
            (Some(ExprKind::Members(filter)), _)
                if !matches!(func, Aggregate::Latest | Aggregate::Earliest) =>
            {
                filter.as_deref()
            }
            (Some(ExprKind::Records { filter, .. }), Some(_)) => Some(filter),
            (Some(ExprKind::Name(_)), Some(_)) => None,
            _ => {
                let found = match args.first() {
                    Some(a) if matches!(a.kind, ExprKind::Members(_)) => Type::Members,
                    Some(a) => self.expr(a, ctx).ty,
                    None => Type::Error,
                };
                let what = if matches!(func, Aggregate::Latest | Aggregate::Earliest) {
                    "a record collection (`visits` or `visits where …`)"
                } else {
                    "`members`, `members where …`, or a record collection"
                };
                self.arg_type(
                    &name.name,
                    1,
                    args.first().map(|a| a.span).unwrap_or(span),
                    what,
                    &found,
                );
                return err(span);
            }
        };
        self.in_aggregate = true;
        let inner = match set {
            Some(_) => Ctx {
                member: false,
                fee: ctx.fee,
                records: set,
            },
            None => Ctx {
                member: true,
                fee: ctx.fee,
                records: None,
            },
        };
        let filter = filter.map(|f| Box::new(self.condition(f, inner)));
        let value = args.get(1).map(|v| {
            if matches!(func, Aggregate::Any | Aggregate::All) {
                self.condition(v, inner)
            } else {
                self.expr(v, inner)
            }
        });
        let by = args.get(2).map(|b| self.expr(b, inner));
        self.in_aggregate = false;
        let value_ty = value.as_ref().map(|v| v.ty.clone()).unwrap_or(Type::Error);
        let value_span = args.get(1).map(|a| a.span).unwrap_or(span);
        let ty = match func {
            Aggregate::Count => Type::Number,
            Aggregate::Any | Aggregate::All => Type::Bool,
            Aggregate::Sum | Aggregate::Avg => {
                if !value_ty.is_error() && !value_ty.is_numeric() {
                    self.arg_type(
                        &name.name,
                        2,
                        value_span,
                        "a number, amount or quantity",
                        &value_ty,
                    );
                    Type::Error
                } else {
                    value_ty
                }
            }
            Aggregate::Min | Aggregate::Max => {
                if !value_ty.is_error() && !value_ty.is_numeric() && value_ty != Type::Date {
                    self.arg_type(
                        &name.name,
                        2,
                        value_span,
                        "a number, amount, quantity or date",
                        &value_ty,
                    );
                    Type::Error
                } else {
                    value_ty
                }
            }
            Aggregate::Latest | Aggregate::Earliest => {
                let by_ty = by.as_ref().map(|b| b.ty.clone()).unwrap_or(Type::Error);
                if !by_ty.is_error() && !by_ty.is_numeric() && by_ty != Type::Date {
                    self.arg_type(
                        &name.name,
                        3,
                        args.get(2).map(|a| a.span).unwrap_or(span),
                        "a date, number, amount or quantity",
                        &by_ty,
                    );
                }
                value_ty
            }
        };
        let kind = match set {
            Some(set) => TKind::RecordAggregate {
                set,
                func,
                filter,
                value: value.map(Box::new),
                by: by.map(Box::new),
            },
            None => TKind::Aggregate {
                func,
                filter,
                value: value.map(Box::new),
            },
        };
        texpr(kind, ty, span)
    }
}
