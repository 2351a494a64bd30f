//! `use aspawn::ResultExt`, written for `.context(…)` in child bodies, is not reported unused
//! (the rewrite calls `__private::methods::context`; a never-run probe names the trait).
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{ChildResult, Ctx, Fd, ResultExt};

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> ChildResult {
    cx.dup2(fd, Fd::STDOUT).context("dup2")?;
    cx.exit(0)
}

fn main() {
    let _ = run;
}
