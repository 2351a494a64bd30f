//! `#[aspawn::child]` must reject this: reject use.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    use std::process::exit;
    cx.exit(0)
}

fn main() {}
