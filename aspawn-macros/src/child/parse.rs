//! Parsing the attribute's input: `#[aspawn::child]` takes no arguments and goes on a `fn`.

use proc_macro2::TokenStream;
use syn::ItemFn;

/// Parses the item under the attribute. The error says where the attribute may go.
pub(crate) fn parse(args: TokenStream, item: TokenStream) -> Result<ItemFn, syn::Error> {
    if !args.is_empty() {
        return Err(syn::Error::new_spanned(args, "`#[aspawn::child]` takes no arguments"));
    }
    syn::parse2::<ItemFn>(item).map_err(|e| {
        let mut err = syn::Error::new(
            e.span(),
            "`#[aspawn::child]` goes on a free function: `fn name(cx: &Ctx, …) -> ChildResult { … }`",
        );
        err.combine(e);
        err
    })
}
