//! `#[aspawn::child]` must reject this: reject range value.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let r = 0..3;
    let _ = r;
    cx.exit(0)
}

fn main() {}
