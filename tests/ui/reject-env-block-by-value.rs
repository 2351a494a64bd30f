//! An `EnvBlock` is lent to a child only by reference (`&block`): by value it would be dropped
//! at the end of `spawn!`'s argument list, so it is not a placement source.
use aspawn::{Argv, ChildResult, Ctx, EnvBlock, Envp, ResultExt, Stack};

#[aspawn::child]
fn run(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    cx.execve(c"/bin/true", argv, envp).context("execve")
}

fn main() {
    let block = EnvBlock::capture();
    let _ = aspawn::spawn!(Stack::new().unwrap(), run, (&["true"], block));
}
