//! `#[aspawn::child]` must reject this: sneaky user macro hiding println.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// Looks innocent at the call site; expands to `println!`.
macro_rules! greet {
    () => {
        println!("hi")
    };
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    greet!();
    cx.exit(0)
}

fn main() {}
