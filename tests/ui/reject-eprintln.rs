//! `#[aspawn::child]` must reject this: reject eprintln.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    eprintln!("oops");
    cx.exit(0)
}

fn main() {}
