//! `#[aspawn::child]` must reject this: a unit struct named in a pattern, then passed where a `Ctx` method takes `&[u8]` (deref coercion).
#![allow(unused)]
use aspawn::{Ctx, Fd};

/// A user type whose `Deref` would run in the child.
struct Evil;

impl std::ops::Deref for Evil {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        let _leak = Box::new(1);
        &[]
    }
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    match None {
        Some(Evil) | None => {
            let _ = cx.write(Fd::STDOUT, &Evil);
        }
    }
    0
}

fn main() {}
