//! `#[aspawn::child]` must reject this: reject div assign.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let mut n = fd.as_raw();
    n /= 2;
    cx.exit(n)
}

fn main() {}
