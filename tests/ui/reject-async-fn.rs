//! `#[aspawn::child]` must reject this: reject async fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
async fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    cx.exit(0)
}

fn main() {}
