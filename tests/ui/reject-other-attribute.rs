//! `#[aspawn::child]` must reject this: reject other attribute.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
#[unsafe(no_mangle)]
fn run(cx: &Ctx) -> i32 {
    0
}

fn main() {}
