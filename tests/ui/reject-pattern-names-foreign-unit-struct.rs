//! `#[aspawn::child]` must reject this: a unit struct of another crate (`std::alloc::System`,
//! the system allocator) named in a pattern.
#![allow(unused)]
use aspawn::Ctx;
use std::alloc::System;

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let _ = cx;
    match None {
        Some(System) | None => {
            let _a = System;
        }
    }
    0
}

fn main() {}
