//! `#[aspawn::child]` must reject this: reject direct recursion.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn count(cx: &Ctx, n: u32) -> i32 {
    if n == 0 {
        return 0;
    }
    count(cx, n - 1)
}

fn main() {}
