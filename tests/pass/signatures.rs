//! Every accepted signature form: spawnable (`ChildResult`, `i32`) and helpers, every child
//! parameter type, lifetimes, `_` and `mut` parameters, visibility, inert attributes.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Errno, Failure, Fd};

/// A documented child.
#[aspawn::child]
#[allow(unused_variables)]
#[inline]
pub fn every_type(
    cx: &Ctx,
    s: CStrRef,
    a: Argv,
    e: Envp,
    fd: Fd,
    i8_: i8,
    i16_: i16,
    i32_: i32,
    i64_: i64,
    isize_: isize,
    u8_: u8,
    u16_: u16,
    u32_: u32,
    u64_: u64,
    usize_: usize,
    b: bool,
    c: char,
    errno: Errno,
    maybe: Option<Fd>,
    pair: (Fd, Fd),
    fds: [Fd; 3],
    unit: (),
) -> ChildResult {
    Err(Failure::new(errno, "every_type"))
}

#[aspawn::child]
fn exit_code(_cx: &Ctx, code: i32) -> i32 {
    code
}

#[aspawn::child]
pub(crate) fn with_lifetime<'a>(cx: &'a Ctx, _: u32, mut n: u32) -> i32 {
    n += 1;
    helper_unit(cx);
    n as i32
}

#[aspawn::child]
fn helper_unit(_cx: &Ctx) {}

#[aspawn::child]
fn helper_result(_cx: &Ctx, x: u32) -> Result<u32, Errno> {
    if x == 0 { Err(Errno::INVAL) } else { Ok(x) }
}

#[aspawn::child]
fn helper_never(cx: &Ctx) -> ! {
    cx.exit(3)
}

#[aspawn::child]
#[must_use]
#[cold]
fn helper_tuple(_cx: &Ctx, fd: Fd) -> (Fd, Option<i32>) {
    (fd, Some(1))
}

#[aspawn::child]
fn no_params(cx: &Ctx) -> ChildResult {
    let _ = helper_result(cx, 1);
    let _ = helper_tuple(cx, Fd::STDIN);
    if false {
        helper_never(cx);
    }
    Err(Failure::new(Errno::PERM, "no_params"))
}

mod inner {
    use aspawn::{ChildResult, Ctx};

    #[aspawn::child]
    pub fn in_module(cx: &Ctx) -> ChildResult {
        super::no_params(cx)
    }
}

fn main() {
    // Each name is a value too (a hidden `fn(HookToken<NAME>)`: what `Command::child_hook`
    // takes).
    let _ = (every_type, exit_code, with_lifetime, inner::in_module);
}
