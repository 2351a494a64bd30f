//! `#[aspawn::child]` must reject this: reject expect.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    cx.dup2(fd, Fd::STDOUT).expect("dup2");
    cx.exit(0)
}

fn main() {}
