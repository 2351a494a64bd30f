//! Patterns: every bare name becomes a new binding (`x @ _`).

use quote::quote;
use syn::{Lit, Pat, Path};

use super::{Prelude, Rewriter, absolute_prelude, gen_span, macro_name, prelude_item};
use crate::child::check::{self, IN_CHILD, macro_message};

impl Rewriter<'_> {
    // ---------------------------------------------------------------------------------------
    // Patterns

    /// Walks a pattern: binds its names in the current scope and makes `Some`/`None`/`Ok`/`Err`
    /// absolute, so a user item of that name is never matched instead.
    pub(super) fn pat(&mut self, pat: &mut Pat) {
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
