//! `#[aspawn::child]` must reject this: a unit struct named in a `match` arm, used in its guard.
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
        Some(Token) | None if {
            let _t = Token;
            true
        } => 1,
        _ => 0,
    }
}

fn main() {}
