//! `#[aspawn::child]` must reject this: reject question mark on errno.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    cx.dup2(fd, Fd::STDOUT)?;
    cx.exit(0)
}

fn main() {}
