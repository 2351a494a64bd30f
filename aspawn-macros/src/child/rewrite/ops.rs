//! Operators and `?`: each becomes a sealed call of the runtime's kit.

use proc_macro2::Span;
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, ExprLit, Ident, Lit, UnOp};

use super::{Rewriter, gen_span, unparen};
use crate::child::check::IN_CHILD;

impl Rewriter<'_> {
    pub(super) fn binary(&mut self, expr: &mut Expr) {
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

    pub(super) fn unary(&mut self, expr: &mut Expr) {
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

    pub(super) fn try_expr(&mut self, expr: &mut Expr) {
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
}
