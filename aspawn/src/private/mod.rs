//! The interface between the macros and the runtime. Not public API: generated code reaches it
//! through absolute `::aspawn::__private::…` paths (so no `use` in the caller's module can shadow
//! it) and nothing here is covered by semver.
#![allow(unsafe_code)] // declares the unsafe marker traits; contains no unsafe block

use core::convert::Infallible;

pub use crate::arg::{ChildArg, Place};
pub use crate::contract::{Approved, ChildArgs, ChildFn, ChildReturn, FnOutput, Never};
pub use crate::ctx::Ctx;
pub use crate::engine::CloneMode;
pub use crate::error::{ChildResult, Failure};
pub use crate::placer::Placer;
pub use crate::spawn_error::SpawnError;
use crate::spawned::Spawned;
pub use closure::{
    Capturable, CheckedClosure, Closure, capture, hook_closure, refused, spawn_closure,
};

pub mod closure;
#[doc(hidden)]
pub use aspawn_macros::__child_hook_closure;
pub mod methods;
pub mod ops;

/// The functions a rewritten child body calls, as inherent associated functions (see
/// [`Approved`] for why they are reached through it): the operators and `?` of [`ops`], the pure
/// methods of [`methods`], and the constructors below. Never constructed. The constructors are
/// bounded by the sealed [`ops::Value`] on the value they carry (`Some(v)`, `Ok(v)`, `Err(e)`)
/// and `None` on its type: a `None` of a user type cannot be made. (The other side of `Ok` and
/// `Err` stays unbounded: `Err(e)?` leaves it to the never type's fallback, which no bound can
/// name on stable Rust; no value of it exists.)
pub enum Kit {}

impl crate::contract::anchor::Anchor for Kit {}

#[allow(non_snake_case)] // the constructors keep the names the user wrote
impl Kit {
    /// `Some(v)`.
    #[inline(always)]
    pub const fn Some<T: ops::Value>(v: T) -> Option<T> {
        Some(v)
    }
    /// `None`.
    #[inline(always)]
    pub const fn None<T: ops::Value>() -> Option<T> {
        None
    }
    /// `Ok(v)`.
    #[inline(always)]
    pub const fn Ok<T: ops::Value, E>(v: T) -> Result<T, E> {
        Ok(v)
    }
    /// `Err(e)`.
    #[inline(always)]
    pub const fn Err<T, E: ops::Value>(e: E) -> Result<T, E> {
        Err(e)
    }
    /// `CStrRef::from_static(s)` and `c"…"`.
    #[inline(always)]
    pub const fn from_static(s: &'static core::ffi::CStr) -> crate::CStrRef {
        crate::CStrRef::from_static(s)
    }
    /// `Fd::from_raw(fd)`.
    #[inline(always)]
    pub const fn from_raw(fd: i32) -> crate::Fd {
        crate::Fd::from_raw(fd)
    }
    /// `Failure::new(errno, step)`.
    #[allow(clippy::new_ret_no_self)] // named after the path the user wrote
    #[inline(always)]
    pub const fn new(errno: crate::Errno, step: &'static str) -> Failure {
        Failure::new(errno, step)
    }
}

/// Compile-time check that `T` may be a child parameter.
#[inline(always)]
pub const fn assert_child_arg<T: ChildArg>() {}

/// The parameter of the value an `#[aspawn::child]` function's name stands for: beside the
/// braced struct `NAME {}` (a type only), the attribute generates `fn NAME(_: HookToken<NAME>)`,
/// so that `cmd.child_hook(NAME, …)` can take the name as a value (`fn(HookToken<H>)`, with `H`
/// inferred) while `let NAME = …` still binds a local. It cannot be constructed, so that
/// function is never called.
pub struct HookToken<F>(core::marker::PhantomData<F>, Infallible);

impl Kit {
    /// Compile-time check that `T` may be a parameter of a spawnable child (or, by value, of a
    /// helper). `#[aspawn::child]` calls it through the function's own approval
    /// (`<<NAME as Approved>::Kit>::assert_child_arg::<T>()`), so that it is this function
    /// whatever `::aspawn::__private` names in the caller's crate.
    #[inline(always)]
    pub const fn assert_child_arg<T: ChildArg>() {}

    /// Compile-time check for a helper's reference parameter `&T` or `&mut T`: `T` must be a
    /// sealed [`ChildArg`] type (a reference to a caller's local or parameter, in the child's
    /// own stack).
    #[inline(always)]
    pub const fn assert_child_referent<T: ChildArg>() {}
}

/// What `aspawn::spawn!(stack, f, (args…))` expands to: `sources` are the parent-side values,
/// placed here by the sealed [`Place`], so that every pointer the child receives was made by this
/// spawn, into this stack. (It takes no placement closure: one could hand the child an `Argv`
/// kept from an earlier spawn, pointing into a stack since reused or unmapped.)
#[inline]
pub fn spawn<F: ChildFn, S: Place<F::Args>>(
    launch: impl Into<crate::stack::Launch>,
    sources: S,
) -> Result<Spawned, SpawnError> {
    Spawned::launch::<F, _>(launch.into(), move |p| sources.place(p))
}

/// Forces a clone mode for later spawns (`None`: probe again). For tests of every rung.
pub fn force_clone_mode(mode: Option<CloneMode>) {
    crate::engine::force_mode(mode)
}

/// The clone mode later spawns use, and whether it is forced.
pub fn clone_mode() -> (CloneMode, bool) {
    crate::engine::current_mode()
}
