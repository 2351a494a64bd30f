//! `#[aspawn::child]` must reject this: reject libc call.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let pid = libc::getpid();
    pid
}

fn main() {}
