//! `#[aspawn::child]` must reject this: a unit struct named in a pattern on what a helper returns.
#![allow(unused)]
use aspawn::{Ctx, Fd};

/// A user type whose `Drop` would run in the child.
struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        let _leak = Box::new(1);
    }
}

#[aspawn::child]
fn maybe(cx: &Ctx) -> Option<Token> {
    let _ = cx;
    None
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    match maybe(cx) {
        Some(Token) | None => {
            let _t = Token;
        }
    }
    0
}

fn main() {}
