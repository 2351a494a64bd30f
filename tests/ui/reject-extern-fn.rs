//! `#[aspawn::child]` must reject this: reject extern fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
extern "C" fn run(cx: &Ctx, fd: Fd) -> i32 {
    0
}

fn main() {}
