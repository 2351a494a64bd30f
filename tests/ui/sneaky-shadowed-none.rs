//! `#[aspawn::child]` must reject this: sneaky shadowed none.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// A user constant named `None`: a child's `None` must never read it.
#[allow(non_upper_case_globals)]
const None: u32 = 7;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n: u32 = None;
    cx.exit(n as i32)
}

fn main() {}
