//! `#[aspawn::child]` must reject this: reject float.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let x = 1.5;
    let _ = x;
    cx.exit(0)
}

fn main() {}
