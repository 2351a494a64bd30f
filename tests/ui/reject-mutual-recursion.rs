//! `#[aspawn::child]` must reject this: recursion through two helpers (`ping` → `pong` →
//! `ping`), which would overflow the child's small stack. The attribute cannot see it in one
//! function; `Approved::DEPTH` turns it into a compile-time cycle error naming both.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn ping(cx: &Ctx, n: u64) -> u64 {
    if n == 0 { 0 } else { pong(cx, n - 1) }
}

#[aspawn::child]
fn pong(cx: &Ctx, n: u64) -> u64 {
    ping(cx, n)
}

fn main() {}
