//! `#[aspawn::child]` must reject this: `cx.spawn` of a function that is not an
//! `#[aspawn::child]` function.
#![allow(unused)]
use aspawn::Ctx;

fn plain(cx: &Ctx) -> i32 {
    0
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    match cx.spawn(plain, ()) {
        Ok(_) => 0,
        Err(_) => 1,
    }
}

fn main() {}
