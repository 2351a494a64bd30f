//! `#[aspawn::child]` must reject this: reject user struct param.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

#[derive(Clone, Copy)]
struct Config {
    verbose: bool,
}

#[aspawn::child]
fn run(cx: &Ctx, c: Config) -> ChildResult {
    cx.exit(0)
}

fn main() {}
