//! `#[aspawn::child]` must reject this: reject fetch add.
#![allow(unused)]
use std::sync::atomic::{AtomicU32, Ordering};

use aspawn::{ChildResult, Ctx, Fd, ResultExt};

static COUNTER: AtomicU32 = AtomicU32::new(0);

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    COUNTER.fetch_add(1, Ordering::Relaxed);
    cx.exit(0)
}

fn main() {}
