//! The runtime entry of child closures must refuse this: an unchecked closure passed with an
//! `#[aspawn::child]` function's struct (approved, but not a closure witness) from safe code.
#![forbid(unsafe_code)]
#![allow(unused)]
use aspawn::{Ctx, Stack};

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    0
}

fn main() {
    let _ = aspawn::__private::spawn_closure::<run, _, _, _, _>(
        Stack::new().unwrap(),
        (),
        |_cx: &Ctx, (): ()| {
            println!("unchecked code in the child");
            0
        },
    );
}
