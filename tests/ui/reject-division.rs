//! `#[aspawn::child]` must reject this: reject division.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let half = fd.as_raw() / 2;
    cx.exit(half)
}

fn main() {}
