//! `#[aspawn::child]` must reject this: a `const None` of a `Drop` type, borrowed mutably (a
//! place is not rewritten to the absolute `Option::None`).
#![allow(unused, non_upper_case_globals)]
use aspawn::{Ctx, Fd};

struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        println!("dropped in the child");
    }
}

const None: Token = Token;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> i32 {
    let _t = &mut None;
    0
}

fn main() {}
