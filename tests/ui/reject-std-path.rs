//! `#[aspawn::child]` must reject this: reject std path.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    std::process::exit(1)
}

fn main() {}
