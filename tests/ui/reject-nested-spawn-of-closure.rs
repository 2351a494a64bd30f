//! `#[aspawn::child]` must reject this: `cx.spawn` of anything but an `#[aspawn::child]`
//! function named by path.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    match cx.spawn(|| 0, ()) {
        Ok(_) => 0,
        Err(_) => 1,
    }
}

fn main() {}
