//! `#[aspawn::child]` must reject this: reject iter.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    for b in b"abc".iter() {
        let _ = b;
    }
    cx.exit(0)
}

fn main() {}
