//! `#[aspawn::child]` must reject this: reject fn pointer param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, f: fn() -> i32) -> ChildResult {
    cx.exit(0)
}

fn main() {}
