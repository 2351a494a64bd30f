//! `#[aspawn::child]` must reject this: a bare `const` name in a pattern (even of an integer
//! type: the attribute cannot see types). Written as a path, `self::LIMIT`, it is accepted
//! (`macro_accepts.rs`).
#![allow(unused)]
use aspawn::Ctx;

const LIMIT: u32 = 7;

#[aspawn::child]
fn run(cx: &Ctx, n: u32) -> i32 {
    let _ = cx;
    match n {
        LIMIT => 1,
        _ => 0,
    }
}

fn main() {}
