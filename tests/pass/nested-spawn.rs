//! `cx.spawn(f, (args…))`: a grandchild of an `#[aspawn::child]` function, with no argument,
//! one (`(x)`), several, a tuple local, and a path to the function; the call depth of a chain
//! of helpers and nested spawns stays within the bound.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd};

#[aspawn::child]
fn exit_zero(_cx: &Ctx) -> i32 {
    0
}

#[aspawn::child]
fn exit_with(_cx: &Ctx, code: i32) -> i32 {
    code
}

#[aspawn::child]
fn exec(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.execve(prog, argv, envp).context("execve")
}

mod inner {
    use aspawn::Ctx;

    #[aspawn::child]
    pub fn exit_one(_cx: &Ctx) -> i32 {
        1
    }
}

#[aspawn::child]
fn parent(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> i32 {
    let a = cx.spawn(exit_zero, ());
    let b = cx.spawn(exit_with, (3));
    let c = cx.spawn(exec, (prog, argv, envp));
    let d = cx.spawn(inner::exit_one, ());
    let e = cx.spawn(self::exit_with, (out.as_raw(),));
    if a.is_ok() && b.is_ok() && c.is_ok() && d.is_ok() && e.is_ok() { 0 } else { 1 }
}

fn main() {
    let _ = aspawn::spawn!(
        aspawn::Stack::new().unwrap(),
        parent,
        (c"/bin/true", &["true"], Envp::empty(), Fd::STDOUT)
    );
}
