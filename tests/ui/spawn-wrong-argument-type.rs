//! `spawn!` must reject an argument the child parameter's type does not accept, at that argument.
#![allow(unused)]
use aspawn::{Argv, ChildResult, Ctx, Envp, Stack};

#[aspawn::child]
fn run(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    let _ = (argv, envp);
    cx.exit(0)
}

fn main() {
    let stack = Stack::new().unwrap();
    let _ = aspawn::spawn!(stack, run, ("echo hi", Envp::inherit()));
}
