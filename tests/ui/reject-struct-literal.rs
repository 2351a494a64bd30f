//! `#[aspawn::child]` must reject this: reject struct literal.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

struct Point {
    x: u32,
    y: u32,
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _p = Point { x: 1, y: 2 };
    cx.exit(0)
}

fn main() {}
