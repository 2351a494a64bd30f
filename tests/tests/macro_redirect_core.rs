//! A crate where `::core` names something else cannot slip its own `Some` into a checked child.
//!
//! Here `::core` is this test crate (`extern crate self as core;`), which re-exports what the
//! compiler's own expansions need from `std` but replaces `option::Option::Some` with a decoy
//! function. (Patterns keep `::core` paths: a pattern runs no code, and with a decoy in place
//! of a variant they do not compile, which is why this child matches none.) A child's `Some(x)`
//! goes through the function's `Approved` impl
//! (`<…Kit>::Some(x)`), never through `::core`, so the decoy is never called.

extern crate self as core;

use std::os::unix::process::ExitStatusExt;

use aspawn::{Ctx, Stack};

pub use std::{clone, cmp, fmt, hash, marker, ops, prelude, result};

/// The decoy `option` module.
pub mod option {
    pub use std::option::*;

    /// A module in the place of the enum `Option`.
    #[allow(non_snake_case)]
    pub mod Option {
        /// Not `Some`.
        pub fn Some<T>(_: T) -> std::option::Option<T> {
            std::option::Option::None
        }
    }
}

#[aspawn::child]
fn wrap(cx: &Ctx, a: i32) -> i32 {
    cx.exit(Some(a).unwrap_or(99))
}

#[test]
fn a_redirected_core_path_reaches_only_the_real_constructors() {
    let (mut child, _) =
        aspawn::spawn!(Stack::new().unwrap(), wrap, (7)).unwrap().wait_released().unwrap();
    let status = child.wait().unwrap();
    // 7 with the real `Some`; 99 with the decoy.
    assert_eq!((status.code(), status.signal()), (Some(7), None));
}
