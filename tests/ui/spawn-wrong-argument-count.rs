//! `spawn!` must reject a call with the wrong number of arguments.
#![allow(unused)]
use aspawn::{Ctx, Stack};

#[aspawn::child]
fn run(_cx: &Ctx, a: i32, b: i32) -> i32 {
    a + b
}

fn main() {
    let stack = Stack::new().unwrap();
    let _ = aspawn::spawn!(stack, run, (1));
}
