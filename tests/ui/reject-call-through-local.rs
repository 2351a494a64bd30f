//! `#[aspawn::child]` must reject this: reject call through local.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn helper(cx: &Ctx) -> ChildResult {
    cx.exit(0)
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let f = helper;
    f(cx)
}

fn main() {}
