//! `#[aspawn::child]` must reject this: a helper may take `&T`/`&mut T` only of a child type;
//! `&Evil` would reach `Evil`'s `Deref` through `*r`.
#![allow(unused)]
use aspawn::Ctx;

/// A user type whose `Deref` would run in the child.
pub struct Evil;

impl std::ops::Deref for Evil {
    type Target = u8;
    fn deref(&self) -> &u8 {
        let _leak = Box::new(1);
        &7
    }
}

#[aspawn::child]
fn peek(cx: &Ctx, r: &Evil) -> u8 {
    let _ = cx;
    **r
}

fn main() {}
