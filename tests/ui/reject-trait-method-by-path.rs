//! `#[aspawn::child]` must reject this: reject trait method by path.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

trait Evil {
    fn evil(&self);
}

impl Evil for Fd {
    fn evil(&self) {}
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    Evil::evil(&fd);
    cx.exit(0)
}

fn main() {}
