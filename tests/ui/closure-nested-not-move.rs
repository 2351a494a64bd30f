//! A child closure must refuse this: a grandchild closure without `move`, in an `#[aspawn::child]` function.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, code: i32) -> ChildResult {
    let _ = cx.spawn(|cx| cx.exit(code));
    cx.exit(0)
}

fn main() {}
