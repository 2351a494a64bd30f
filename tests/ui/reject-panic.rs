//! `#[aspawn::child]` must reject this: reject panic.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    if fd == Fd::STDIN {
        panic!("no stdin");
    }
    cx.exit(0)
}

fn main() {}
