//! `#[aspawn::child]` must reject this: sneaky user trait on fd.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// A user trait implemented for a child type: its methods must not be callable.
trait Evil {
    fn evil(&self);
}

impl Evil for Fd {
    fn evil(&self) {
        let _leak = Box::new(1);
    }
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    fd.evil();
    cx.exit(0)
}

fn main() {}
