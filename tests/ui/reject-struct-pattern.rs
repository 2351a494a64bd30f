//! `#[aspawn::child]` must reject this: reject struct pattern.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

struct Point {
    x: u32,
}

#[aspawn::child]
fn run(cx: &Ctx, pair: (u32, u32)) -> ChildResult {
    let (a, b) = pair;
    match a {
        Point { x, .. } => cx.exit(x as i32 + b as i32),
    }
}

fn main() {}
