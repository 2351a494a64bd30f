//! `#[aspawn::child]` must reject this: reject raw addr.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = 1u32;
    let _p = &raw const n;
    cx.exit(0)
}

fn main() {}
