//! `#[aspawn::child]` must reject this: reject remainder.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let odd = fd.as_raw() % 2;
    cx.exit(odd)
}

fn main() {}
