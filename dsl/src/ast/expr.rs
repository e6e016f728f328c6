//! Expressions as written, and their unary and binary operators.

use super::Ident;
use crate::span::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `mod`
    Mod,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "mod",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
        }
    }

    /// True for comparisons.
    pub fn is_comparison(self) -> bool {
        self.precedence() == 4
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `12`, `12.50`.
    Number(Decimal),
    /// `5%` (the value written, before dividing by 100).
    Percent(Decimal),
    /// `KES 1500`.
    Money {
        /// The currency code as written.
        currency: Ident,
        /// The amount.
        amount: Decimal,
    },
    /// `10 kg`.
    Quantity {
        /// The amount.
        amount: Decimal,
        /// The unit of measure.
        unit: Ident,
    },
    /// `2026-01-01`.
    Date(NaiveDate),
    /// `"text"`.
    Text(String),
    /// `true`, `false`.
    Bool(bool),
    /// `unknown`: a missing value (in test data).
    Unknown,
    /// `[a, b]`.
    List(Vec<Expr>),
    /// A bare name.
    Name(Ident),
    /// `household.x`, `member.x`, `person.x`, `head.x`.
    Field {
        /// The qualifier (`household`, `member`, `person`, `head`).
        base: Ident,
        /// The field.
        field: Ident,
    },
    /// `members` or `members where cond`.
    Members(Option<Box<Expr>>),
    /// `visits where cond`: the records of a collection that satisfy a condition.
    Records {
        /// The collection.
        name: Ident,
        /// The condition.
        filter: Box<Expr>,
    },
    /// `["a": 1, "b": 2]`: a table.
    Table(Vec<(Expr, Expr)>),
    /// `-x`, `not x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x in list`, `x not in list`.
    In {
        /// The value looked for.
        value: Box<Expr>,
        /// The list.
        list: Box<Expr>,
        /// True for `not in`.
        negated: bool,
    },
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`.
    Call(Ident, Vec<Expr>),
}
