//! `#[aspawn::child]` must reject this: a pattern identifier naming a unit struct (in a `match`) binds nothing, so the later `Token` would make a user value.
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
    match None {
        Some(Token) | None => {
            let _t = Token;
        }
    }
    0
}

fn main() {}
