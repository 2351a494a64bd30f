//! `#[aspawn::child]` must reject this: `&mut Token` with `Token` a unit struct makes a value of
//! a user type, whose `Drop` would run in the child.
#![allow(unused)]
use aspawn::{Ctx, Fd};

struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        println!("dropped in the child");
    }
}

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> i32 {
    let _t = &mut Token;
    0
}

fn main() {}
