//! `for` loops over ranges, rewritten to `while` loops on the kit's comparisons.

use proc_macro2::Span;
use quote::quote_spanned;
use syn::{Expr, Ident, Pat, RangeLimits};

use super::{Rewriter, gen_span};
use crate::child::check::{self, IN_CHILD};

impl Rewriter<'_> {
    pub(super) fn for_loop(&mut self, expr: &mut Expr) {
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
}
