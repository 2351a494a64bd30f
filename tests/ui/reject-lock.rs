//! `#[aspawn::child]` must reject this: reject lock.
#![allow(unused)]
use std::sync::Mutex;

use aspawn::{ChildResult, Ctx, Fd, ResultExt};

static LOCK: Mutex<u32> = Mutex::new(0);

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _guard = LOCK.lock();
    cx.exit(0)
}

fn main() {}
