//! `#[aspawn::child]` must reject this: `&mut CONST` makes a temporary of the constant's type,
//! whose `Drop` would run in the child (reading `TOKEN` is checked; borrowing it mutably was not).
#![allow(unused)]
use aspawn::{Ctx, Fd};

struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        let _leak = Box::new(1);
    }
}

const TOKEN: Token = Token;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> i32 {
    let _t = &mut TOKEN;
    0
}

fn main() {}
