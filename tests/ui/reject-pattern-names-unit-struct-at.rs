//! `#[aspawn::child]` must reject this: a unit struct named inside an `x @ (…)` pattern.
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
        t @ (Some(Token) | None) => {
            let _ = t;
            let _t = Token;
        }
    }
    0
}

fn main() {}
