//! User items named like prelude items or allowed methods are never used by a child: the
//! rewrite makes `Some`/`None`/`Ok`/`Err` absolute and routes methods to sealed functions.
#![forbid(unsafe_code)]
#![deny(warnings)]
#![allow(non_snake_case, non_upper_case_globals)]

use aspawn::{Ctx, Errno, Fd};

/// Would run user code if a child called it.
fn Some<T>(_: T) -> Option<T> {
    std::process::abort()
}

/// A user trait with methods named like allowed ones, implemented for child types.
trait Sneaky {
    fn len(&self) -> usize;
    fn checked_add(self, o: u32) -> Option<u32>;
}
impl Sneaky for u32 {
    fn len(&self) -> usize {
        std::process::abort()
    }
    fn checked_add(self, _: u32) -> Option<u32> {
        std::process::abort()
    }
}
impl Sneaky for Fd {
    fn len(&self) -> usize {
        std::process::abort()
    }
    fn checked_add(self, _: u32) -> Option<u32> {
        std::process::abort()
    }
}

#[aspawn::child]
fn child(_cx: &Ctx, x: u32, argv: aspawn::Argv) -> Option<u32> {
    let a = Some(x);
    let b = x.checked_add(1);
    let _ = argv.len();
    match a {
        Some(v) => {
            if b.ok_or(Errno::INVAL).is_ok() {
                Some(v)
            } else {
                None
            }
        }
        None => None,
    }
}

fn main() {
    let _ = child;
    // The user items exist and would abort; only a child calling them would notice.
    let _ = (Some::<u32>, <u32 as Sneaky>::len);
}
