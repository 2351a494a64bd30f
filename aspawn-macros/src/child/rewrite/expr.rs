//! Expressions: the dispatcher over every expression kind, places and conditions.

use quote::{ToTokens, quote, quote_spanned};
use syn::{BinOp, Expr, UnOp};

use super::{Rewriter, contains_let, expr_attrs, macro_name};
use crate::child::check::{self, CAST_TARGETS, IN_CHILD, macro_message};

impl Rewriter<'_> {
    // ---------------------------------------------------------------------------------------
    // Expressions

    /// Walks and rewrites an expression in value position.
    pub(crate) fn expr(&mut self, expr: &mut Expr) {
        if let Some(attrs) = expr_attrs(expr) {
            check::check_attrs(attrs, self.errors);
        }
        match expr {
            Expr::Array(a) => a.elems.iter_mut().for_each(|e| self.expr(e)),
            Expr::Tuple(t) => t.elems.iter_mut().for_each(|e| self.expr(e)),
            Expr::Paren(p) => self.expr(&mut p.expr),
            Expr::Group(g) => self.expr(&mut g.expr),
            Expr::Block(b) => self.block(&mut b.block),
            Expr::Loop(l) => self.block(&mut l.body),
            Expr::Break(b) => {
                if let Some(e) = &mut b.expr {
                    self.expr(e);
                }
            }
            Expr::Continue(_) => {}
            Expr::Return(r) => {
                if let Some(e) = &mut r.expr {
                    self.expr(e);
                }
            }
            Expr::Assign(a) => {
                self.place(&mut a.left);
                self.expr(&mut a.right);
            }
            Expr::Reference(r) => {
                if r.mutability.is_some() {
                    self.place(&mut r.expr);
                } else {
                    self.expr(&mut r.expr);
                }
            }
            Expr::Repeat(r) => {
                self.expr(&mut r.expr);
                // The length is a constant (a literal, a `const`, a `const fn` call), evaluated
                // by the compiler, never in the child: it is kept as written, like an array
                // length in a type. Only a macro is refused there, as everywhere in the body.
                struct Macros<'r, 'e>(&'r mut Rewriter<'e>);
                impl<'ast> syn::visit::Visit<'ast> for Macros<'_, '_> {
                    fn visit_macro(&mut self, m: &'ast syn::Macro) {
                        let name = macro_name(&m.path);
                        self.0.reject(m, macro_message(&name));
                    }
                }
                syn::visit::Visit::visit_expr(&mut Macros(self), &r.len);
            }
            Expr::Field(f) => match &f.member {
                syn::Member::Unnamed(_) => self.expr(&mut f.base),
                syn::Member::Named(name) => {
                    let name = name.clone();
                    self.reject(
                        &name,
                        format!(
                            "a named field (`.{name}`) is not allowed {IN_CHILD}: child values are \
                             integers, `Fd`, `CStrRef` … and tuples (`.0`), and a field access \
                             could run a user's `Deref`"
                        ),
                    );
                }
            },
            Expr::Cast(c) => {
                self.expr(&mut c.expr);
                let ok = matches!(&*c.ty, syn::Type::Path(p)
                    if p.qself.is_none() && p.path.get_ident().is_some_and(|i| CAST_TARGETS.iter().any(|t| i == t)));
                if !ok {
                    let ty = c.ty.clone();
                    self.reject(
                        &ty,
                        format!(
                            "an `as` cast {IN_CHILD} may only target an integer type or `char`"
                        ),
                    );
                }
            }
            Expr::Lit(lit) => {
                if let Some(new) = self.lit(lit) {
                    *expr = new;
                }
            }
            Expr::Path(p) => {
                if let Some(new) = self.path_expr(p) {
                    *expr = new;
                }
            }
            Expr::Binary(_) => self.binary(expr),
            Expr::Unary(_) => self.unary(expr),
            Expr::Try(_) => self.try_expr(expr),
            Expr::Call(_) => self.call(expr),
            Expr::MethodCall(_) => self.method_call(expr),
            Expr::ForLoop(_) => self.for_loop(expr),
            Expr::If(i) => {
                self.scopes.push(Vec::new());
                self.condition(&mut i.cond);
                self.block(&mut i.then_branch);
                self.scopes.pop();
                if let Some((_, else_branch)) = &mut i.else_branch {
                    self.expr(else_branch);
                }
            }
            Expr::While(w) => {
                self.scopes.push(Vec::new());
                self.condition(&mut w.cond);
                self.block(&mut w.body);
                self.scopes.pop();
            }
            Expr::Match(m) => {
                self.expr(&mut m.expr);
                for arm in &mut m.arms {
                    check::check_attrs(&arm.attrs, self.errors);
                    self.scopes.push(Vec::new());
                    self.pat(&mut arm.pat);
                    if let Some((_, guard)) = &mut arm.guard {
                        self.expr(guard);
                    }
                    self.expr(&mut arm.body);
                    self.scopes.pop();
                }
            }
            Expr::Macro(m) => {
                let name = macro_name(&m.mac.path);
                let mac = m.mac.clone();
                self.reject(&mac, macro_message(&name));
            }
            Expr::Unsafe(u) => {
                let t = u.unsafe_token;
                self.reject(
                    t,
                    format!(
                        "`unsafe` is not allowed {IN_CHILD}: the attribute proves the body safe to \
                         run between clone and exec, which `unsafe` would opt out of"
                    ),
                );
            }
            Expr::Closure(c) => {
                let or1 = c.or1_token;
                let or2 = c.or2_token;
                self.reject(
                    quote!(#or1 #or2),
                    format!(
                        "a closure is not allowed {IN_CHILD}: a child calls only `Ctx` methods and \
                         `#[aspawn::child]` functions, by name. Write a helper `#[aspawn::child] fn`"
                    ),
                );
            }
            Expr::Async(a) => {
                let t = a.async_token;
                self.reject(
                    t,
                    format!("`async` is not allowed {IN_CHILD}: the child has no executor"),
                );
            }
            Expr::Await(a) => {
                let t = a.await_token;
                self.reject(
                    t,
                    format!("`.await` is not allowed {IN_CHILD}: the child has no executor"),
                );
            }
            Expr::Const(c) => {
                let t = c.const_token;
                self.reject(
                    t,
                    format!("a `const` block is not allowed {IN_CHILD}: declare a `const` item outside the function"),
                );
            }
            Expr::TryBlock(t) => {
                let t = t.try_token;
                self.reject(t, format!("a `try` block is not allowed {IN_CHILD}: use `match`"));
            }
            Expr::Yield(y) => {
                let t = y.yield_token;
                self.reject(t, format!("`yield` is not allowed {IN_CHILD}"));
            }
            Expr::Index(i) => {
                let (what, instead) = if matches!(&*i.index, Expr::Range(_)) {
                    ("slicing", "`.get(a..b)` (also `.get(..b)`, `.get(a..)`)")
                } else {
                    ("indexing", "`.get(i)` to read and `.get_mut(i)` to write an element")
                };
                let b = i.bracket_token.span.join();
                self.reject(
                    quote_spanned!(b=> []),
                    format!(
                        "{what} is not allowed {IN_CHILD}: it panics when out of bounds. Use \
                         {instead}, which return an `Option`"
                    ),
                );
            }
            Expr::Range(r) => {
                let r = r.clone();
                self.reject(
                    &r,
                    format!(
                        "a range is not allowed {IN_CHILD} except as `for i in a..b` (a range is \
                         an iterator)"
                    ),
                );
            }
            Expr::Struct(s) => {
                let p = s.path.clone();
                self.reject(
                    &p,
                    format!(
                        "a struct literal is not allowed {IN_CHILD}: only child values (integers, \
                         `Fd`, `CStrRef`, tuples, arrays …) can be made in a child"
                    ),
                );
            }
            Expr::RawAddr(r) => {
                let (a, b) = (r.and_token, r.raw);
                self.reject(
                    quote!(#a #b),
                    format!(
                        "`&raw` is not allowed {IN_CHILD}: there are no raw pointers in a child"
                    ),
                );
            }
            Expr::Let(l) => {
                let t = l.let_token;
                self.reject(
                    t,
                    "a `let` expression is only allowed in an `if` or `while` condition"
                        .to_string(),
                );
            }
            Expr::Infer(i) => {
                let t = i.underscore_token;
                self.reject(t, format!("`_` is only allowed on the left of `=` {IN_CHILD}"));
            }
            other => {
                let other = other.clone();
                self.reject(&other, format!("this expression is not allowed {IN_CHILD}"));
            }
        }
    }

    /// Walks an expression in place position (the left of `=`, `+=`, the operand of `&mut`).
    pub(super) fn place(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let ident = p.path.get_ident().expect("checked just above").clone();
                if !self.is_local(&ident)
                    && let Some(inner) = self.capture(&ident, true)
                {
                    *expr = Expr::Verbatim(inner.to_token_stream());
                } else if !self.is_local(&ident) {
                    // `&mut FOO` (or `FOO += 1`) with `FOO` a `const` or a unit struct makes a
                    // temporary of *its* type, unchecked by `ops::value`: a user `Drop` or
                    // `DerefMut` would run in the child.
                    self.reject(
                        &ident,
                        format!(
                            "`{ident}` is not a local variable: only a local variable can be \
                             assigned or borrowed with `&mut` {IN_CHILD}. `&mut {ident}` would \
                             make a temporary of the item's type, whose `Drop` or `DerefMut` the \
                             attribute cannot check. Copy it into a local first: \
                             `let mut x = {ident};`"
                        ),
                    );
                }
            }
            Expr::Field(f) if matches!(f.member, syn::Member::Unnamed(_)) => {
                self.place(&mut f.base)
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => self.expr(&mut u.expr),
            Expr::Paren(p) => self.place(&mut p.expr),
            Expr::Group(g) => self.place(&mut g.expr),
            // `(a, b) = …` and `[a, b] = …`: destructuring assignments, each element a place.
            Expr::Tuple(t) => t.elems.iter_mut().for_each(|e| self.place(e)),
            Expr::Array(a) => a.elems.iter_mut().for_each(|e| self.place(e)),
            Expr::Infer(_) => {}
            Expr::Index(_) | Expr::Field(_) => self.expr(expr),
            other => {
                let other = other.clone();
                self.reject(
                    &other,
                    format!(
                        "only a local variable, a tuple field (`x.0`) or `*r` can be assigned \
                         {IN_CHILD}"
                    ),
                );
            }
        }
    }

    /// An `if`/`while` condition: `let` patterns (let chains too) bind into the current scope.
    pub(super) fn condition(&mut self, cond: &mut Expr) {
        match cond {
            Expr::Let(l) => {
                self.expr(&mut l.expr);
                self.pat(&mut l.pat);
            }
            Expr::Binary(b) if matches!(b.op, BinOp::And(_)) && contains_let(cond) => {
                let Expr::Binary(b) = cond else { unreachable!() };
                self.condition(&mut b.left);
                self.condition(&mut b.right);
            }
            Expr::Paren(p) => self.condition(&mut p.expr),
            _ => self.expr(cond),
        }
    }
}
