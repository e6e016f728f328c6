//! The checked program: names resolved to slots, every expression typed.
//!
//! This is what [`crate::check`] produces and what `entitle-core` compiles into its evaluation plan.
//! Nothing here refers back to names at evaluation time: inputs, parameters and `let`s are indices.

use crate::ast::{Scope, Target};
use crate::currency::Currency;
use std::collections::BTreeMap;

mod decl;
mod expr;
mod rules;
mod testing;
pub use decl::{
    CodeList, CodeListEntry, HostFunction, Input, Let, Param, ParamValue, RecordSet, Ref, Score,
    ScoreComponent,
};
pub use expr::{Aggregate, ArithOp, Builtin, CmpOp, MemberField, TExpr, TKind, MISSING_FACTS};
pub use rules::{Entitlement, Fee, GroupCap, Item, Rule};
pub use testing::{Expectation, Test, TestMember};

/// A checked program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The program identifier.
    pub id: String,
    /// The human title.
    pub title: Option<String>,
    /// The program version.
    pub version: Option<String>,
    /// Households or individuals.
    pub target: Target,
    /// The program's currency (needed as soon as it uses money).
    pub currency: Option<Currency>,
    /// Declared inputs, in declaration order. [`Input::slot`] numbers them within their scope.
    pub inputs: Vec<Input>,
    /// Parameters, in declaration order.
    pub params: Vec<Param>,
    /// `let`s, in an order where each comes after everything it uses.
    pub lets: Vec<Let>,
    /// Eligibility rules, in written order.
    pub rules: Vec<Rule>,
    /// The entitlement section.
    pub entitlement: Entitlement,
    /// Record collections (`records`), in declaration order.
    pub records: Vec<RecordSet>,
    /// Scores (`score`), in declaration order.
    pub scores: Vec<Score>,
    /// Code lists (`codes`), in declaration order.
    pub codes: Vec<CodeList>,
    /// Values the host computes before evaluation (`functions`), in declaration order.
    pub functions: Vec<HostFunction>,
    /// Translated sentences: locale → identifier → text (`title` for the program title).
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
    /// The program's own tests.
    pub tests: Vec<Test>,
    /// What the program declares about runs over a population: compliance conditions,
    /// deduplication, selection and cycles (empty when it declares none).
    pub run: crate::run::RunModel,
}

impl Program {
    /// The inputs of one scope, in slot order.
    pub fn inputs_of(&self, scope: Scope) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(move |i| i.scope == scope)
    }

    /// The scope of unit-level inputs for this program's target.
    pub fn unit_scope(&self) -> Scope {
        match self.target {
            Target::Household => Scope::Household,
            Target::Individual => Scope::Person,
        }
    }
}
