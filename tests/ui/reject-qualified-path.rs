//! `#[aspawn::child]` must reject this: reject qualified path.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = <u32 as Default>::default();
    cx.exit(n as i32)
}

fn main() {}
