//! `#[aspawn::child]` must reject this: reject str ref param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, s: &str) -> ChildResult {
    cx.exit(0)
}

fn main() {}
