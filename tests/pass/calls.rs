//! Calls: `Ctx` methods (method and path form), helpers calling helpers (also through module
//! paths, `self::`, `super::`, `crate::`), `Some`/`None`/`Ok`/`Err` (also `Option::Some` …),
//! `Failure::new`, `Fd::from_raw`, `CStrRef::from_static`, constants and statics of child value
//! types, associated constants, `?` on `Result<_, Failure>`, `Result<_, Errno>` and `Option`.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{CStrRef, ChildResult, Ctx, Errno, Failure, Fd};

const GREETING: &[u8] = b"hello\n";
const STEP: &str = "write greeting";
static OUT: Fd = Fd::STDOUT;
const PAIR: (u32, Option<Fd>) = (1, None);

#[aspawn::child]
fn write_greeting(cx: &Ctx, fd: Fd) -> Result<(), Failure> {
    cx.write_all(fd, GREETING).context(STEP)?;
    aspawn::Ctx::write_all(cx, fd, b"again\n").context("path form")?;
    Ctx::write(cx, fd, b"").context("path form")?;
    Ok(())
}

#[aspawn::child]
fn raw(cx: &Ctx, fd: Fd) -> Result<usize, Errno> {
    let n = cx.write(fd, b"x")?;
    Ok(n)
}

#[aspawn::child]
fn first_byte(_cx: &Ctx, s: CStrRef) -> Option<u8> {
    let b = s.get(0)?;
    Some(b)
}

#[aspawn::child]
fn twice(cx: &Ctx, fd: Fd) -> Result<(), Failure> {
    write_greeting(cx, fd)?;
    self::write_greeting(cx, fd)?;
    crate::nested::deeper(cx, fd)?;
    nested::deeper(cx, fd)
}

mod nested {
    use aspawn::{Ctx, Failure, Fd};

    #[aspawn::child]
    pub fn deeper(cx: &Ctx, fd: Fd) -> Result<(), Failure> {
        super::write_greeting(cx, fd)
    }
}

#[aspawn::child]
fn main_child(cx: &Ctx) -> ChildResult {
    twice(cx, OUT)?;
    let _ = raw(cx, Fd::from_raw(1)).context("raw")?;
    let _ = first_byte(cx, CStrRef::from_static(c"abc"));
    let _ = first_byte(cx, c"abc");
    let (one, none) = PAIR;
    let a: Option<u32> = Some(one);
    let b: Option<u32> = Option::Some(2);
    let c: Option<Fd> = None;
    let d: Option<Fd> = Option::None;
    let e: Result<u32, Errno> = Ok(u32::MAX);
    let f: Result<u32, Errno> = Result::Err(Errno::NOENT);
    let g: Result<u8, Errno> = Result::Ok(i8::MAX as u8);
    let _ = (a, b, c, d, e, f, g, none, usize::MIN, Fd::STDERR, Fd::STDIN);
    let pid = cx.getpid().context("getpid")?;
    if pid == 0 {
        return Err(aspawn::Failure::new(Errno::SRCH, "pid"));
    }
    cx.exit(0)
}

fn main() {
    let _ = main_child;
}
