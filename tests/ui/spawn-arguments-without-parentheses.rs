//! `spawn!` takes its arguments in parentheses.
#![allow(unused)]
use aspawn::{Ctx, Stack};

#[aspawn::child]
fn run(_cx: &Ctx, n: i32) -> i32 {
    n
}

fn main() {
    let stack = Stack::new().unwrap();
    let _ = aspawn::spawn!(stack, run, 1);
}
