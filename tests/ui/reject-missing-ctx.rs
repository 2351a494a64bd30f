//! `#[aspawn::child]` must reject this: reject missing ctx.
#![allow(unused)]
use aspawn::Fd;

#[aspawn::child]
fn run(fd: Fd) -> i32 {
    0
}

fn main() {}
