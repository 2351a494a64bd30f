//! `#[aspawn::child]` must reject this: `Helpers::one(cx)` reads as an associated function; the
//! message says to write a module named upper-case from `self::` (which `macro_accepts.rs` runs).
#![allow(unused, non_snake_case)]
use aspawn::Ctx;

mod Helpers {
    use aspawn::Ctx;

    #[aspawn::child]
    pub fn one(cx: &Ctx) -> i32 {
        let _ = cx;
        1
    }
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    Helpers::one(cx)
}

fn main() {}
