//! `#[aspawn::child]` must reject this: an associated function and a trait method written from
//! `self::` get past the syntactic check, and the type system refuses them (they are not an
//! `#[aspawn::child]` function's struct).
#![allow(unused)]
use aspawn::{Ctx, Fd};

struct Evil;

impl Evil {
    fn make(_: &Ctx) -> i32 {
        let _leak = Box::new(1);
        0
    }
}

trait Sneaky {
    fn sneak(cx: &Ctx) -> i32;
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    self::Evil::make(cx) + self::Sneaky::sneak(cx)
}

fn main() {}
