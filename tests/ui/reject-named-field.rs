//! `#[aspawn::child]` must reject this: reject named field.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, p: (u32, u32)) -> ChildResult {
    let _v = p.x;
    cx.exit(0)
}

fn main() {}
