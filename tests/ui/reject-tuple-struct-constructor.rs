//! `#[aspawn::child]` must reject this: reject tuple struct constructor.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

struct Wrapper(u32);

impl Drop for Wrapper {
    fn drop(&mut self) {}
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _w = Wrapper(1);
    cx.exit(0)
}

fn main() {}
