//! `spawn!` must reject a function that is not `#[aspawn::child]`.
#![allow(unused)]
use aspawn::{Ctx, Stack};

fn plain(_cx: &Ctx) -> i32 {
    0
}

fn main() {
    let stack = Stack::new().unwrap();
    let _ = aspawn::spawn!(stack, plain, ());
}
