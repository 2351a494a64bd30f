//! `#[aspawn::child]` must reject this: reject const fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
const fn run(cx: &Ctx, fd: Fd) -> i32 {
    0
}

fn main() {}
