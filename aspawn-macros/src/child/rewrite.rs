//! The walk over a child body: every construct is either rejected (with the message from
//! `check.rs`) or rewritten so that rustc's type checker enforces the rest (docs/SOUNDNESS.md item 10).
//!
//! The walk is default-deny: an expression, statement or pattern kind not handled here explicitly
//! is rejected. Rewritten nodes become `Expr::Verbatim` after their children were walked, so
//! nothing is walked twice.
//!
//! | written | becomes |
//! |---|---|
//! | `a + b`, `a - b`, `a * b`, `a << b`, `a >> b`, `-a`, `!a`, `a & b`, `a \| b`, `a ^ b` | `K::{add, sub, mul, shl, shr, neg, not, bitand, bitor, bitxor}(a, b)` (wrapping, sealed) |
//! | `a == b`, `!=`, `<`, `<=`, `>`, `>=` | `K::{eq, ne, lt, le, gt, ge}(a, b)` |
//! | `a += b` (and `-= *= <<= >>= &= \|= ^=`) | `K::add_assign(&mut a, b)` … |
//! | `e?` | `match K::branch(e) { Continue(v) => v, Break(r) => return K::from_residual(r) }` (no `From`) |
//! | `for i in a..b { … }` (`a..=b`) | a `while` loop on `K::lt`/`K::succ` |
//! | `cx.NAME(args)` (a `Ctx` method) | `C::NAME(cx, args)` |
//! | `x.NAME(args)` (a pure method) | `K::NAME(x, args)`; `K::len(&x)`, `K::is_empty(&x)`, `K::get(&x, i)` |
//! | `x.get(a..b)`, `x.get(..b)`, `x.get(a..)` | `K::get_range(&x, a, b)`, `K::get_range(&x, 0, b)`, `K::get_from(&x, a)` |
//! | `x.get_mut(i)` | `K::get_mut(&mut x, i)` (`&mut *x` for a `&mut` parameter `x`) |
//! | `u32::from_be_bytes(b)` (`_le_`, `_ne_`) | `K::from_be_bytes::<u32>(b)` |
//! | a name in a pattern, `x` | `x @ _` (a new binding, whatever items are in scope: see `pat`) |
//! | `helper(cx, x)` | `(<helper as ::aspawn::__private::Approved>::CALL)(cx, x)` |
//! | `Some(x)`, `None`, `Ok(x)`, `Err(e)` | `K::Some(x)`, `K::None()` …; in patterns `::core::option::Option::Some(x)` … |
//! | `Failure::new(e, s)`, `Fd::from_raw(n)`, `Ctx::NAME(cx, …)` | `K::new(e, s)`, `K::from_raw(n)`, `C::NAME(cx, …)` |
//! | a path that is not a local (`FOO`, `Fd::STDOUT`, `u32::MAX`) | `K::value(FOO)` (its type must be a child value) |
//! | `c"…"` | `K::from_static(c"…")` |
//!
//! `K` is `<<NAME as ::aspawn::__private::Approved>::Kit>` and `C` is `<<… as Approved>::Ctx>`,
//! with `NAME` the function being checked: every call the body makes goes through the
//! function's own approval impl, which must be the real `Approved` for the function to run in a
//! child, and whose associated types can only be the runtime's `Kit` and `Ctx`. A crate where
//! `::aspawn` or `::core` names something else (`extern crate self as aspawn;`) therefore cannot
//! slip its own `add` or `Some` into a checked body. Patterns keep `::core` paths: a pattern runs
//! no code, and one of the wrong type does not compile.
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{BinOp, Block, Expr, ExprLit, Ident, Lit, Pat, Path, RangeLimits, Stmt, UnOp};

use super::check::{
    self, CAST_TARGETS, CTX_METHODS, IN_CHILD, PURE_METHODS, forbidden_root_message, macro_message,
    method_message,
};
use crate::diag::Errors;

/// Walks and rewrites one child body.
pub(crate) struct Rewriter<'e> {
    errors: &'e mut Errors,
    /// The function's own name: a call to it is direct recursion.
    fn_name: Ident,
    /// Local bindings, innermost scope last. A single-segment path naming one of them is a
    /// local; any other path is an item and must have a child value type. Every pattern name
    /// is a new binding (see `pat`), so this is exact. Each binding records whether it is a
    /// parameter declared `&mut T` (for `get_mut`, which then reborrows it).
    scopes: Vec<Vec<(Ident, bool)>>,
    /// Whether the body calls `.context(…)` (see `expand.rs`: the `ResultExt` probe).
    pub(crate) uses_context: bool,
    /// Whether the body uses `?` (a child closure without a return type then returns
    /// `ChildResult`: a body ending in `cx.exit(…)` would otherwise infer `!`).
    pub(crate) uses_try: bool,
    /// The `#[aspawn::child]` functions the body calls, as written (for `Approved::DEPTH`,
    /// which turns recursion through other functions into a compile-time cycle error).
    pub(crate) callees: Vec<Path>,
    /// For a child closure's body (`Some`): the variables it takes from the enclosing scope,
    /// in the order of their first use. Every single-segment name in value or place position
    /// that is not a local of the body (and not `Some`/`None`/…) is one; each use becomes the
    /// capture's parameter (see [`Capture`]). For a function's body (`None`), such a name is an
    /// item, read through `K::value`.
    pub(crate) captures: Option<Vec<Capture>>,
    /// The depth expressions of the child closures the body spawns with `cx.spawn(move |cx| …)`
    /// (each `1 + …` of its own callees), for `Approved::DEPTH`.
    pub(crate) nested_depths: Vec<TokenStream>,
}

/// A variable a child closure takes from its enclosing scope.
pub(crate) struct Capture {
    /// The name as first written in the body (its span is that use's): the parent-side value.
    pub(crate) ident: Ident,
    /// The closure's parameter that stands for it: `__aspawn_capture_NAME`, with the macro's
    /// hygiene (no name of the user's can refer to it, or be shadowed by it).
    pub(crate) inner: Ident,
    /// Whether the body assigns it or borrows it `&mut` (its parameter is then `mut`).
    pub(crate) mutated: bool,
}

/// The pure methods that take their receiver by reference (`K::len(&x)`): a sequence may be a
/// `&mut [T; N]` parameter, which a by-value call would move.
const BY_REF_METHODS: &[&str] = &["len", "is_empty", "get"];

/// `INT::from_be_bytes` …: the associated functions of the integer types a child may call.
const INT_FROM_BYTES: &[&str] = &["from_be_bytes", "from_le_bytes", "from_ne_bytes"];

/// Types whose associated functions a child may not call (other than the few `runtime_fn`
/// rewrites): the runtime's, and std's that a child may name.
const RUNTIME_TYPES: &[&str] = &[
    "Ctx", "Fd", "CStrRef", "Failure", "Errno", "Argv", "Envp", "Stack", "Spawned", "Command",
    "Option", "Result", "Self", "String", "Vec", "Box", "CStr", "CString",
];

/// The span for generated tokens: located at the user's code (so rustc's errors point there),
/// resolved at the macro's mixed site (so lints see macro code and our locals are hygienic).
fn gen_span(at: Span) -> Span {
    Span::mixed_site().located_at(at)
}

impl<'e> Rewriter<'e> {
    /// A rewriter for the body of `fn_name` (its parameters are bound by [`Self::params`]).
    pub(crate) fn new(errors: &'e mut Errors, fn_name: Ident) -> Self {
        Rewriter {
            errors,
            fn_name,
            scopes: vec![Vec::new()],
            uses_context: false,
            uses_try: false,
            callees: Vec::new(),
            captures: None,
            nested_depths: Vec::new(),
        }
    }

    /// A rewriter for a child closure's body, anchored at the witness type `witness` (see
    /// `closure.rs`): its free names are captures.
    pub(crate) fn for_closure(errors: &'e mut Errors, witness: Ident) -> Self {
        let mut r = Rewriter::new(errors, witness);
        r.captures = Some(Vec::new());
        r
    }

    /// In a closure's body, `ident` (not a local) as a capture: the parameter that stands for
    /// it, spanned at this use. `None` in a function's body.
    fn capture(&mut self, ident: &Ident, mutated: bool) -> Option<Ident> {
        let caps = self.captures.as_mut()?;
        let inner = match caps.iter_mut().find(|c| c.ident == *ident) {
            Some(c) => {
                c.mutated |= mutated;
                c.inner.clone()
            }
            None => {
                let inner = Ident::new(&format!("__aspawn_capture_{ident}"), Span::mixed_site());
                caps.push(Capture { ident: ident.clone(), inner: inner.clone(), mutated });
                inner
            }
        };
        let mut at = inner;
        at.set_span(Span::mixed_site().located_at(ident.span()));
        Some(at)
    }

    /// `<<NAME as ::aspawn::__private::Approved>::ASSOC>`: the runtime's `Kit` or `Ctx`,
    /// reached through this function's own approval impl, so that a crate where `::aspawn` or
    /// `::core` names something else still reaches the real ones (see `Approved` in the runtime).
    /// Spanned entirely at `sp`, so the rewritten expression keeps the user's location.
    fn anchor(&self, assoc: &str, sp: Span) -> TokenStream {
        let name = Ident::new(&self.fn_name.to_string(), sp);
        let assoc = Ident::new(assoc, sp);
        quote_spanned!(sp=> <<#name as ::aspawn::__private::Approved>::#assoc>)
    }

    /// The anchored `Kit`: operators, pure methods, constructors.
    fn kit(&self, sp: Span) -> TokenStream {
        self.anchor("Kit", sp)
    }

    /// The anchored `Ctx`: the syscalls.
    fn ctx(&self, sp: Span) -> TokenStream {
        self.anchor("Ctx", sp)
    }

    /// `Some`, `None`, `Ok`, `Err` in an expression: the runtime's constructors (`None` is
    /// `Kit::None()`), spanned at the path the user wrote with its hygiene (a type-relative
    /// path resolves the same either way), so a type error names the user's expression rather
    /// than the attribute.
    fn prelude_expr(&self, item: Prelude, at: &Path) -> TokenStream {
        let sp = at.span();
        let last = Ident::new(item.name(), sp);
        let kit = self.kit(sp);
        match item {
            Prelude::None => quote_spanned!(sp=> #kit::#last()),
            _ => quote_spanned!(sp=> #kit::#last),
        }
    }

    /// The runtime's associated functions a child may call by path, through the anchors:
    /// `Failure::new`, `Fd::from_raw`, `CStrRef::from_static` and `Ctx::NAME` for the `Ctx`
    /// methods (with or without a leading `aspawn::`).
    fn runtime_fn(&self, path: &Path) -> Option<TokenStream> {
        let mut segs: Vec<&Ident> = path.segments.iter().map(|s| &s.ident).collect();
        if segs.first().is_some_and(|s| *s == "aspawn") {
            segs.remove(0);
        } else if path.leading_colon.is_some() {
            return None;
        }
        let [ty, func] = segs.as_slice() else { return None };
        let sp = gen_span(path.span());
        let owner = match (ty.to_string().as_str(), func.to_string().as_str()) {
            ("Failure", "new") | ("Fd", "from_raw") | ("CStrRef", "from_static") => self.kit(sp),
            ("Ctx", f) if CTX_METHODS.contains(&f) => self.ctx(sp),
            _ => return None,
        };
        Some(quote_spanned!(sp=> #owner::#func))
    }

    /// The innermost binding of `ident`: `Some(is_mut_ref_param)` for a local.
    fn local(&self, ident: &Ident) -> Option<bool> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|b| b.0 == *ident).map(|b| b.1)
    }

    fn is_local(&self, ident: &Ident) -> bool {
        self.local(ident).is_some()
    }

    fn bind(&mut self, ident: &Ident) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((ident.clone(), false));
        }
    }

    fn reject(&mut self, tokens: impl ToTokens, msg: impl std::fmt::Display) {
        self.errors.spanned(tokens, msg);
    }

    // ---------------------------------------------------------------------------------------
    // Blocks and statements

    /// Walks the patterns of the function's parameters (`cx` included), binding their names
    /// in the outermost scope.
    pub(crate) fn params(
        &mut self,
        inputs: &mut syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>,
    ) {
        for input in inputs {
            // Other patterns were reported by `check_signature`.
            if let syn::FnArg::Typed(pt) = input
                && check::is_param_pattern(&pt.pat)
            {
                self.pat(&mut pt.pat);
                let mut_ref = matches!(&*pt.ty, syn::Type::Reference(r) if r.mutability.is_some());
                if let (true, Pat::Ident(p), Some(scope)) =
                    (mut_ref, &*pt.pat, self.scopes.last_mut())
                    && let Some(last) = scope.last_mut()
                    && last.0 == p.ident
                {
                    last.1 = true;
                }
            }
        }
    }

    /// Binds the `cx` pattern of a child closure (`|cx|`, `|_cx|`, `|_|`).
    pub(crate) fn closure_param(&mut self, pat: &mut Pat) {
        self.pat(pat);
    }

    /// Walks a block in a scope of its own.
    pub(crate) fn block(&mut self, block: &mut Block) {
        self.scopes.push(Vec::new());
        for stmt in &mut block.stmts {
            self.stmt(stmt);
        }
        self.scopes.pop();
    }

    fn stmt(&mut self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Local(local) => {
                check::check_attrs(&local.attrs, self.errors);
                if let Some(init) = &mut local.init {
                    self.expr(&mut init.expr);
                    if let Some((_, diverge)) = &mut init.diverge {
                        self.expr(diverge);
                    }
                }
                self.pat(&mut local.pat);
            }
            Stmt::Item(item) => {
                let what = match item {
                    syn::Item::Use(_) => "`use` is not allowed",
                    syn::Item::Fn(_) => "a nested function is not allowed",
                    syn::Item::Macro(_) => "a macro definition is not allowed",
                    syn::Item::Static(_) => "a `static` is not allowed",
                    syn::Item::Const(_) => "a nested `const` is not allowed",
                    _ => "a nested item is not allowed",
                };
                self.reject(
                    &*item,
                    format!(
                        "{what} {IN_CHILD}: move it out of the function (a function the child \
                         calls must itself be an `#[aspawn::child]` function)"
                    ),
                );
            }
            Stmt::Expr(expr, _) => self.expr(expr),
            Stmt::Macro(m) => {
                let name = macro_name(&m.mac.path);
                self.reject(&m.mac, macro_message(&name));
            }
        }
    }

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
    fn place(&mut self, expr: &mut Expr) {
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
    fn condition(&mut self, cond: &mut Expr) {
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

    fn lit(&mut self, lit: &ExprLit) -> Option<Expr> {
        match &lit.lit {
            Lit::Int(i) => {
                let s = i.suffix();
                if !s.is_empty() && !CAST_TARGETS.contains(&s) {
                    self.reject(lit, format!("only integer literals are allowed {IN_CHILD}"));
                }
                None
            }
            Lit::Float(_) => {
                self.reject(
                    lit,
                    format!("a floating-point literal is not allowed {IN_CHILD}: use integers"),
                );
                None
            }
            Lit::Bool(_) | Lit::Char(_) | Lit::Byte(_) | Lit::ByteStr(_) | Lit::Str(_) => None,
            Lit::CStr(c) => {
                let sp = gen_span(c.span());
                let kit = self.kit(sp);
                Some(Expr::Verbatim(quote_spanned!(sp=> #kit::from_static(#c))))
            }
            _ => {
                self.reject(lit, format!("this literal is not allowed {IN_CHILD}"));
                None
            }
        }
    }

    /// A path in value position.
    fn path_expr(&mut self, p: &syn::ExprPath) -> Option<Expr> {
        if let Some(q) = &p.qself {
            let q = q.ty.clone();
            self.reject(
                &p.path,
                format!("a qualified path (`<{} as …>::…`) is not allowed {IN_CHILD}: it reaches trait code", q.to_token_stream()),
            );
            return None;
        }
        if let Some(ident) = p.path.get_ident()
            && self.is_local(ident)
        {
            return None;
        }
        if !self.check_path_generics(&p.path) {
            return None;
        }
        match prelude_item(&p.path) {
            Some(Prelude::None) => {
                return Some(Expr::Verbatim(self.prelude_expr(Prelude::None, &p.path)));
            }
            Some(ctor) => {
                self.reject(
                    &p.path,
                    format!(
                        "`{}` must be called {IN_CHILD} (`{}(x)`): as a value it is a function",
                        ctor.name(),
                        ctor.name()
                    ),
                );
                return None;
            }
            None => {}
        }
        if !self.check_path_root(&p.path) {
            return None;
        }
        if p.path.is_ident("self") || p.path.segments.first().is_some_and(|s| s.ident == "Self") {
            self.reject(&p.path, format!("`self` is not allowed {IN_CHILD}"));
            return None;
        }
        if let Some(ident) = p.path.get_ident()
            && let Some(inner) = self.capture(ident, false)
        {
            return Some(Expr::Verbatim(inner.to_token_stream()));
        }
        let path = &p.path;
        let sp = gen_span(path.span());
        let kit = self.kit(sp);
        Some(Expr::Verbatim(quote_spanned!(sp=> #kit::value(#path))))
    }

    /// Rejects generic arguments in an expression path; `true` if there are none.
    fn check_path_generics(&mut self, path: &Path) -> bool {
        for seg in &path.segments {
            if !seg.arguments.is_none() {
                let args = seg.arguments.clone();
                self.reject(
                    &args,
                    format!(
                        "generic arguments are not allowed {IN_CHILD}: child code is not generic"
                    ),
                );
                return false;
            }
        }
        true
    }

    /// Rejects `std::`, `libc::`, `String` … roots; `true` if the path may be used.
    fn check_path_root(&mut self, path: &Path) -> bool {
        if let Some(first) = path.segments.first()
            && let Some(msg) = forbidden_root_message(&first.ident)
        {
            self.reject(path, msg);
            return false;
        }
        true
    }

    fn binary(&mut self, expr: &mut Expr) {
        let Expr::Binary(b) = expr else { return };
        let (name, assign) = match b.op {
            BinOp::And(_) | BinOp::Or(_) => {
                // Built into the language for `bool` only: no trait is called.
                self.expr(&mut b.left);
                self.expr(&mut b.right);
                return;
            }
            BinOp::Div(_) | BinOp::Rem(_) | BinOp::DivAssign(_) | BinOp::RemAssign(_) => {
                let (what, instead) = match b.op {
                    BinOp::Div(_) => ("/", "a.checked_div(b)"),
                    BinOp::DivAssign(_) => ("/=", "a.checked_div(b)"),
                    BinOp::Rem(_) => ("%", "a.checked_rem(b)"),
                    _ => ("%=", "a.checked_rem(b)"),
                };
                let op = b.op;
                self.expr(&mut b.left);
                self.reject(
                    op,
                    format!(
                        "`{what}` is not allowed {IN_CHILD}: it panics on a zero divisor. Use \
                         `{instead}`, which returns an `Option`"
                    ),
                );
                self.expr(&mut b.right);
                return;
            }
            BinOp::Add(_) => ("add", false),
            BinOp::Sub(_) => ("sub", false),
            BinOp::Mul(_) => ("mul", false),
            BinOp::Shl(_) => ("shl", false),
            BinOp::Shr(_) => ("shr", false),
            BinOp::BitAnd(_) => ("bitand", false),
            BinOp::BitOr(_) => ("bitor", false),
            BinOp::BitXor(_) => ("bitxor", false),
            BinOp::Eq(_) => ("eq", false),
            BinOp::Ne(_) => ("ne", false),
            BinOp::Lt(_) => ("lt", false),
            BinOp::Le(_) => ("le", false),
            BinOp::Gt(_) => ("gt", false),
            BinOp::Ge(_) => ("ge", false),
            BinOp::AddAssign(_) => ("add_assign", true),
            BinOp::SubAssign(_) => ("sub_assign", true),
            BinOp::MulAssign(_) => ("mul_assign", true),
            BinOp::ShlAssign(_) => ("shl_assign", true),
            BinOp::ShrAssign(_) => ("shr_assign", true),
            BinOp::BitAndAssign(_) => ("bitand_assign", true),
            BinOp::BitOrAssign(_) => ("bitor_assign", true),
            BinOp::BitXorAssign(_) => ("bitxor_assign", true),
            _ => {
                let op = b.op;
                self.reject(op, format!("this operator is not allowed {IN_CHILD}"));
                return;
            }
        };
        if assign {
            self.place(&mut b.left);
        } else {
            self.expr(&mut b.left);
        }
        self.expr(&mut b.right);
        let sp = gen_span(b.op.span());
        let func = Ident::new(name, sp);
        let (left, right) = (unparen(&b.left), unparen(&b.right));
        let kit = self.kit(sp);
        let tokens = if assign {
            quote_spanned!(sp=> #kit::#func(&mut #left, #right))
        } else {
            quote_spanned!(sp=> #kit::#func(#left, #right))
        };
        *expr = Expr::Verbatim(tokens);
    }

    fn unary(&mut self, expr: &mut Expr) {
        let Expr::Unary(u) = expr else { return };
        let name = match u.op {
            UnOp::Deref(_) => {
                // `*r` on a reference is built in; no user `Deref` type exists in a child.
                self.expr(&mut u.expr);
                return;
            }
            UnOp::Neg(_) => {
                if let Expr::Lit(ExprLit { lit: Lit::Int(_), .. }) = &*u.expr {
                    // `-1`, `-128i8`: a literal, folded by the compiler (and `neg(128i8)` would
                    // not even be a valid literal).
                    return;
                }
                "neg"
            }
            UnOp::Not(_) => "not",
            _ => {
                let op = u.op;
                self.reject(op, format!("this operator is not allowed {IN_CHILD}"));
                return;
            }
        };
        self.expr(&mut u.expr);
        let sp = gen_span(u.op.span());
        let func = Ident::new(name, sp);
        let operand = unparen(&u.expr);
        let kit = self.kit(sp);
        *expr = Expr::Verbatim(quote_spanned!(sp=> #kit::#func(#operand)));
    }

    fn try_expr(&mut self, expr: &mut Expr) {
        let Expr::Try(t) = expr else { return };
        self.uses_try = true;
        self.expr(&mut t.expr);
        let sp = gen_span(t.question_token.span);
        let inner = unparen(&t.expr);
        let (v, r) = (
            Ident::new("__aspawn_v", Span::mixed_site()),
            Ident::new("__aspawn_r", Span::mixed_site()),
        );
        // The patterns may name `::core` (a pattern runs no code, and a wrong type is a type
        // error); the calls go through the anchor.
        let kit = self.kit(sp);
        *expr = Expr::Verbatim(quote_spanned! {sp=>
            match #kit::branch(#inner) {
                ::core::ops::ControlFlow::Continue(#v) => #v,
                ::core::ops::ControlFlow::Break(#r) => {
                    return #kit::from_residual(#r)
                }
            }
        });
    }

    fn method_call(&mut self, expr: &mut Expr) {
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
    fn nested_spawn(&mut self, expr: &mut Expr) {
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
    fn nested_closure(&mut self, recv: &Expr, closure: &syn::ExprClosure, sp: Span) -> TokenStream {
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

    fn call(&mut self, expr: &mut Expr) {
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

    fn for_loop(&mut self, expr: &mut Expr) {
        let Expr::ForLoop(f) = expr else { return };
        check::check_attrs(&f.attrs, self.errors);
        let mut range_expr = &mut *f.expr;
        while let Expr::Paren(p) = range_expr {
            range_expr = &mut *p.expr;
        }
        let Expr::Range(range) = range_expr else {
            let e = f.expr.clone();
            self.reject(
                &e,
                format!(
                    "`for` {IN_CHILD} only iterates over an integer range (`for i in a..b` or \
                     `a..=b`): any other iterator runs code the attribute cannot check. Loop over \
                     `0..x.len()` and use `x.get(i)`"
                ),
            );
            return;
        };
        let (Some(start), Some(end)) = (&mut range.start, &mut range.end) else {
            let r = range.clone();
            self.reject(&r, format!("`for` {IN_CHILD} needs a bounded range: `a..b` or `a..=b`"));
            return;
        };
        self.expr(start);
        self.expr(end);
        let inclusive = matches!(range.limits, RangeLimits::Closed(_));
        let (start, end) = (start.clone(), end.clone());
        match &*f.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {}
            Pat::Wild(_) => {}
            other => {
                let other = other.clone();
                self.reject(
                    &other,
                    format!("the variable of a `for` loop {IN_CHILD} is a name or `_`"),
                );
                return;
            }
        }
        self.scopes.push(Vec::new());
        self.pat(&mut f.pat);
        self.block(&mut f.body);
        self.scopes.pop();

        let sp = gen_span(f.for_token.span);
        let next = Ident::new("__aspawn_next", Span::mixed_site());
        let end_v = Ident::new("__aspawn_end", Span::mixed_site());
        let more = Ident::new("__aspawn_more", Span::mixed_site());
        let (label, pat, body) = (&f.label, &f.pat, &f.body);
        let kit = self.kit(sp);
        *expr = Expr::Verbatim(if inclusive {
            quote_spanned! {sp=>
                {
                    let mut #next = #start;
                    let #end_v = #end;
                    let mut #more = #kit::le(#next, #end_v);
                    #label while #more {
                        let #pat = #next;
                        if #kit::lt(#next, #end_v) {
                            #next = #kit::succ(#next);
                        } else {
                            #more = false;
                        }
                        #body
                    }
                }
            }
        } else {
            quote_spanned! {sp=>
                {
                    let mut #next = #start;
                    let #end_v = #end;
                    #label while #kit::lt(#next, #end_v) {
                        let #pat = #next;
                        #next = #kit::succ(#next);
                        #body
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------
    // Patterns

    /// Walks a pattern: binds its names in the current scope and makes `Some`/`None`/`Ok`/`Err`
    /// absolute, so a user item of that name is never matched instead.
    fn pat(&mut self, pat: &mut Pat) {
        match pat {
            Pat::Ident(p) => {
                if p.by_ref.is_none()
                    && p.mutability.is_none()
                    && p.subpat.is_none()
                    && p.ident == "None"
                {
                    let path: Path = p.ident.clone().into();
                    *pat = Pat::Verbatim(absolute_prelude(Prelude::None, &path));
                    return;
                }
                let ident = p.ident.clone();
                self.bind(&ident);
                match &mut p.subpat {
                    Some((_, sub)) => self.pat(sub),
                    // `x` becomes `x @ _`: rustc resolves a lone identifier in a pattern to a
                    // unit struct, unit variant or `const` in scope (binding nothing), but the
                    // name before `@` is always a new binding, and naming an item there is
                    // rustc's error E0530 ("… cannot shadow unit structs"), at the identifier.
                    // So every name `bind` records really is a local, whatever is in scope.
                    None => {
                        let sp = gen_span(p.ident.span());
                        let wild = syn::PatWild {
                            attrs: Vec::new(),
                            underscore_token: syn::Token![_](sp),
                        };
                        p.subpat = Some((syn::Token![@](sp), Box::new(Pat::Wild(wild))));
                    }
                }
            }
            Pat::Lit(l) => {
                if matches!(l.lit, Lit::CStr(_) | Lit::Float(_)) {
                    let l = l.clone();
                    self.reject(&l, format!("this literal pattern is not allowed {IN_CHILD}"));
                }
            }
            Pat::Path(p) => {
                if p.qself.is_some() {
                    let p = p.clone();
                    self.reject(&p, format!("a qualified path is not allowed {IN_CHILD}"));
                    return;
                }
                match prelude_item(&p.path) {
                    Some(Prelude::None) => {
                        *pat = Pat::Verbatim(absolute_prelude(Prelude::None, &p.path));
                    }
                    Some(other) => {
                        let path = p.path.clone();
                        self.reject(
                            &path,
                            format!("`{}` takes a pattern: `{}(x)`", other.name(), other.name()),
                        );
                    }
                    None => {
                        let path = p.path.clone();
                        self.check_path_root(&path);
                    }
                }
            }
            Pat::TupleStruct(t) => {
                if t.qself.is_some() {
                    let t = t.clone();
                    self.reject(&t, format!("a qualified path is not allowed {IN_CHILD}"));
                    return;
                }
                t.elems.iter_mut().for_each(|e| self.pat(e));
                match prelude_item(&t.path) {
                    Some(ctor) if ctor != Prelude::None => {
                        let abs = absolute_prelude(ctor, &t.path);
                        let elems = t.elems.iter();
                        *pat = Pat::Verbatim(quote!(#abs(#(#elems),*)));
                    }
                    _ => {
                        let path = t.path.clone();
                        self.reject(
                            &path,
                            format!(
                                "only `Some(..)`, `Ok(..)` and `Err(..)` tuple patterns are allowed \
                                 {IN_CHILD}: no other enum or struct exists in a child"
                            ),
                        );
                    }
                }
            }
            Pat::Tuple(t) => t.elems.iter_mut().for_each(|e| self.pat(e)),
            Pat::Slice(s) => s.elems.iter_mut().for_each(|e| self.pat(e)),
            Pat::Or(o) => o.cases.iter_mut().for_each(|c| self.pat(c)),
            Pat::Paren(p) => self.pat(&mut p.pat),
            Pat::Reference(r) => self.pat(&mut r.pat),
            Pat::Type(t) => {
                check::check_value_type(&t.ty, self.errors, "type annotation");
                self.pat(&mut t.pat);
            }
            Pat::Range(_) | Pat::Rest(_) | Pat::Wild(_) => {}
            Pat::Struct(s) => {
                let p = s.path.clone();
                self.reject(
                    &p,
                    format!(
                        "a struct pattern is not allowed {IN_CHILD}: no struct exists in a child"
                    ),
                );
            }
            Pat::Macro(m) => {
                let name = macro_name(&m.mac.path);
                let mac = m.mac.clone();
                self.reject(&mac, macro_message(&name));
            }
            other => {
                let other = other.clone();
                self.reject(&other, format!("this pattern is not allowed {IN_CHILD}"));
            }
        }
    }
}

/// The error path's only rewrites, so that a function emitted unchanged beside its violations
/// reports nothing else about its correct parts: `cx.spawn(f, (a, b))` → `cx.spawn::<f>((a,
/// b,))`, the runtime's own signature (else a wrong argument count for each nested spawn), and
/// each call the walk accepted as a call of a child function (`callees`) →
/// `(<f as Approved>::CALL)(…)` (else a mismatch with the hidden `fn f(HookToken<f>)` that
/// carries the name as a value).
pub(crate) fn error_path_syntax(block: &mut Block, callees: &[Path]) {
    struct Fix {
        /// The accepted callees, as written.
        callees: Vec<String>,
    }
    impl syn::visit_mut::VisitMut for Fix {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, e);
            // `cx.spawn(move |cx| …)`: the closure was reported with the body's violations.
            if let Expr::MethodCall(m) = e
                && m.method == "spawn"
                && m.args.len() == 1
                && matches!(unparen(&m.args[0]), Expr::Closure(_))
            {
                *e = syn::parse_quote!(::aspawn::__private::refused::<
                    ::core::result::Result<i32, ::aspawn::Failure>,
                >());
                return;
            }
            let Expr::Call(c) = e else { return };
            let Expr::Path(f) = &*c.func else { return };
            let written = f.path.to_token_stream().to_string();
            if f.qself.is_some() || !self.callees.contains(&written) {
                return;
            }
            let (path, args) = (&f.path, &c.args);
            *e = syn::parse_quote!((<#path as ::aspawn::__private::Approved>::CALL)(#args));
        }
        fn visit_expr_method_call_mut(&mut self, m: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, m);
            if m.method != "spawn" || m.turbofish.is_some() || m.args.len() != 2 {
                return;
            }
            let Expr::Path(f) = unparen(&m.args[0]) else { return };
            let f = f.clone();
            let elems: Vec<Expr> = match &m.args[1] {
                Expr::Tuple(t) => t.elems.iter().cloned().collect(),
                Expr::Paren(p) => vec![(*p.expr).clone()],
                _ => return,
            };
            m.turbofish = Some(syn::parse_quote!(::<#f>));
            m.args = syn::parse_quote!((#(#elems,)*));
        }
    }
    let callees = callees.iter().map(|p| p.to_token_stream().to_string()).collect();
    syn::visit_mut::VisitMut::visit_block_mut(&mut Fix { callees }, block);
}

/// An operand without its parentheses: as a function argument they are redundant, and rustc's
/// `unused_parens` lint would fire on the user's tokens.
fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) if p.attrs.is_empty() => unparen(&p.expr),
        _ => e,
    }
}

/// Does this condition contain a `let` (a let chain)?
fn contains_let(e: &Expr) -> bool {
    match e {
        Expr::Let(_) => true,
        Expr::Binary(b) if matches!(b.op, BinOp::And(_)) => {
            contains_let(&b.left) || contains_let(&b.right)
        }
        Expr::Paren(p) => contains_let(&p.expr),
        _ => false,
    }
}

/// The last segment of a macro's path (`println` for `std::println!`).
fn macro_name(path: &Path) -> String {
    path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

/// The attributes of the expression kinds that carry them in the child language.
fn expr_attrs(e: &Expr) -> Option<&Vec<syn::Attribute>> {
    Some(match e {
        Expr::Array(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Binary(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Break(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::Cast(x) => &x.attrs,
        Expr::Continue(x) => &x.attrs,
        Expr::Field(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Lit(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Paren(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Reference(x) => &x.attrs,
        Expr::Repeat(x) => &x.attrs,
        Expr::Return(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Tuple(x) => &x.attrs,
        Expr::Unary(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        _ => return None,
    })
}

/// The prelude names the rewrite makes absolute.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prelude {
    Some,
    None,
    Ok,
    Err,
}

impl Prelude {
    fn name(self) -> &'static str {
        match self {
            Prelude::Some => "Some",
            Prelude::None => "None",
            Prelude::Ok => "Ok",
            Prelude::Err => "Err",
        }
    }
}

/// `Some`, `Option::Some`, `None`, `Option::None`, `Ok`, `Result::Ok`, `Err`, `Result::Err`.
fn prelude_item(path: &Path) -> Option<Prelude> {
    if path.leading_colon.is_some() || path.segments.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    match segs.as_slice() {
        ["Some"] | ["Option", "Some"] => Some(Prelude::Some),
        ["None"] | ["Option", "None"] => Some(Prelude::None),
        ["Ok"] | ["Result", "Ok"] => Some(Prelude::Ok),
        ["Err"] | ["Result", "Err"] => Some(Prelude::Err),
        _ => None,
    }
}

/// The absolute path of a prelude item in a pattern, spanned like the path the user wrote.
fn absolute_prelude(item: Prelude, at: &Path) -> TokenStream {
    let sp = gen_span(at.span());
    let last = Ident::new(item.name(), at.segments.last().map_or(sp, |s| s.ident.span()));
    match item {
        Prelude::Some | Prelude::None => quote_spanned!(sp=> ::core::option::Option::#last),
        Prelude::Ok | Prelude::Err => quote_spanned!(sp=> ::core::result::Result::#last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(body: TokenStream) -> (String, Option<String>) {
        let mut errors = Errors::default();
        let mut block: Block = syn::parse2(body).unwrap();
        let mut rewriter = Rewriter::new(&mut errors, Ident::new("me", Span::call_site()));
        rewriter.bind(&Ident::new("cx", Span::call_site()));
        rewriter.block(&mut block);
        let err = errors
            .finish()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"));
        (block.to_token_stream().to_string(), err)
    }

    /// The anchored runtime of the function `me` the tests rewrite.
    const K: &str = "<< me as :: aspawn :: __private :: Approved > :: Kit >";

    #[test]
    fn ctx_calls_go_through_the_anchor() {
        let (out, err) = rewrite(quote!({ cx.exit(0) }));
        assert!(err.is_none(), "{err:?}");
        let c = "<< me as :: aspawn :: __private :: Approved > :: Ctx >";
        assert!(out.contains(&format!("{c} :: exit (cx , 0)")), "{out}");
    }

    #[test]
    fn operators_become_sealed_calls() {
        let (out, err) = rewrite(quote!({
            let a = 1;
            let b = a + 2 * a;
            b += 1;
        }));
        assert!(err.is_none(), "{err:?}");
        assert!(out.contains(&format!("{K} :: add (a , {K} :: mul (2 , a))")), "{out}");
        assert!(out.contains(&format!("{K} :: add_assign (& mut b , 1)")), "{out}");
        assert!(!out.contains("ops"), "{out}");
    }

    #[test]
    fn locals_stay_items_are_checked() {
        let (out, _) = rewrite(quote!({
            let x = FOO;
            let y = x;
        }));
        assert!(out.contains(&format!("{K} :: value (FOO)")), "{out}");
        assert!(out.contains("let y @ _ = x"), "{out}");
    }

    #[test]
    fn calls_go_through_the_marker() {
        let (out, err) = rewrite(quote!({ helper(cx, 1) }));
        assert!(err.is_none());
        assert!(
            out.contains("(< helper as :: aspawn :: __private :: Approved > :: CALL) (cx , 1)"),
            "{out}"
        );
    }

    #[test]
    fn prelude_names_are_absolute() {
        let (out, err) = rewrite(quote!({
            match Some(1) {
                Some(x) => x,
                None => 0,
            }
        }));
        assert!(err.is_none());
        // Expressions go through the anchor (a redirected `::core` cannot reach them); patterns
        // run no code and stay absolute.
        assert!(out.contains(&format!("match {K} :: Some (1)")), "{out}");
        assert!(out.contains(":: core :: option :: Option :: Some (x @ _) =>"), "{out}");
        assert!(out.contains(":: core :: option :: Option :: None =>"), "{out}");
    }

    #[test]
    fn every_violation_is_reported() {
        let (_, err) = rewrite(quote!({
            println!("x");
            let v = a / 2;
            x.unwrap();
        }));
        let err = err.unwrap();
        assert!(err.contains("println"), "{err}");
        assert!(err.contains("checked_div"), "{err}");
        assert!(err.contains("unwrap"), "{err}");
    }

    #[test]
    fn a_closures_free_names_are_captures() {
        let mut errors = Errors::default();
        let mut body: Expr = syn::parse2(quote!({
            let n = LIMIT;
            total += n;
            cx.exit(other + Some(n).unwrap_or(0))
        }))
        .unwrap();
        let mut rewriter = Rewriter::for_closure(&mut errors, Ident::new("w", Span::call_site()));
        rewriter.bind(&Ident::new("cx", Span::call_site()));
        rewriter.expr(&mut body);
        let caps: Vec<(String, bool)> = rewriter
            .captures
            .take()
            .unwrap()
            .iter()
            .map(|c| (c.ident.to_string(), c.mutated))
            .collect();
        let out = body.to_token_stream().to_string();
        assert!(errors.finish().is_ok());
        // `n` and `cx` are locals, `Some` a constructor; the rest are captures, in order of
        // first use, `total` assigned.
        assert_eq!(
            caps,
            [("LIMIT".into(), false), ("total".into(), true), ("other".into(), false)]
        );
        assert!(out.contains("let n @ _ = __aspawn_capture_LIMIT"), "{out}");
        assert!(out.contains("add_assign (& mut __aspawn_capture_total , n)"), "{out}");
        assert!(!out.contains("value ("), "{out}");
    }

    #[test]
    fn recursion_is_rejected() {
        let (_, err) = rewrite(quote!({ me(cx) }));
        assert!(err.unwrap().contains("recursion"));
    }
}
