//! `#[aspawn::child]` must reject this: reject unsafe fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
unsafe fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    cx.exit(0)
}

fn main() {}
