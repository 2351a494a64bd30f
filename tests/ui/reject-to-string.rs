//! `#[aspawn::child]` must reject this: reject to string.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _s = "x".to_string();
    cx.exit(0)
}

fn main() {}
