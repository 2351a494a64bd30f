//! `#[aspawn::child]` must reject this: sneaky method named like allowed.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// A user trait whose method is named like an allowed one (`len`), for `u32`, which has none.
trait Sneaky {
    fn len(&self) -> usize;
}

impl Sneaky for u32 {
    fn len(&self) -> usize {
        let _leak = Box::new(1);
        0
    }
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let n = 5u32.len();
    cx.exit(n as i32)
}

fn main() {}
