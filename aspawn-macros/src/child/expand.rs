//! Generation: the checked function, the struct and the function that carry its name, and the
//! glue the runtime calls.
//!
//! For `fn run(cx: &Ctx, prog: CStrRef, argv: Argv) -> ChildResult`, the rewritten function (with
//! `#[forbid(unsafe_code)]`) under a hidden name, `__aspawn_child_run`, and beside it:
//!
//! - `struct run {}`: a braced struct with the function's name (a type only), carrying the
//!   function's docs. `spawn!(stack, run, …)` and calls from other child bodies name it. No
//!   code outside a child can call the function (it needs a `&Ctx`), so nothing is lost by the
//!   function itself having no public name.
//! - `fn run(_: HookToken<run>) {}` (hidden): the name as a value, for
//!   `cmd.child_hook(run, (…))`, which infers the struct from the function's type. It is never
//!   called (`HookToken` cannot be made). Neither item is a unit struct or a `const`, which a
//!   pattern `run` would resolve to: `let run = …` elsewhere in the module stays a binding.
//!   (A function emitted with violations keeps a unit struct `struct run;` instead, so that
//!   calls of it in the unchanged body are one "expected function" error each.)
//! - `unsafe impl Approved for run { type Kit; type Ctx; type Fn; const CALL; const DEPTH; }`:
//!   the approval. `CALL` is the checked function: a call `run(cx, …)` in another child body is
//!   rewritten to `(<run as Approved>::CALL)(cx, …)`, so the callee is always the function this
//!   attribute checked. `Kit` and `Ctx` are the anchors every other call of the rewritten body
//!   goes through (`<<run as Approved>::Kit>::add(a, b)`, see `rewrite.rs`), and so do the
//!   checks below: a crate whose `::aspawn` names something else cannot swap them.
//! - `run::__aspawn_sources`: the identity on `spawn!`'s arguments, each bounded by
//!   `Place<T>` at its parameter's type `T` (so a wrong argument is reported at that
//!   argument), returned as an opaque `impl Place<(T1, …)>`; the runtime's `spawn` then places
//!   them into the stack (the argument block is the tuple of the parameter types). None for a
//!   helper with a reference parameter, which is never spawned.
//! - `unsafe impl ChildFn for run` when `run` returns `ChildResult`, `Result<Infallible,
//!   Failure>`, `i32` or `!`: the runtime's `extern "C"` entry point calls `ChildFn::call` with
//!   the placed tuple, whose type the real trait bounds by the sealed `ChildArgs`.
//! - `const _: () = { K::assert_child_arg::<CStrRef>(); … }` (`K` the anchored `Kit`): each
//!   parameter type must be a sealed `ChildArg` type (a helper's `&T`/`&mut T`:
//!   `K::assert_child_referent::<T>()`), and a helper's return type a child value
//!   (`K::assert_child_value::<R>()`).
//! - `Approved::DEPTH` = 1 + the deepest `DEPTH` of the `#[aspawn::child]` functions the body
//!   calls, and `const _: () = K::check_depth(<run as Approved>::DEPTH)`: recursion through
//!   other functions (`a` → `b` → `a`, or `crate::run` calling itself) is a compile-time cycle
//!   error, and a chain deeper than `MAX_DEPTH` fails the build.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemFn, Type};

use super::check::{Output, Signature};

/// The function (already rewritten) and everything generated beside it. `checked` is false when
/// the function had violations and is emitted unchanged beside their errors (the build fails on
/// those errors, so `#[forbid(unsafe_code)]` would only repeat them).
///
/// `uses_context`: the body calls `.context(…)`, which the rewrite sends to
/// `methods::context` without naming `ResultExt`; a probe that never runs names it as a method
/// call, so the caller's `use aspawn::ResultExt` is not reported as unused (see
/// `methods::ContextProbe`).
pub(crate) fn expand(
    sig: &Signature,
    func: &ItemFn,
    checked: bool,
    uses_context: bool,
    callees: &[syn::Path],
    nested: &[TokenStream],
) -> TokenStream {
    let name = &sig.name;
    let vis = &func.vis;
    // The checked function itself, under a name nobody writes; `name` goes to the struct.
    let hidden = format_ident!("__aspawn_child_{}", name, span = name.span());
    let ret = &func.sig.output;
    let ms = Span::mixed_site();
    let cx = quote_spanned!(ms=> cx);
    let args = quote_spanned!(ms=> args);
    let types: &[Type] = &sig.params;
    let idents: Vec<_> = (0..types.len()).map(|i| format_ident!("a{}", i, span = ms)).collect();
    let indices = (0..types.len()).map(syn::Index::from);
    // Each argument bounded at its parameter's type, so that `spawn!` reports an argument of the
    // wrong type at that argument.
    let src_args = idents.iter().zip(types).map(|(a, t)| {
        let sp = ms.located_at(t.span());
        quote_spanned!(sp=> #a: impl ::aspawn::__private::Place<#t>)
    });
    // Through the function's own approval (like every call of the body, see `rewrite.rs`), so
    // that a crate redirecting `::aspawn` cannot swap in an assertion that accepts anything. A
    // helper (never spawned) may also take `&T`/`&mut T` of a child type: a reference into the
    // caller's frame, on the child's stack.
    let spawnable = sig.output == Output::Spawnable;
    let arg_asserts = types.iter().map(|t| {
        let sp = ms.located_at(t.span());
        let kit = quote_spanned!(sp=> <<#name as ::aspawn::__private::Approved>::Kit>);
        match t {
            Type::Reference(r) if !spawnable => {
                let elem = &r.elem;
                quote_spanned!(sp=> #kit::assert_child_referent::<#elem>();)
            }
            _ => quote_spanned!(sp=> #kit::assert_child_arg::<#t>();),
        }
    });

    // A helper's return type must be a child value (a spawnable one is checked by the sealed
    // `ChildReturn`); `!` is not a type a bound can name on stable Rust, and needs no check.
    let ret_assert = match ret {
        syn::ReturnType::Type(_, t) if !spawnable && !matches!(**t, Type::Never(_)) => {
            let sp = ms.located_at(t.span());
            let kit = quote_spanned!(sp=> <<#name as ::aspawn::__private::Approved>::Kit>);
            Some(quote_spanned!(sp=> #kit::assert_child_value::<#t>();))
        }
        _ => None,
    };

    let child_fn = (sig.output == Output::Spawnable).then(|| {
        let out_ty = match ret {
            // `!` is not a type a trait's associated type can name on stable Rust; the call
            // never returns, and its `!` coerces to `ChildResult`.
            syn::ReturnType::Type(_, t) if matches!(**t, Type::Never(_)) => {
                quote!(::aspawn::__private::ChildResult)
            }
            syn::ReturnType::Type(_, t) => quote!(#t),
            syn::ReturnType::Default => unreachable!("a spawnable child returns a value"),
        };
        // At the parameter list: a parameter type the real `ChildArgs` bound refuses (even
        // when a redirected `::aspawn` swapped the assertions below) is reported there.
        let params_sp = ms.located_at(func.sig.paren_token.span.join());
        let args_ty = quote_spanned!(params_sp=> type Args = (#(#types,)*););
        quote! {
            // SAFETY: `call` runs only `#name`, whose body `#[aspawn::child]` checked.
            unsafe impl ::aspawn::__private::ChildFn for #name {
                #args_ty
                type Output = #out_ty;
                #[inline(always)]
                fn call(#cx: &::aspawn::__private::Ctx, #args: Self::Args) -> Self::Output {
                    #hidden(#cx #(, #args.#indices)*)
                }
            }
        }
    });

    let probe = uses_context.then(|| {
        // The method name resolves at the call site, where the caller's imports are.
        let context = syn::Ident::new("context", Span::call_site());
        quote_spanned! {ms=>
            const _: () = {
                #[allow(dead_code, unused_must_use, clippy::all)]
                fn probe() {
                    let _ = ::aspawn::__private::methods::ContextProbe.#context("");
                }
            };
        }
    });

    // Spanned at the function's name, so that rustc's cycle error for recursion through other
    // functions (`<impl at src/x.rs:LINE:COL>::DEPTH`) lists each function of the cycle.
    // Both the depth arithmetic and the limit go through the function's own approval (the
    // real `Kit` whenever the function can run), like the calls of its body.
    let kit = quote_spanned!(name.span()=> <<#name as ::aspawn::__private::Approved>::Kit>);
    // A grandchild closure (`cx.spawn(move |cx| …)`) counts with its own depth (`1 + …` of
    // its callees: its witness type is declared inside the body, out of reach here).
    let deepest = callees
        .iter()
        .map(|callee| quote!(<#callee as ::aspawn::__private::Approved>::DEPTH))
        .chain(nested.iter().cloned())
        .fold(quote!(0), |acc, d| quote!(#kit::deeper(#d, #acc)));
    // The pointer type names no lifetime of the function's (a helper's `buf: &'a mut [u8; 4]`):
    // a reference parameter's lifetime is elided there, which makes the pointer type generic
    // over it, as the function is.
    let fn_types = types.iter().map(|t| match t {
        Type::Reference(r) if r.lifetime.is_some() => {
            let mut r = r.clone();
            r.lifetime = None;
            quote!(#r)
        }
        _ => quote!(#t),
    });
    // `unsafe` from the macro (the caller's `#![forbid(unsafe_code)]` is about the caller's
    // code); the rest at the name, for the cycle error above.
    let unsafe_kw = quote!(unsafe);
    let approval = quote_spanned! {name.span()=>
        // SAFETY: `CALL` is the function `#[aspawn::child]` checked just above, and `DEPTH`
        // counts the `#[aspawn::child]` calls it makes.
        #unsafe_kw impl ::aspawn::__private::Approved for #name {
            type Kit = ::aspawn::__private::Kit;
            type Ctx = ::aspawn::__private::Ctx;
            type Fn = fn(&::aspawn::__private::Ctx #(, #fn_types)*) #ret;
            const CALL: Self::Fn = #hidden;
            const DEPTH: usize = 1 + #deepest;
        }
    };
    // Evaluated at compile time: a cycle of calls through this function is a cycle error, a
    // chain deeper than `ops::MAX_DEPTH` a failed build (reported at the function's name).
    let depth_check = quote_spanned! {name.span()=>
        const _: () = #kit::check_depth(
            <#name as ::aspawn::__private::Approved>::DEPTH,
        );
    };

    // The name in the value namespace: a function nobody can call (`HookToken` cannot be
    // made), which `Command::child_hook(name, …)` takes to infer the hook's type. The struct
    // above is braced, so it is a type only: a unit struct (or a `const`) would be what a
    // pattern `name` resolves to, and `let count = …` beside a child function `count` would no
    // longer bind a local.
    //
    // A function with violations is emitted unchanged (its body still calls other child
    // functions by name): there the name stays a unit struct, so that each such call is one
    // "expected function" error rather than a mismatch with `HookToken`.
    let (struct_body, hook_value) = if checked {
        let hook_value = quote_spanned! {name.span()=>
            #[doc(hidden)]
            #[allow(dead_code, non_snake_case)]
            #vis fn #name(_: ::aspawn::__private::HookToken<#name>) {}
        };
        (quote!({}), Some(hook_value))
    } else {
        (quote!(;), None)
    };
    // A helper with a reference parameter is never spawned, and has no placement glue (`Place`
    // of a reference type would need a named lifetime).
    let has_ref_param = types.iter().any(|t| matches!(t, Type::Reference(_)));
    let place_glue = (!has_ref_param).then(|| {
        quote! {
            #[allow(dead_code)]
            impl #name {
                #[doc(hidden)]
                #[inline(always)]
                #[allow(clippy::unused_unit)] // `()` for a child without parameters
                pub fn __aspawn_sources(
                    #(#src_args),*
                ) -> impl ::aspawn::__private::Place<(#(#types,)*)> {
                    (#(#idents,)*)
                }
            }
        }
    });

    let mut func = func.clone();
    if checked {
        func.attrs.insert(0, syn::parse_quote!(#[forbid(unsafe_code)]));
    }
    // The docs describe the child function: they go on the struct that carries its name.
    let (docs, attrs): (Vec<_>, Vec<_>) =
        std::mem::take(&mut func.attrs).into_iter().partition(|a| a.path().is_ident("doc"));
    func.attrs = attrs;
    func.attrs.push(syn::parse_quote!(#[allow(non_snake_case)]));
    func.sig.ident = hidden;
    func.vis = syn::Visibility::Inherited;

    quote! {
        #func

        #(#docs)*
        ///
        /// *An `#[aspawn::child]` function: spawn it with `aspawn::spawn!`, call it from other
        /// child functions, or pass it to `Command::child_hook`.*
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name #struct_body

        #hook_value

        #approval

        #depth_check

        #place_glue

        const _: () = {
            #(#arg_asserts)*
            #ret_assert
        };

        #child_fn

        #probe
    }
}
