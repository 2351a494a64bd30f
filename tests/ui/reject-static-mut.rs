//! `#[aspawn::child]` must reject this: reject static mut.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

static mut COUNT: u32 = 0;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = COUNT;
    cx.exit(n as i32)
}

fn main() {}
