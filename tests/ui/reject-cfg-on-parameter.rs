//! `#[aspawn::child]` must reject this: an attribute on a parameter (`#[cfg]` would remove it
//! after the attribute generated the argument block).
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn run(cx: &Ctx, #[cfg(any())] code: i32) -> i32 {
    0
}

fn main() {}
