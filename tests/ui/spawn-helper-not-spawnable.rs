//! `spawn!` must reject a helper: only a child returning `ChildResult` or `i32` can be spawned.
#![allow(unused)]
use aspawn::{Ctx, Stack};

#[aspawn::child]
fn helper(_cx: &Ctx, n: u32) -> u32 {
    n
}

fn main() {
    let stack = Stack::new().unwrap();
    let _ = aspawn::spawn!(stack, helper, (1u32));
}
