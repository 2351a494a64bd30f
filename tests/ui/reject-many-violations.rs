//! `#[aspawn::child]` must reject this: reject many violations.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    println!("start");
    let v = vec![1u8];
    let n = (fd.as_raw() / 2) % 3;
    let _ = (v, n);
    cx.getpid().unwrap();
    unsafe {}
    cx.exit(0)
}

fn main() {}
