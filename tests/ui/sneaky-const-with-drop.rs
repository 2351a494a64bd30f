//! `#[aspawn::child]` must reject this: sneaky const with drop.
#![allow(unused)]
use aspawn::{ChildResult, Ctx, Fd, ResultExt};

/// A constant of a type with `Drop`: reading it in a child would run user code.
struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        let _leak = Box::new(1);
    }
}

const TOKEN: Token = Token;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    let _t = TOKEN;
    cx.exit(0)
}

fn main() {}
