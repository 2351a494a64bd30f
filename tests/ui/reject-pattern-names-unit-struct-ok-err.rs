//! `#[aspawn::child]` must reject this: a unit struct named in `Ok(Token) | Err(_)`.
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
    match Err(0) {
        Ok(Token) | Err(_) => {
            let _t = Token;
        }
    }
    0
}

fn main() {}
