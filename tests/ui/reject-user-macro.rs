//! `#[aspawn::child]` must reject this: reject user macro.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

macro_rules! my_exit {
    ($cx:ident) => {
        $cx.exit(1)
    };
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    my_exit!(cx);
    cx.exit(0)
}

fn main() {}
