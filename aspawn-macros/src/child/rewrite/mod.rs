//! The walk over a child body: every construct is either rejected (with the message from
//! `check.rs`) or rewritten so that rustc's type checker enforces the rest (item 10 of the `soundness` module of the `aspawn` crate).
//!
//! The walk is default-deny: an expression, statement or pattern kind not handled here explicitly
//! is rejected. Rewritten nodes become `Expr::Verbatim` after their children were walked, so
//! nothing is walked twice.
//!
//! One file per kind of construct: `stmt.rs` (blocks and statements), `expr.rs` (the dispatch
//! over expressions, places, conditions), `values.rs` (literals and paths), `ops.rs` (operators
//! and `?`), `calls.rs` (method calls, nested spawns, calls), `loops.rs` (`for`), `pat.rs`
//! (patterns), `error_path.rs` (what a body with violations still gets); this file holds the
//! walker's state and what they share.
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
use quote::{ToTokens, quote_spanned};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Ident, Path};

use super::check::CTX_METHODS;
use crate::diag::Errors;

mod calls;
mod error_path;
mod expr;
mod loops;
mod ops;
mod pat;
mod stmt;
mod values;

pub(crate) use error_path::error_path_syntax;

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
    use quote::quote;
    use syn::Block;

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
