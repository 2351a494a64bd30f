//! `#[aspawn::child]` must reject this: reject impl trait param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, n: impl Copy) -> ChildResult {
    cx.exit(0)
}

fn main() {}
