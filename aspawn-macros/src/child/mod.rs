//! `#[aspawn::child]`: parse → check → rewrite → expand.

pub(crate) mod check;
mod expand;
mod parse;
pub(crate) mod rewrite;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::Errors;

/// Expands `#[aspawn::child]` on `item`. On any violation, the output is the function unchanged
/// beside one `compile_error!` per violation, so the rest of the crate does not drown in
/// secondary errors.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let func = match parse::parse(args, item.clone()) {
        Ok(func) => func,
        Err(e) => {
            let e = e.into_compile_error();
            return quote!(#e #item);
        }
    };
    let mut errors = Errors::default();
    check::check_attrs(&func.attrs, &mut errors);
    let sig = check::check_signature(&func, &mut errors);

    let mut rewritten = func.clone();
    let mut rewriter = rewrite::Rewriter::new(&mut errors, func.sig.ident.clone());
    rewriter.params(&mut rewritten.sig.inputs);
    rewriter.block(&mut rewritten.block);
    let uses_context = rewriter.uses_context;
    let callees = std::mem::take(&mut rewriter.callees);
    let nested = std::mem::take(&mut rewriter.nested_depths);

    match (errors.finish(), sig) {
        (Ok(()), Some(sig)) => {
            expand::expand(&sig, &rewritten, true, uses_context, &callees, &nested)
        }
        (Err(e), sig) => {
            // The unchanged function, and (when its signature allows) its companion items, so
            // that callers and `spawn!` sites report no secondary errors.
            let e = e.into_compile_error();
            let mut func = func;
            rewrite::error_path_syntax(&mut func.block, &callees);
            let rest = match sig {
                Some(sig) => expand::expand(&sig, &func, false, false, &[], &[]),
                None => quote!(#func),
            };
            quote!(#e #rest)
        }
        (Ok(()), None) => unreachable!("an unexpandable signature always records an error"),
    }
}
