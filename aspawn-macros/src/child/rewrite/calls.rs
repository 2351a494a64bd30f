//! Calls: `Ctx` methods, pure methods, nested spawns and calls of child functions.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, RangeLimits};

use super::{
    BY_REF_METHODS, INT_FROM_BYTES, Prelude, RUNTIME_TYPES, Rewriter, gen_span, prelude_item,
    unparen,
};
use crate::child::check::{CAST_TARGETS, CTX_METHODS, IN_CHILD, PURE_METHODS, method_message};

impl Rewriter<'_> {
    pub(super) fn method_call(&mut self, expr: &mut Expr) {
        let Expr::MethodCall(m) = expr else { return };
        let name = m.method.to_string();
        if name == "spawn" && m.turbofish.is_none() {
            self.nested_spawn(expr);
            return;
        }
        if name == "get_mut" {
            // The array is borrowed `&mut`: a local (or `*r`, `x.0`), like any other `&mut`.
            self.place(&mut m.receiver);
        } else {
            self.expr(&mut m.receiver);
        }
        // `x.get(a..b)`, `x.get(..b)`, `x.get(a..)`: a range is allowed here, as the argument.
        let range = match (name.as_str(), m.args.len(), m.args.first_mut()) {
            ("get", 1, Some(Expr::Range(r))) => {
                if matches!(r.limits, RangeLimits::Closed(_)) {
                    let r = r.clone();
                    self.reject(
                        &r,
                        format!("`get(a..=b)` is not allowed {IN_CHILD}: write `get(a..b + 1)`"),
                    );
                    return;
                }
                if let Some(start) = &mut r.start {
                    self.expr(start);
                }
                if let Some(end) = &mut r.end {
                    self.expr(end);
                }
                Some((r.start.clone(), r.end.clone()))
            }
            _ => {
                m.args.iter_mut().for_each(|a| self.expr(a));
                None
            }
        };
        if let Some(t) = &m.turbofish {
            let t = t.clone();
            self.reject(
                &t,
                format!("generic arguments are not allowed {IN_CHILD}: child code is not generic"),
            );
            return;
        }
        let method = &m.method;
        let recv = unparen(&m.receiver);
        let args = m.args.iter();
        let sp = gen_span(method.span());
        // The receiver as written: a receiver that is not a postfix expression has its
        // parentheses (`(x as u8).len()`), so `&(x as u8)` keeps its meaning.
        let written = &m.receiver;
        let tokens = if let Some((start, end)) = range {
            let kit = self.kit(sp);
            let start = start.map_or_else(|| quote_spanned!(sp=> 0), |s| quote!(#s));
            match end {
                Some(end) => quote_spanned!(sp=> #kit::get_range(&#written, #start, #end)),
                None => quote_spanned!(sp=> #kit::get_from(&#written, #start)),
            }
        } else if BY_REF_METHODS.contains(&name.as_str()) {
            let kit = self.kit(sp);
            quote_spanned!(sp=> #kit::#method(&#written #(, #args)*))
        } else if name == "get_mut" {
            let kit = self.kit(sp);
            // `buf: &mut [u8; N]` (a parameter) is reborrowed, so it need not be `mut`; an
            // array local is borrowed.
            let mut_ref_param = matches!(recv, Expr::Path(p) if p.path.get_ident().is_some_and(|i| self.local(i) == Some(true)));
            if mut_ref_param {
                quote_spanned!(sp=> #kit::#method(&mut *#written #(, #args)*))
            } else {
                quote_spanned!(sp=> #kit::#method(&mut #written #(, #args)*))
            }
        } else if CTX_METHODS.contains(&name.as_str()) {
            let ctx = self.ctx(sp);
            quote_spanned!(sp=> #ctx::#method(#recv #(, #args)*))
        } else if PURE_METHODS.contains(&name.as_str()) {
            self.uses_context |= name == "context";
            let kit = self.kit(sp);
            quote_spanned!(sp=> #kit::#method(#recv #(, #args)*))
        } else {
            let method = method.clone();
            self.reject(&method, method_message(&name));
            return;
        };
        *expr = Expr::Verbatim(tokens);
    }

    /// `cx.spawn(f, (a, b))` → `<…Ctx>::spawn::<f>(cx, (a, b,))`: a grandchild running the
    /// `#[aspawn::child]` function `f` (a `ChildFn`, so approved) on this child's stack, with
    /// child values as its arguments. `f` counts as a callee for `Approved::DEPTH`: its frames
    /// sit on the same stack.
    pub(super) fn nested_spawn(&mut self, expr: &mut Expr) {
        let Expr::MethodCall(m) = expr else { return };
        self.expr(&mut m.receiver);
        if m.args.len() == 1
            && let Expr::Closure(c) = unparen(&m.args[0])
        {
            let c = c.clone();
            let recv = unparen(&m.receiver).clone();
            let sp = gen_span(m.method.span());
            *expr = Expr::Verbatim(self.nested_closure(&recv, &c, sp));
            return;
        }
        let usage = format!(
            "`cx.spawn` {IN_CHILD} takes an `#[aspawn::child]` function by name and its arguments \
             in parentheses: `cx.spawn(helper, (a, b))`, `cx.spawn(helper, (x))`, \
             `cx.spawn(helper, ())`"
        );
        let mut args = m.args.iter_mut();
        let (Some(func), Some(tuple), None) = (args.next(), args.next(), args.next()) else {
            let method = m.method.clone();
            self.reject(&method, usage);
            return;
        };
        let path = match unparen(func) {
            Expr::Path(p)
                if p.qself.is_none()
                    && p.path.segments.iter().all(|s| s.arguments.is_none())
                    && !p.path.get_ident().is_some_and(|i| self.is_local(i)) =>
            {
                p.path.clone()
            }
            other => {
                let other = other.clone();
                self.reject(&other, usage);
                return;
            }
        };
        if !self.check_path_root(&path) {
            return;
        }
        // The arguments as a tuple (`F::Args`): `(x)` is one argument, as in `spawn!`.
        let elems: Vec<&mut Expr> = match tuple {
            Expr::Tuple(t) => t.elems.iter_mut().collect(),
            Expr::Paren(p) => vec![&mut *p.expr],
            other => {
                let other = other.clone();
                self.reject(&other, usage);
                return;
            }
        };
        let mut walked = Vec::new();
        for e in elems {
            self.expr(e);
            walked.push(e.clone());
        }
        self.callees.push(path.clone());
        let recv = unparen(&m.receiver);
        let method = &m.method;
        let sp = gen_span(method.span());
        // `Spawnable` only maps the name to its `ChildFn`; `Ctx::spawn` takes real ones only.
        let ctx = self.ctx(sp);
        *expr = Expr::Verbatim(quote_spanned! {sp=>
            #ctx::#method::<<#path as ::aspawn::__private::ops::Spawnable>::Fn>(
                #recv,
                (#(#walked,)*),
            )
        });
    }

    /// `cx.spawn(move |cx| body)` → a grandchild running the child closure: its captures are
    /// values of this body (locals, parameters, or this closure's own captures), passed as the
    /// grandchild's arguments (already child values, in this child's stack: nothing to place);
    /// the closure is checked like any child closure (see `closure.rs`), and its depth counts in
    /// this body's `DEPTH`, with the arithmetic through this body's anchor.
    pub(super) fn nested_closure(
        &mut self,
        recv: &Expr,
        closure: &syn::ExprClosure,
        sp: Span,
    ) -> TokenStream {
        let checked = crate::closure::check(closure, crate::closure::Site::Nested, self.errors);
        let kit = self.kit(sp);
        let deepest = checked
            .callees
            .iter()
            .map(|c| quote!(<#c as ::aspawn::__private::Approved>::DEPTH))
            .chain(checked.nested.iter().cloned())
            .fold(quote!(0), |acc, d| quote!(#kit::deeper(#d, #acc)));
        self.nested_depths.push(quote!((1 + #deepest)));
        // Each capture's value as this body sees it.
        let args: Vec<Expr> = checked
            .captures
            .iter()
            .map(|c| {
                let mut e: Expr = Expr::Path(syn::ExprPath {
                    attrs: Vec::new(),
                    qself: None,
                    path: c.ident.clone().into(),
                });
                self.expr(&mut e);
                e
            })
            .collect();
        let crate::closure::Checked { witness, items, closure, .. } = checked;
        quote_spanned! {sp=>
            {
                #items
                #kit::nested_closure::<#witness, _, _, _>(#recv, (#(#args,)*), #closure)
            }
        }
    }

    pub(super) fn call(&mut self, expr: &mut Expr) {
        let Expr::Call(c) = expr else { return };
        // `CStrRef::from_static(c"…")` is what a `c"…"` literal becomes: keep it as written.
        let from_static_lit = matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from_static"))
            && c.args.len() == 1
            && matches!(&c.args[0], Expr::Lit(ExprLit { lit: Lit::CStr(_), .. }));
        if !from_static_lit {
            c.args.iter_mut().for_each(|a| self.expr(a));
        }
        let func = match &*c.func {
            Expr::Path(p) => p.clone(),
            other => {
                let other = other.clone();
                self.reject(
                    &other,
                    format!(
                        "a call through a value (a local, a closure, a function pointer) is not \
                         allowed {IN_CHILD}: call `Ctx` methods and `#[aspawn::child]` functions \
                         by name"
                    ),
                );
                return;
            }
        };
        if func.qself.is_some() {
            self.reject(
                &func,
                format!("a qualified path (`<T as Trait>::f`) is not allowed {IN_CHILD}: it calls trait code"),
            );
            return;
        }
        let path = &func.path;
        if let Some(ident) = path.get_ident()
            && self.is_local(ident)
        {
            let ident = ident.clone();
            self.reject(
                &ident,
                format!(
                    "`{ident}` is a local variable: a call through a value is not allowed \
                         {IN_CHILD}. Call `#[aspawn::child]` functions by name"
                ),
            );
            return;
        }
        if !self.check_path_generics(path) {
            return;
        }
        let args = c.args.iter();
        let sp = gen_span(path.span());
        if let Some(ctor) = prelude_item(path) {
            if ctor == Prelude::None {
                self.reject(path, "`None` takes no arguments".to_string());
                return;
            }
            // At the user's tokens, like the path (see `prelude_expr`).
            let abs = self.prelude_expr(ctor, path);
            let sp = c.paren_token.span.join();
            *expr = Expr::Verbatim(quote_spanned!(sp=> #abs(#(#args),*)));
            return;
        }
        if let Some(abs) = self.runtime_fn(path) {
            // The call goes to the absolute path; the path as written is only named (never
            // called, at compile time) so that the user's `use aspawn::Failure` counts as used.
            *expr = Expr::Verbatim(quote_spanned! {sp=>
                {
                    const _: () = { let _ = #path; };
                    #abs(#(#args),*)
                }
            });
            return;
        }
        if !self.check_path_root(path) {
            return;
        }
        let first = &path.segments[0].ident;
        // `u32::from_be_bytes(b)` (and `_le_`, `_ne_`): `K::from_be_bytes::<u32>(b)`, bounded
        // by the sealed integer trait (so a user type named `u32` is refused).
        if let [ty, func] = path.segments.iter().map(|s| &s.ident).collect::<Vec<_>>()[..]
            && CAST_TARGETS.iter().any(|t| ty == t && *t != "char")
            && INT_FROM_BYTES.iter().any(|f| func == f)
        {
            let kit = self.kit(sp);
            let (ty, func) = (ty.clone(), func.clone());
            *expr = Expr::Verbatim(quote_spanned!(sp=> #kit::#func::<#ty>(#(#args),*)));
            return;
        }
        if path.segments.len() > 1 && CAST_TARGETS.iter().any(|t| first == t) {
            let last = &path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            self.reject(
                path,
                format!(
                    "`{}::{last}` is not allowed {IN_CHILD}: call allowed integer methods as \
                     methods (`x.checked_add(y)`), and write constants as `{}::MAX`",
                    first, first
                ),
            );
            return;
        }
        if first == "self" && path.segments.len() == 1 || first == "Self" {
            self.reject(path, format!("`{first}` is not allowed {IN_CHILD}"));
            return;
        }
        // The runtime's and std's types: their other associated functions are not child
        // calls. A path the checks below let through becomes `<A::f as Approved>`, a type
        // path, which names a function's struct in a module `A` and is an error for an
        // associated function or a trait method (rustc's E0223 or E0782).
        if let Some(owner) = path.segments.iter().rev().nth(1)
            && RUNTIME_TYPES.iter().any(|t| owner.ident == t)
        {
            let owner = owner.ident.clone();
            self.reject(
                path,
                format!(
                    "`{owner}::…` is an associated function or a trait method, which is not \
                         allowed {IN_CHILD}: only `Ctx::…`, `Failure::new`, `Fd::from_raw` and \
                         `#[aspawn::child]` functions (by name or module path) can be called"
                ),
            );
            return;
        }
        // `Upper::f(…)` reads as an associated function or a trait method; a module named
        // upper-case is written from `self::`, `crate::` or `super::`, and the type system
        // then refuses anything that is not a child function's struct.
        let from_module = matches!(first.to_string().as_str(), "self" | "crate" | "super");
        if let Some(owner) = path.segments.iter().rev().nth(1)
            && owner.ident.to_string().starts_with(|c: char| c.is_ascii_uppercase())
            && !from_module
        {
            let owner = owner.ident.clone();
            let written =
                path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
            self.reject(
                path,
                format!(
                    "`{owner}::…` is an associated function or a trait method, which is not \
                         allowed {IN_CHILD}: only `Ctx::…`, `Failure::new`, `Fd::from_raw` and \
                         `#[aspawn::child]` functions (by name or module path) can be called. If \
                         `{owner}` is a module, write the path from `self::`, `crate::` or \
                         `super::`: `self::{written}(…)`"
                ),
            );
            return;
        }
        let last = &path.segments.last().expect("a path has a segment").ident;
        let is_own = path.segments.len() == 1 || (path.segments.len() == 2 && first == "self");
        if is_own && *last == self.fn_name {
            self.reject(
                path,
                format!(
                    "direct recursion is not allowed {IN_CHILD}: the child's stack is small and \
                     its depth must be bounded. Write a loop"
                ),
            );
            return;
        }
        self.callees.push(path.clone());
        let sp_call = gen_span(c.paren_token.span.join());
        // The same type-position path as `DEPTH` in `expand.rs`, so that a callee that is not
        // approved is one error, not two. `::aspawn::__private::Approved` is the path this
        // function's own approval names, so it is the real trait whenever this function runs.
        *expr = Expr::Verbatim(quote_spanned! {sp_call=>
            (<#path as ::aspawn::__private::Approved>::CALL)(#(#args),*)
        });
    }
}
