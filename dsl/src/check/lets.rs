//! `let` definitions: their names, the circles between them, and their types in dependency order.

use super::{Checker, Ctx, Def, LetInfo};
use crate::ast::{self, ExprKind, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::types::Type;
use std::collections::{HashMap, HashSet};

impl Checker {
    /// Checks every `let`: names, circles, then types in dependency order.
    pub(crate) fn check_lets(&mut self, decls: &[&ast::LetDecl]) -> Vec<ir::Let> {
        // 1. Names.
        let mut ok = vec![false; decls.len()];
        let mut unit_slot = 0;
        let mut member_slot = 0;
        for (i, d) in decls.iter().enumerate() {
            if d.per_member && self.target == Target::Individual {
                self.diags.push(
                    Diagnostic::new(codes::NO_MEMBERS_FOR_INDIVIDUALS, d.name.span)
                        .arg("name", "let member."),
                );
                continue;
            }
            let slot = if d.per_member { member_slot } else { unit_slot };
            let index = self.lets.len();
            if self.define(&d.name, Def::Let(index), d.per_member) {
                self.lets.push(LetInfo {
                    name: d.name.name.clone(),
                    per_member: d.per_member,
                    ty: Type::Error,
                    span: d.span,
                    slot,
                });
                self.used_lets.push(false);
                if d.per_member {
                    member_slot += 1;
                } else {
                    unit_slot += 1;
                }
                if let Some(o) = ok.get_mut(i) {
                    *o = true;
                }
            }
        }
        // Map decl index -> let index.
        let mut let_of_decl = Vec::with_capacity(decls.len());
        let mut next = 0;
        for o in &ok {
            if *o {
                let_of_decl.push(Some(next));
                next += 1;
            } else {
                let_of_decl.push(None);
            }
        }
        // 2. Dependencies between lets, by the names each definition mentions.
        let n = self.lets.len();
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (di, d) in decls.iter().enumerate() {
            let Some(Some(li)) = let_of_decl.get(di) else {
                continue;
            };
            let mut names = HashSet::new();
            collect_names(&d.expr, &mut names);
            let mut ds: Vec<usize> = names
                .iter()
                .filter_map(|name| {
                    self.member_names
                        .get(name.as_str())
                        .or_else(|| self.unit_names.get(name.as_str()))
                        .and_then(|def| match def {
                            Def::Let(j) => Some(*j),
                            _ => None,
                        })
                })
                .collect();
            crate::sorting::sort(&mut ds);
            ds.dedup();
            if let Some(slot) = deps.get_mut(*li) {
                *slot = ds;
            }
        }
        // 3. Order (Kahn's algorithm, iterative so a long chain of lets cannot overflow the stack).
        let mut indegree = vec![0usize; n];
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, ds) in deps.iter().enumerate() {
            for &j in ds {
                if let Some(d) = indegree.get_mut(i) {
                    *d += 1;
                }
                if let Some(u) = users.get_mut(j) {
                    u.push(i);
                }
            }
        }
        let mut ready: std::collections::VecDeque<usize> =
            (0..n).filter(|i| indegree.get(*i) == Some(&0)).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = ready.pop_front() {
            order.push(i);
            for &u in users.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(d) = indegree.get_mut(u) {
                    *d -= 1;
                    if *d == 0 {
                        ready.push_back(u);
                    }
                }
            }
        }
        // What is left is the circles and the lets that use one. Each circle is reported with its
        // own members; a let that only uses a circle is not (the circle's error is the one to
        // fix). All are still checked, after the others, so that the names they read count as
        // used.
        let mut placed = vec![false; n];
        for &i in &order {
            if let Some(p) = placed.get_mut(i) {
                *p = true;
            }
        }
        let rest: Vec<usize> = (0..n).filter(|i| placed.get(*i) == Some(&false)).collect();
        for circle in circles(&deps, &rest) {
            let path = circle
                .iter()
                .filter_map(|i| self.lets.get(*i))
                .map(|l| format!("`{}`", l.name))
                .collect::<Vec<_>>()
                .join(", ");
            for &i in &circle {
                if let Some(l) = self.lets.get(i) {
                    let (name, span) = (l.name.clone(), l.span);
                    self.diags.push(
                        Diagnostic::new(codes::CIRCULAR_LET, span)
                            .arg("name", name)
                            .arg("path", &path)
                            .with_help("E0108.help"),
                    );
                }
            }
        }
        order.extend(rest);
        // Expressions refer to a let by its position in evaluation order.
        self.let_pos = vec![usize::MAX; n];
        for (pos, &li) in order.iter().enumerate() {
            if let Some(p) = self.let_pos.get_mut(li) {
                *p = pos;
            }
        }
        // 4. Types, in order.
        let decl_of_let: HashMap<usize, usize> = let_of_decl
            .iter()
            .enumerate()
            .filter_map(|(di, li)| li.map(|l| (l, di)))
            .collect();
        let mut out: Vec<ir::Let> = Vec::with_capacity(n);
        for &li in &order {
            let Some(d) = decl_of_let.get(&li).and_then(|di| decls.get(*di)) else {
                continue;
            };
            let ctx = Ctx {
                member: d.per_member,
                ..Ctx::default()
            };
            let refs_before = std::mem::take(&mut self.refs);
            let expr = self.expr(&d.expr, ctx);
            self.refs = refs_before;
            if let Some(info) = self.lets.get_mut(li) {
                info.ty = expr.ty.clone();
            }
            let info = self.lets.get(li);
            out.push(ir::Let {
                name: d.name.name.clone(),
                sentence: d.sentence.as_ref().map(|s| s.value.clone()),
                per_member: d.per_member,
                slot: info.map(|i| i.slot).unwrap_or(0),
                expr,
                span: d.span,
            });
        }
        out
    }
}

/// Every bare name an expression mentions (for let dependencies).
pub(crate) fn collect_names(e: &ast::Expr, out: &mut HashSet<String>) {
    match &e.kind {
        ExprKind::Name(id) => {
            out.insert(id.name.clone());
        }
        ExprKind::Field { base, field } => {
            if base.name == "member" {
                out.insert(field.name.clone());
            } else {
                // A score component (`pmt.roof`) is a let of that name.
                out.insert(format!("{}.{}", base.name, field.name));
            }
        }
        ExprKind::Records { filter, .. } => collect_names(filter, out),
        ExprKind::Table(entries) => entries.iter().for_each(|(k, v)| {
            collect_names(k, out);
            collect_names(v, out);
        }),
        ExprKind::List(items) => items.iter().for_each(|x| collect_names(x, out)),
        ExprKind::Members(Some(f)) => collect_names(f, out),
        ExprKind::Unary(_, x) => collect_names(x, out),
        ExprKind::Binary(_, a, b) => {
            collect_names(a, out);
            collect_names(b, out);
        }
        ExprKind::In { value, list, .. } => {
            collect_names(value, out);
            collect_names(list, out);
        }
        ExprKind::If(c, a, b) => {
            collect_names(c, out);
            collect_names(a, out);
            collect_names(b, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|x| collect_names(x, out)),
        _ => {}
    }
}

/// The circles among `rest`, the lets that Kahn's algorithm could not order: the strongly
/// connected components of two or more lets, or of one let that reads itself, each in declaration
/// order, in the order of their first let (Kosaraju's algorithm, iterative so that a long chain
/// cannot overflow the stack).
fn circles(deps: &[Vec<usize>], rest: &[usize]) -> Vec<Vec<usize>> {
    let n = deps.len();
    let mut inside = vec![false; n];
    for &i in rest {
        if let Some(x) = inside.get_mut(i) {
            *x = true;
        }
    }
    let is_inside = |i: usize| inside.get(i).copied().unwrap_or(false);
    let edges = |i: usize| -> Vec<usize> {
        deps.get(i)
            .map(|ds| ds.iter().copied().filter(|&j| is_inside(j)).collect())
            .unwrap_or_default()
    };
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in rest {
        for j in edges(i) {
            if let Some(r) = reverse.get_mut(j) {
                r.push(i);
            }
        }
    }
    // 1. Finishing order of a depth-first search over the uses.
    let mut seen = vec![false; n];
    let mut finished = Vec::with_capacity(rest.len());
    for &start in rest {
        if seen.get(start) != Some(&false) {
            continue;
        }
        if let Some(x) = seen.get_mut(start) {
            *x = true;
        }
        let mut stack = vec![(start, edges(start), 0usize)];
        while let Some((node, next, at)) = stack.last_mut() {
            match next.get(*at).copied() {
                Some(j) => {
                    *at += 1;
                    if seen.get(j) == Some(&false) {
                        if let Some(x) = seen.get_mut(j) {
                            *x = true;
                        }
                        let e = edges(j);
                        stack.push((j, e, 0));
                    }
                }
                None => {
                    finished.push(*node);
                    stack.pop();
                }
            }
        }
    }
    // 2. Components, over the reversed uses, latest finished first.
    let mut component = vec![usize::MAX; n];
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &start in finished.iter().rev() {
        if component.get(start) != Some(&usize::MAX) {
            continue;
        }
        let id = out.len();
        let mut members = Vec::new();
        let mut stack = vec![start];
        if let Some(c) = component.get_mut(start) {
            *c = id;
        }
        while let Some(node) = stack.pop() {
            members.push(node);
            for &u in reverse.get(node).map(Vec::as_slice).unwrap_or(&[]) {
                if component.get(u) == Some(&usize::MAX) {
                    if let Some(c) = component.get_mut(u) {
                        *c = id;
                    }
                    stack.push(u);
                }
            }
        }
        crate::sorting::sort(&mut members);
        out.push(members);
    }
    out.retain(|c| match c.as_slice() {
        [one] => deps.get(*one).is_some_and(|ds| ds.contains(one)),
        _ => true,
    });
    crate::sorting::sort_by_key(&mut out, |c| c.first().copied());
    out
}
