//! `#[aspawn::child]` must reject this: reject unwrap.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = cx.getpid().unwrap();
    cx.exit(n)
}

fn main() {}
