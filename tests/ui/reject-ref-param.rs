//! `#[aspawn::child]` must reject this: reject ref param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, n: &u32) -> ChildResult {
    cx.exit(0)
}

fn main() {}
