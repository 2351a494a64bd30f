//! `#[aspawn::child]` must reject this: sneaky shadowed some.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// A user function named `Some`: a child's `Some(x)` must never call it.
#[allow(non_snake_case)]
fn Some(x: u32) -> u32 {
    x
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n: u32 = Some(5);
    cx.exit(n as i32)
}

fn main() {}
