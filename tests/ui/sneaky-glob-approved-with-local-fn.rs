//! `#[aspawn::child]` must reject this: sneaky glob approved with local fn.
#![allow(unused)]
use aspawn::{ChildResult, Ctx};

mod approved {
    use aspawn::{ChildResult, Ctx};

    #[aspawn::child]
    pub fn helper(cx: &Ctx) -> ChildResult {
        cx.exit(0)
    }
}

/// Glob-imports the approved `helper` (and its marker type)...
#[allow(unused_imports)]
use approved::*;

/// ...but a local, unapproved `helper` shadows the function. The child must still call the
/// approved one: a call with this one's signature fails.
fn helper(_cx: &Ctx, n: u32) -> ChildResult {
    let _leak = Box::new(n);
    loop {}
}

#[aspawn::child]
fn run(cx: &Ctx) -> ChildResult {
    helper(cx, 1)
}

fn main() {}
