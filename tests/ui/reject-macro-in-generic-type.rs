//! `#[aspawn::child]` must reject this: a macro inside a type's generic arguments.
#![allow(unused)]
use aspawn::Ctx;

macro_rules! number {
    () => {
        u32
    };
}

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let x: Option<number!()> = None;
    0
}

fn main() {}
