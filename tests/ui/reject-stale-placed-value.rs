//! `aspawn::__private::spawn` takes the parent-side values and places them itself: an already
//! placed `Argv` (a `Copy` pointer into some stack) is not accepted, so no child can be handed
//! one that points into another spawn's stack. (It used to take a placement closure, which could
//! return such a value.)
use aspawn::{Argv, Ctx, Stack};

#[aspawn::child]
fn len(cx: &Ctx, argv: Argv) -> i32 {
    let _ = cx;
    argv.len() as i32
}

fn respawn(stack: Stack, kept: Argv) {
    let _ = aspawn::__private::spawn::<len, _>(stack, (kept,));
}

fn main() {
    let _ = respawn;
}
