//! `#[aspawn::child]` must reject this: reject dyn type.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _d: &dyn core::fmt::Debug = &1u32;
    cx.exit(0)
}

fn main() {}
