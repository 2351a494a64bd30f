//! `#[aspawn::child]` must reject this: reject attribute arguments.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child(fast)]
fn run(cx: &Ctx) -> i32 {
    0
}

fn main() {}
