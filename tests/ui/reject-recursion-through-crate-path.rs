//! `#[aspawn::child]` must reject this: direct recursion written as `crate::countdown`, which
//! the name check does not recognise; `Approved::DEPTH` makes it a compile-time cycle error.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn countdown(cx: &Ctx, n: u64) -> u64 {
    if n == 0 { 0 } else { crate::countdown(cx, n - 1) }
}

fn main() {}
