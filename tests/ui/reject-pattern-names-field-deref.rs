//! `#[aspawn::child]` must reject this: a unit struct named in a pattern, then read through a field (`Evil.0` auto-derefs).
#![allow(unused)]
use aspawn::{Ctx, Fd};

/// A user type whose `Deref` would run in the child.
struct Evil;

impl std::ops::Deref for Evil {
    type Target = (u8,);
    fn deref(&self) -> &(u8,) {
        let _leak = Box::new(1);
        &(7,)
    }
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let _ = cx;
    match None {
        Some(Evil) | None => {
            let _v = Evil.0;
        }
    }
    0
}

fn main() {}
