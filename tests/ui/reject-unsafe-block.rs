//! `#[aspawn::child]` must reject this: reject unsafe block.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = unsafe { core::ptr::read_volatile(&0u32) };
    cx.exit(n as i32)
}

fn main() {}
