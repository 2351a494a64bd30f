//! `#[aspawn::child]` must reject this: a `const` of a user type named in a pattern.
#![allow(unused)]
use aspawn::{Ctx, Fd};

/// A user type whose `Drop` would run in the child (`derive`d equality: a `const` of it may be
/// a pattern).
#[derive(PartialEq, Eq)]
struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        let _leak = Box::new(1);
    }
}

const EVIL: Token = Token;

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let _ = cx;
    match None {
        Some(EVIL) | None => {
            let _t = EVIL;
        }
    }
    0
}

fn main() {}
