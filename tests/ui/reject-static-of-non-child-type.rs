//! `#[aspawn::child]` must reject this: reject static of non child type.
#![allow(unused)]
use std::sync::atomic::AtomicU32;

use aspawn::{ChildResult, Ctx, Fd, ResultExt};

static COUNTER: AtomicU32 = AtomicU32::new(0);

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let c = &COUNTER;
    let _ = c;
    cx.exit(0)
}

fn main() {}
