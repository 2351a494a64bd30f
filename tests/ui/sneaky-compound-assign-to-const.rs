//! `#[aspawn::child]` must reject this: `LIMIT += 1` on a `const` (a place that is not a local:
//! it would borrow a temporary of the constant's type mutably).
#![allow(unused)]
use aspawn::{Ctx, Fd};

const LIMIT: u32 = 10;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> i32 {
    LIMIT += 1;
    0
}

fn main() {}
