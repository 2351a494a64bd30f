//! `#[aspawn::child]` must reject this: reject nested fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    fn inner() -> i32 {
        1
    }
    cx.exit(0)
}

fn main() {}
