//! `#[aspawn::child]` must reject this: reject string param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, s: String) -> ChildResult {
    cx.exit(0)
}

fn main() {}
