//! `aspawn::spawn!(stack, child_fn, (args…))` (and `spawn!(stack, move |cx| …)`, which
//! `closure.rs` expands).
//!
//! Expands to
//!
//! ```text
//! match (STACK, A0, A1) {
//!     (stack, a0, a1) => ::aspawn::__private::spawn::<<CHILD_FN as Spawnable>::Fn, _>(
//!         stack,
//!         <CHILD_FN>::__aspawn_sources(a0, a1),
//!     ),
//! }
//! ```
//!
//! The arguments are evaluated in the caller (so `?` and `.await` in them behave as written, and
//! their temporaries live until the spawn returns), passed through the identity
//! `#[aspawn::child]` generated (whose bounds report an argument of the wrong type at that
//! argument: each value's identifier carries its argument's span), and placed by the runtime.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Path, Token};

/// The parsed input of `spawn!`.
enum SpawnInput {
    /// `spawn!(stack, child_fn, (args…))`.
    Fn { stack: Expr, child: Path, args: Punctuated<Expr, Token![,]> },
    /// `spawn!(stack, move |cx| …)`.
    Closure { stack: Expr, closure: syn::ExprClosure },
}

impl Parse for SpawnInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        const USAGE: &str = "usage: `aspawn::spawn!(stack, move |cx| …)` or \
                             `aspawn::spawn!(stack, child_fn, (arg, …))` — `()` for no \
                             argument, `(x)` for one";
        let stack: Expr = input.parse().map_err(|e| syn::Error::new(e.span(), USAGE))?;
        input.parse::<Token![,]>().map_err(|e| syn::Error::new(e.span(), USAGE))?;
        if input.peek(Token![move]) || input.peek(Token![|]) || input.peek(Token![||]) {
            let closure: syn::ExprClosure = input.parse()?;
            if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
            }
            if !input.is_empty() {
                return Err(syn::Error::new(input.span(), USAGE));
            }
            return Ok(SpawnInput::Closure { stack, closure });
        }
        let child = Path::parse_mod_style(input).map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected the name of an `#[aspawn::child]` function; {USAGE}"),
            )
        })?;
        input.parse::<Token![,]>().map_err(|e| syn::Error::new(e.span(), USAGE))?;
        if !input.peek(syn::token::Paren) {
            return Err(syn::Error::new(
                input.span(),
                format!("the arguments go in parentheses; {USAGE}"),
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        let args = Punctuated::parse_terminated(&content)?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        if !input.is_empty() {
            return Err(syn::Error::new(input.span(), USAGE));
        }
        Ok(SpawnInput::Fn { stack, child, args })
    }
}

/// Expands `spawn!`.
pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let (stack, child, args) = match syn::parse2(input)? {
        SpawnInput::Fn { stack, child, args } => (stack, child, args),
        SpawnInput::Closure { stack, closure } => {
            return Ok(crate::closure::expand_spawn(&stack, &closure));
        }
    };
    let ms = Span::mixed_site();
    let stack_v = format_ident!("stack", span = ms);
    let vals: Vec<_> = args
        .iter()
        .enumerate()
        .map(|(i, a)| format_ident!("a{}", i, span = ms.located_at(a.span())))
        .collect();
    let args = args.iter();
    // `child` only appears in type-only positions (`<child as …>`), so a function that is not an
    // `#[aspawn::child]` fn is reported once, as "expected type, found function".
    let f = quote!(<#child as ::aspawn::__private::ops::Spawnable>::Fn);
    Ok(quote! {
        match (#stack, #(#args,)*) {
            (#stack_v, #(#vals,)*) => ::aspawn::__private::spawn::<#f, _>(
                #stack_v,
                <#child>::__aspawn_sources(#(#vals),*),
            ),
        }
    })
}
