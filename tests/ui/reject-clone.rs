//! `#[aspawn::child]` must reject this: reject clone.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _f = fd.clone();
    cx.exit(0)
}

fn main() {}
