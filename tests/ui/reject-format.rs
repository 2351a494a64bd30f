//! `#[aspawn::child]` must reject this: reject format.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _s = format!("{}", 1);
    cx.exit(0)
}

fn main() {}
