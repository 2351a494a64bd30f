//! The child closure: `spawn!(stack, move |cx| …)`, `child_hook!(cmd, move |cx| …)` and, in a
//! child body, `cx.spawn(move |cx| …)`.
//!
//! The body is walked by the same `Rewriter` as an `#[aspawn::child]` function's (the same
//! rules, rewrites and messages), in closure mode: a free name of the body (a single-segment
//! path in value or place position that no pattern of the body binds, other than `Some`,
//! `None`, …) is a *capture*. For `spawn!(stack, move |cx| { … out … argv … })`:
//!
//! ```text
//! match (STACK, (::aspawn::__private::capture(out), ::aspawn::__private::capture(argv),)) {
//!     (stack, sources) => {
//!         struct W {}                                  // the witness: hidden, unnameable
//!         unsafe impl ::aspawn::__private::Approved for W { Kit, Ctx, DEPTH = 1 + callees }
//!         unsafe impl ::aspawn::__private::CheckedClosure for W {}
//!         const _: () = <<W as Approved>::Kit>::check_depth(<W as Approved>::DEPTH);
//!         ::aspawn::__private::spawn_closure::<W, _, _, _, _>(
//!             stack,
//!             sources,
//!             |cx: &::aspawn::__private::Ctx, (__aspawn_capture_out, __aspawn_capture_argv,)| {
//!                 BODY  // rewritten, anchored at `W`; each `out` is `__aspawn_capture_out`
//!             },
//!         )
//!     }
//! }
//! ```
//!
//! The parent-side values (`out`, `argv`, as the caller's code names them) are evaluated in the
//! caller and placed by the runtime with the sealed `Place`, like `spawn!` arguments; the body
//! names only its own parameters (the capture names have the macro's hygiene), so the closure
//! captures nothing — the runtime checks that its type is zero-sized, `Copy` and `'static` — and
//! the child-side type of each capture is inferred from its use through `Source: Place<Child>`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprClosure, Ident, Pat, ReturnType};

use crate::child::check::{self, IN_CHILD};
use crate::child::rewrite::{Capture, Rewriter};
use crate::diag::Errors;

/// Where a child closure is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    /// `spawn!(stack, move |cx| …)`: returns `ChildResult` or `i32`.
    Spawn,
    /// `child_hook!(cmd, move |cx| …)`: returns `Result<(), Failure>`.
    Hook,
    /// `cx.spawn(move |cx| …)` in a child body: returns `ChildResult` or `i32`.
    Nested,
}

/// A checked and rewritten child closure.
pub(crate) struct Checked {
    /// The witness type's name (anchors the body).
    pub(crate) witness: Ident,
    /// The witness's items: the struct, its approval, the depth check.
    pub(crate) items: TokenStream,
    /// The closure to pass: `|cx: &Ctx, (captures…)| -> R { body }`.
    pub(crate) closure: TokenStream,
    /// The captures, in order.
    pub(crate) captures: Vec<Capture>,
    /// The `#[aspawn::child]` functions the body calls (for an enclosing body's `DEPTH`).
    pub(crate) callees: Vec<syn::Path>,
    /// The depth expressions of the grandchild closures the body spawns.
    pub(crate) nested: Vec<TokenStream>,
}

/// Checks the closure's form and rewrites its body. Every violation goes to `errors`; the
/// captures are returned even then (the error path still evaluates them in the caller).
pub(crate) fn check(closure: &ExprClosure, site: Site, errors: &mut Errors) -> Checked {
    check::check_attrs(&closure.attrs, errors);
    let what = match site {
        Site::Spawn => "`spawn!(stack, move |cx| …)`",
        Site::Hook => "`child_hook!(cmd, move |cx| …)`",
        Site::Nested => "`cx.spawn(move |cx| …)`",
    };
    if closure.capture.is_none() {
        let at = closure.or1_token;
        errors.spanned(
            at,
            format!(
                "a child closure must be `move`: write {what}. The child gets copies of the \
                 values it uses, placed into its stack before the clone; it never reaches a \
                 variable of the parent by reference"
            ),
        );
    }
    if let Some(l) = &closure.lifetimes {
        errors.spanned(l, format!("`for<…>` is not allowed on a child closure ({what})"));
    }
    if let Some(t) = &closure.constness {
        errors.spanned(t, "a child closure cannot be `const`: it runs in the child".to_string());
    }
    if let Some(t) = &closure.movability {
        errors.spanned(t, "a child closure cannot be `static`".to_string());
    }
    if let Some(t) = &closure.asyncness {
        errors.spanned(t, "a child closure cannot be `async`: the child has no executor");
    }
    let usage = format!(
        "a child closure takes one parameter, `cx` (`&aspawn::Ctx`): {what}. The child reaches \
         the kernel only through it; everything else it uses is captured"
    );
    let mut cx_pat: Pat = syn::parse_quote!(_);
    let mut inputs = closure.inputs.iter();
    match (inputs.next(), inputs.next()) {
        (Some(first), None) => {
            let (pat, ty) = match first {
                Pat::Type(t) => (&*t.pat, Some(&*t.ty)),
                other => (other, None),
            };
            if let Some(ty) = ty
                && !check::is_ctx_ref(ty)
            {
                errors.spanned(ty, &usage);
            }
            if matches!(pat, Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none())
                || matches!(pat, Pat::Wild(_))
            {
                cx_pat = pat.clone();
            } else {
                errors.spanned(pat, &usage);
            }
        }
        _ => {
            let (or1, or2) = (closure.or1_token, closure.or2_token);
            errors.spanned(quote!(#or1 #or2), &usage);
        }
    }
    let output = match &closure.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => {
            check::check_value_type(ty, errors, "return type");
            if site != Site::Hook && !check::is_spawnable_return(ty) {
                errors.spanned(
                    ty,
                    format!(
                        "a child closure {what} returns `ChildResult` (`Result<Infallible, \
                         Failure>`) or `i32` (an exit code)"
                    ),
                );
            }
            Some(ty.clone())
        }
    };

    let witness = Ident::new("__aspawn_closure", Span::mixed_site());
    let mut body = (*closure.body).clone();
    let mut rewriter = Rewriter::for_closure(errors, witness.clone());
    rewriter.closure_param(&mut cx_pat);
    rewriter.expr(&mut body);
    let captures = rewriter.captures.take().unwrap_or_default();
    let callees = std::mem::take(&mut rewriter.callees);
    let nested = std::mem::take(&mut rewriter.nested_depths);
    let uses_context = rewriter.uses_context;
    let uses_try = rewriter.uses_try;
    drop(rewriter);

    let ms = Span::mixed_site();
    let kit = quote_spanned!(ms=> <<#witness as ::aspawn::__private::Approved>::Kit>);
    let deepest = callees
        .iter()
        .map(|c| quote!(<#c as ::aspawn::__private::Approved>::DEPTH))
        .chain(nested.iter().cloned())
        .fold(quote!(0), |acc, d| quote!(#kit::deeper(#d, #acc)));
    let probe = uses_context.then(|| {
        let context = Ident::new("context", Span::call_site());
        quote_spanned! {ms=>
            #[allow(dead_code, unused_must_use, clippy::all)]
            fn __aspawn_probe() {
                let _ = ::aspawn::__private::methods::ContextProbe.#context("");
            }
        }
    });
    let unsafe_kw = quote!(unsafe);
    let items = quote_spanned! {ms=>
        #[allow(non_camel_case_types)]
        struct #witness {}
        // SAFETY: the closure passed with this witness is the one the macro checked just
        // here; `DEPTH` counts the `#[aspawn::child]` calls it makes.
        #unsafe_kw impl ::aspawn::__private::Approved for #witness {
            type Kit = ::aspawn::__private::Kit;
            type Ctx = ::aspawn::__private::Ctx;
            type Fn = ();
            const CALL: () = ();
            const DEPTH: usize = 1 + #deepest;
        }
        // SAFETY: as above.
        #unsafe_kw impl ::aspawn::__private::CheckedClosure for #witness {}
        const _: () = #kit::check_depth(<#witness as ::aspawn::__private::Approved>::DEPTH);
        #probe
    };
    let params = captures.iter().map(|c| {
        let inner = &c.inner;
        if c.mutated { quote!(mut #inner) } else { quote!(#inner) }
    });
    // A body with `?` returns a `Result`: `ChildResult` when spawned (else a body ending in
    // `cx.exit(…)` infers `!`, into which `?` cannot return), `Result<(), Failure>` as a hook.
    let output = match (output, uses_try, site) {
        (Some(t), _, _) => Some(quote!(-> #t)),
        (None, true, Site::Hook) => Some(quote!(
            -> ::core::result::Result<(), ::aspawn::Failure>
        )),
        (None, true, _) => Some(quote!(-> ::aspawn::ChildResult)),
        (None, false, _) => None,
    };
    let body = match output {
        // A return type needs a block body.
        Some(_) if !matches!(body, Expr::Block(_)) => quote!({ #body }),
        _ => quote!(#body),
    };
    let closure = quote_spanned! {closure.span()=>
        |#cx_pat: &::aspawn::__private::Ctx, (#(#params,)*)| #output #body
    };
    Checked { witness, items, closure, captures, callees, nested }
}

/// The parent-side values of the captures, each wrapped by `capture` (whose bound reports a
/// capture without a placement at its first use in the body), as a tuple.
fn sources(captures: &[Capture]) -> TokenStream {
    let each = captures.iter().map(|c| {
        let ident = &c.ident;
        quote_spanned!(ident.span()=> ::aspawn::__private::capture(#ident))
    });
    quote!((#(#each,)*))
}

/// The captures as written, unwrapped: the error path's way to use them (no secondary
/// "unused variable" warnings) without checking them.
fn plain_sources(captures: &[Capture]) -> TokenStream {
    let each = captures.iter().map(|c| &c.ident);
    quote!((#(&#each,)*))
}

/// `spawn!(stack, move |cx| …)`.
pub(crate) fn expand_spawn(stack: &Expr, closure: &ExprClosure) -> TokenStream {
    let mut errors = Errors::default();
    let checked = check(closure, Site::Spawn, &mut errors);
    let ms = Span::mixed_site();
    let stack_v = Ident::new("stack", ms);
    let sources_v = Ident::new("sources", ms);
    if let Err(e) = errors.finish() {
        let e = e.into_compile_error();
        let plain = plain_sources(&checked.captures);
        return quote! {{
            #e
            let _ = (#stack, #plain);
            ::aspawn::__private::refused::<::core::result::Result<::aspawn::Spawned, ::aspawn::SpawnError>>()
        }};
    }
    let Checked { witness, items, closure, captures, .. } = checked;
    let sources = sources(&captures);
    quote! {
        match (#stack, #sources) {
            (#stack_v, #sources_v) => {
                #items
                ::aspawn::__private::spawn_closure::<#witness, _, _, _, _>(
                    #stack_v,
                    #sources_v,
                    #closure,
                )
            }
        }
    }
}

/// `child_hook!(cmd, move |cx| …)` → `&mut Command`.
pub(crate) fn expand_hook(cmd: &Expr, closure: &ExprClosure) -> TokenStream {
    let mut errors = Errors::default();
    let checked = check(closure, Site::Hook, &mut errors);
    let ms = Span::mixed_site();
    let cmd_v = Ident::new("cmd", ms);
    let sources_v = Ident::new("sources", ms);
    let hook_v = Ident::new("hook", ms);
    if let Err(e) = errors.finish() {
        let e = e.into_compile_error();
        let plain = plain_sources(&checked.captures);
        return quote! {{
            #e
            let _ = (&#cmd, #plain);
            ::aspawn::__private::refused::<&mut ::aspawn::Command>()
        }};
    }
    let Checked { witness, items, closure, captures, .. } = checked;
    let sources = sources(&captures);
    quote! {
        match (&mut #cmd, #sources) {
            (#cmd_v, #sources_v) => {
                #items
                let #hook_v = ::aspawn::__private::hook_closure::<#witness, _, _, _>(
                    &#sources_v,
                    #closure,
                );
                ::aspawn::Command::child_hook(#cmd_v, #hook_v, #sources_v)
            }
        }
    }
}

/// Parses `cmd, move |cx| …` (the input `child_hook!` forwards).
pub(crate) fn parse_hook(input: TokenStream) -> syn::Result<(Expr, ExprClosure)> {
    use syn::parse::Parser;
    let parser = |input: syn::parse::ParseStream<'_>| {
        let cmd: Expr = input.parse()?;
        input.parse::<syn::Token![,]>()?;
        let closure: ExprClosure = input.parse()?;
        if input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
        }
        Ok((cmd, closure))
    };
    parser.parse2(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            format!(
                "usage: `aspawn::child_hook!(cmd, move |cx| …)` (a child closure {IN_CHILD}'s \
                 rules), or for a named `#[aspawn::child]` function `cmd.child_hook(hook_fn, (args…))`"
            ),
        )
    })
}
