//! `#[aspawn::child]` must reject this: reject call through paren.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn helper(cx: &Ctx) -> ChildResult {
    cx.exit(0)
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    (helper)(cx)
}

fn main() {}
