//! `#[aspawn::child]` must reject this: reject closure.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let double = |x: u32| x + x;
    cx.exit(double(2) as i32)
}

fn main() {}
