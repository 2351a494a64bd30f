//! `#[aspawn::child]` must reject this: one violation (`unwrap`) in a body that also calls
//! helpers; the helper calls, which are fine, add no error of their own.
#![allow(unused)]
use aspawn::Ctx;

#[aspawn::child]
fn helper(cx: &Ctx, n: i32) -> Option<i32> {
    let _ = cx;
    Some(n)
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let a = helper(cx, 1);
    let b = self::helper(cx, 2);
    a.unwrap() + b.unwrap_or(0)
}

fn main() {}
