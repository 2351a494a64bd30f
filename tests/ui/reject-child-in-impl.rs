//! `#[aspawn::child]` must reject this: a child function inside an `impl` block (it goes on a
//! free function; the companion items it generates cannot live in an `impl`).
#![allow(unused)]
use aspawn::Ctx;

struct Runner;

impl Runner {
    #[aspawn::child]
    fn run(cx: &Ctx) -> i32 {
        0
    }
}

fn main() {}
