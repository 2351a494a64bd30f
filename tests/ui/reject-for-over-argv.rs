//! `#[aspawn::child]` must reject this: reject for over argv.
#![allow(unused)]
use aspawn::{Argv, ChildResult, Ctx};

#[aspawn::child]
fn run(cx: &Ctx, argv: Argv) -> ChildResult {
    for arg in argv {
        let _ = arg;
    }
    cx.exit(0)
}

fn main() {}
