//! `#[aspawn::child]` must reject this: reject vec param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, args: Vec<u8>) -> ChildResult {
    cx.exit(0)
}

fn main() {}
