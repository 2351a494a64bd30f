//! `#[aspawn::child]` must reject this: reject println.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    println!("hello from the child");
    cx.exit(0)
}

fn main() {}
