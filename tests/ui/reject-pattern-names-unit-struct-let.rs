//! `#[aspawn::child]` must reject this: a unit struct named in a `let` pattern.
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
fn run(cx: &Ctx) -> i32 {
    let _ = cx;
    let (Some(Token) | None) = None;
    let _t = Token;
    0
}

fn main() {}
