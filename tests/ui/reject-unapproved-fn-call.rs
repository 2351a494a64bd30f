//! `#[aspawn::child]` must reject this: reject unapproved fn call.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// Not an `#[aspawn::child]` function.
fn plain(n: i32) -> i32 {
    n
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = plain(1);
    cx.exit(n)
}

fn main() {}
