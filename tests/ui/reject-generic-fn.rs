//! `#[aspawn::child]` must reject this: reject generic fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run<T: Copy>(cx: &Ctx, t: T) -> ChildResult {
    cx.exit(0)
}

fn main() {}
