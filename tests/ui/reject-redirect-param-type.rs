//! `#[aspawn::child]` must reject this: a crate that makes `::aspawn` name itself, with a decoy
//! `__private::assert_child_arg` that accepts every type, declares a parameter of type
//! `&'static Evil` (through an alias, which the syntactic check cannot see through); `**r` would
//! call `Evil::deref` in the child.
#![allow(unused)]

extern crate aspawn as real;
extern crate self as aspawn;

pub use real::{Ctx, child};

/// The decoy runtime: the real one, with an assertion that accepts everything.
pub mod __private {
    pub use real::__private::*;

    /// Accepts every type.
    pub const fn assert_child_arg<T>() {}
}

/// A user type whose `Deref` would run in the child.
pub struct Evil;

impl std::ops::Deref for Evil {
    type Target = i32;
    fn deref(&self) -> &i32 {
        let _leak = Box::new(1);
        &42
    }
}

type R = &'static Evil;

#[aspawn::child]
fn run(cx: &Ctx, r: R) -> i32 {
    let _ = cx;
    **r
}

fn main() {}
