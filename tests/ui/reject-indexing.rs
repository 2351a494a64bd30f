//! `#[aspawn::child]` must reject this: reject indexing.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let a = [1, 2, 3];
    cx.exit(a[(fd.as_raw() as usize)])
}

fn main() {}
