//! The error path: the few rewrites a body with violations still gets.

use quote::ToTokens;
use syn::{Block, Expr, Path};

use super::unparen;

/// The error path's only rewrites, so that a function emitted unchanged beside its violations
/// reports nothing else about its correct parts: `cx.spawn(f, (a, b))` → `cx.spawn::<f>((a,
/// b,))`, the runtime's own signature (else a wrong argument count for each nested spawn), and
/// each call the walk accepted as a call of a child function (`callees`) →
/// `(<f as Approved>::CALL)(…)` (else a mismatch with the hidden `fn f(HookToken<f>)` that
/// carries the name as a value).
pub(crate) fn error_path_syntax(block: &mut Block, callees: &[Path]) {
    struct Fix {
        /// The accepted callees, as written.
        callees: Vec<String>,
    }
    impl syn::visit_mut::VisitMut for Fix {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, e);
            // `cx.spawn(move |cx| …)`: the closure was reported with the body's violations.
            if let Expr::MethodCall(m) = e
                && m.method == "spawn"
                && m.args.len() == 1
                && matches!(unparen(&m.args[0]), Expr::Closure(_))
            {
                *e = syn::parse_quote!(::aspawn::__private::refused::<
                    ::core::result::Result<i32, ::aspawn::Failure>,
                >());
                return;
            }
            let Expr::Call(c) = e else { return };
            let Expr::Path(f) = &*c.func else { return };
            let written = f.path.to_token_stream().to_string();
            if f.qself.is_some() || !self.callees.contains(&written) {
                return;
            }
            let (path, args) = (&f.path, &c.args);
            *e = syn::parse_quote!((<#path as ::aspawn::__private::Approved>::CALL)(#args));
        }
        fn visit_expr_method_call_mut(&mut self, m: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, m);
            if m.method != "spawn" || m.turbofish.is_some() || m.args.len() != 2 {
                return;
            }
            let Expr::Path(f) = unparen(&m.args[0]) else { return };
            let f = f.clone();
            let elems: Vec<Expr> = match &m.args[1] {
                Expr::Tuple(t) => t.elems.iter().cloned().collect(),
                Expr::Paren(p) => vec![(*p.expr).clone()],
                _ => return,
            };
            m.turbofish = Some(syn::parse_quote!(::<#f>));
            m.args = syn::parse_quote!((#(#elems,)*));
        }
    }
    let callees = callees.iter().map(|p| p.to_token_stream().to_string()).collect();
    syn::visit_mut::VisitMut::visit_block_mut(&mut Fix { callees }, block);
}
