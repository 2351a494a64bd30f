//! A child closure must refuse this: a body rule broken inside a grandchild closure (`/`), in an `#[aspawn::child]` function.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, code: i32) -> ChildResult {
    let _ = cx.spawn(move |cx| cx.exit(code / 2));
    cx.exit(0)
}

fn main() {}
