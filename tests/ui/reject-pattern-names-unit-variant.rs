//! `#[aspawn::child]` must reject this: a unit enum variant imported with `use E::V;` named in a pattern.
#![allow(unused)]
use aspawn::Ctx;

/// A user enum whose `Drop` would run in the child.
enum E {
    V,
}

impl Drop for E {
    fn drop(&mut self) {
        let _leak = Box::new(1);
    }
}

use E::V;

#[aspawn::child]
fn run(cx: &Ctx) -> i32 {
    let _ = cx;
    match None {
        Some(V) | None => {
            let _v = V;
        }
    }
    0
}

fn main() {}
