//! `#[aspawn::child]` must reject this: reject to owned.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _s = b"x".to_owned();
    cx.exit(0)
}

fn main() {}
