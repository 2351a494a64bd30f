//! `#[aspawn::child]` must reject this: reject vec.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _v = vec![1, 2, 3];
    cx.exit(0)
}

fn main() {}
