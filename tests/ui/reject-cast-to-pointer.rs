//! `#[aspawn::child]` must reject this: reject cast to pointer.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _p = fd.as_raw() as *const u8;
    cx.exit(0)
}

fn main() {}
