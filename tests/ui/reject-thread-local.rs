//! `#[aspawn::child]` must reject this: reject thread local.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    thread_local! {
        static X: u32 = 0;
    }
    cx.exit(0)
}

fn main() {}
