//! `#[aspawn::child]` must reject this: reject integer method by path.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = u32::checked_add(1, 2);
    let _ = n;
    cx.exit(0)
}

fn main() {}
