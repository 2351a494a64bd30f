//! `#[aspawn::child]` must reject this: reject slicing.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    cx.write_all(fd, &b"hello"[1..]).context("write")?;
    cx.exit(0)
}

fn main() {}
