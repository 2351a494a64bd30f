//! `#[aspawn::child]` must reject this: reject const block.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = const { 1 + 1 };
    cx.exit(n)
}

fn main() {}
