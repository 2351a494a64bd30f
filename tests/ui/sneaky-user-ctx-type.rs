//! `#[aspawn::child]` must reject this: sneaky user ctx type.
#![allow(unused)]
use aspawn::ChildResult;

/// A user type named `Ctx` with a method named like a `Ctx` method.
struct Ctx;

impl Ctx {
    fn exit(&self, _code: i32) -> ! {
        std::process::abort()
    }
}

#[aspawn::child]
fn run(cx: &Ctx) -> ChildResult {
    cx.exit(0)
}

fn main() {}
