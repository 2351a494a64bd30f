//! Blocks and statements: scopes, `let`, items refused, expression statements.

use syn::{Block, Pat, Stmt};

use super::{Rewriter, macro_name};
use crate::child::check::{self, IN_CHILD, macro_message};

impl Rewriter<'_> {
    // ---------------------------------------------------------------------------------------
    // Blocks and statements

    /// Walks the patterns of the function's parameters (`cx` included), binding their names
    /// in the outermost scope.
    pub(crate) fn params(
        &mut self,
        inputs: &mut syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>,
    ) {
        for input in inputs {
            // Other patterns were reported by `check_signature`.
            if let syn::FnArg::Typed(pt) = input
                && check::is_param_pattern(&pt.pat)
            {
                self.pat(&mut pt.pat);
                let mut_ref = matches!(&*pt.ty, syn::Type::Reference(r) if r.mutability.is_some());
                if let (true, Pat::Ident(p), Some(scope)) =
                    (mut_ref, &*pt.pat, self.scopes.last_mut())
                    && let Some(last) = scope.last_mut()
                    && last.0 == p.ident
                {
                    last.1 = true;
                }
            }
        }
    }

    /// Binds the `cx` pattern of a child closure (`|cx|`, `|_cx|`, `|_|`).
    pub(crate) fn closure_param(&mut self, pat: &mut Pat) {
        self.pat(pat);
    }

    /// Walks a block in a scope of its own.
    pub(crate) fn block(&mut self, block: &mut Block) {
        self.scopes.push(Vec::new());
        for stmt in &mut block.stmts {
            self.stmt(stmt);
        }
        self.scopes.pop();
    }

    pub(super) fn stmt(&mut self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Local(local) => {
                check::check_attrs(&local.attrs, self.errors);
                if let Some(init) = &mut local.init {
                    self.expr(&mut init.expr);
                    if let Some((_, diverge)) = &mut init.diverge {
                        self.expr(diverge);
                    }
                }
                self.pat(&mut local.pat);
            }
            Stmt::Item(item) => {
                let what = match item {
                    syn::Item::Use(_) => "`use` is not allowed",
                    syn::Item::Fn(_) => "a nested function is not allowed",
                    syn::Item::Macro(_) => "a macro definition is not allowed",
                    syn::Item::Static(_) => "a `static` is not allowed",
                    syn::Item::Const(_) => "a nested `const` is not allowed",
                    _ => "a nested item is not allowed",
                };
                self.reject(
                    &*item,
                    format!(
                        "{what} {IN_CHILD}: move it out of the function (a function the child \
                         calls must itself be an `#[aspawn::child]` function)"
                    ),
                );
            }
            Stmt::Expr(expr, _) => self.expr(expr),
            Stmt::Macro(m) => {
                let name = macro_name(&m.mac.path);
                self.reject(&m.mac, macro_message(&name));
            }
        }
    }
}
