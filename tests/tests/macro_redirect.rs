//! A crate where `::aspawn` names something else cannot slip its own code into a checked child.
//!
//! Here `::aspawn` is this test crate (`extern crate self as aspawn;`), which re-exports the real
//! crate but puts decoys where the generated code once looked: `__private::ops::add`,
//! `__private::methods::checked_add` and `Ctx::exit` at the root. Every call of a rewritten body
//! goes through the function's own `Approved` impl instead, which must be the real one for the
//! function to be spawned at all, so the child computes with the real functions.

extern crate aspawn as real;
extern crate self as aspawn;

use std::os::unix::process::ExitStatusExt;

pub use real::{ChildResult, Stack, child, spawn};

/// The decoy runtime: the real one, with the functions a child body used to name replaced.
pub mod __private {
    pub use real::__private::*;

    /// Decoy operators.
    pub mod ops {
        pub use real::__private::ops::*;

        /// Not an addition.
        pub fn add(_: i32, _: i32) -> i32 {
            99
        }
    }

    /// Decoy methods.
    pub mod methods {
        pub use real::__private::methods::*;

        /// Not a checked addition.
        pub fn checked_add(_: i32, _: i32) -> Option<i32> {
            Some(40)
        }
    }
}

/// A decoy `Ctx`, whose `exit` uses another code.
pub struct Ctx;

impl Ctx {
    /// Not the exit asked for.
    pub fn exit(cx: &real::Ctx, _code: i32) -> ! {
        cx.exit(42)
    }
}

#[aspawn::child]
fn compute(cx: &real::Ctx, a: i32, b: i32) -> i32 {
    let s = a + b;
    let t = match s.checked_add(1) {
        Some(v) => v,
        None => 0,
    };
    cx.exit(t)
}

#[test]
fn a_redirected_aspawn_path_reaches_only_the_real_runtime() {
    let (mut child, _) =
        aspawn::spawn!(Stack::new().unwrap(), compute, (2, 3)).unwrap().wait_released().unwrap();
    let status = child.wait().unwrap();
    // 2 + 3 + 1 with the real functions; 42 (decoy exit), 99 or 40 with a decoy.
    assert_eq!((status.code(), status.signal()), (Some(6), None));
}
