//! `#[aspawn::child]` must reject this: reject async block.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _f = async { 1 };
    cx.exit(0)
}

fn main() {}
