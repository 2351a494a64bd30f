//! Literals and paths in value position: what a non-local name may be.

use quote::{ToTokens, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, Path};

use super::{Prelude, Rewriter, gen_span, prelude_item};
use crate::child::check::{CAST_TARGETS, IN_CHILD, forbidden_root_message};

impl Rewriter<'_> {
    pub(super) fn lit(&mut self, lit: &ExprLit) -> Option<Expr> {
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
    pub(super) fn path_expr(&mut self, p: &syn::ExprPath) -> Option<Expr> {
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
    pub(super) fn check_path_generics(&mut self, path: &Path) -> bool {
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
    pub(super) fn check_path_root(&mut self, path: &Path) -> bool {
        if let Some(first) = path.segments.first()
            && let Some(msg) = forbidden_root_message(&first.ident)
        {
            self.reject(path, msg);
            return false;
        }
        true
    }
}
