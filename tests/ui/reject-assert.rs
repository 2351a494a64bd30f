//! `#[aspawn::child]` must reject this: reject assert.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    assert!(fd != Fd::STDIN);
    cx.exit(0)
}

fn main() {}
