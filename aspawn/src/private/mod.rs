//! The interface between the macros and the runtime. Not public API: generated code reaches it
//! through absolute `::aspawn::__private::…` paths (so no `use` in the caller's module can shadow
//! it) and nothing here is covered by semver.
#![allow(unsafe_code)] // declares the unsafe marker traits; contains no unsafe block

use core::convert::Infallible;

pub use crate::arg::{ChildArg, Place};
pub use crate::ctx::Ctx;
pub use crate::engine::CloneMode;
pub use crate::error::{ChildResult, Failure, SpawnError};
use crate::spawned::Spawned;
pub use crate::stack::Placer;
use crate::stack::Stack;

pub mod methods;
pub mod ops;

/// A child entry point: implemented only by the unit struct `#[aspawn::child]` generates
/// beside a spawnable function.
///
/// # Safety
///
/// Implementing it asserts that `call` runs only code the `#[aspawn::child]` checks accepted: no
/// allocation, TLS, panic, lock or unapproved call (SOUNDNESS §A and §D). `call` runs in a
/// `CLONE_VM` child before `execve`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be spawned: it is not an `#[aspawn::child]` function returning `ChildResult` or `i32`"
)]
pub unsafe trait ChildFn {
    /// The child parameter types after `cx`, as a tuple (`()` for none).
    type Args: Copy + 'static;
    /// `ChildResult` or `i32`.
    type Output: ChildReturn;
    /// Calls the user's function.
    fn call(cx: &Ctx, args: Self::Args) -> Self::Output;
}

/// The approval marker of every `#[aspawn::child]` function (helpers included).
///
/// # Safety
///
/// Implementing it asserts that the function of the same name was checked by `#[aspawn::child]`.
pub unsafe trait Approved {}

/// Compile-time check that `T` is an approved child function's marker.
#[inline(always)]
pub const fn assert_approved<T: ?Sized + Approved>() {}

/// Compile-time check that `T` may be a child parameter.
#[inline(always)]
pub const fn assert_child_arg<T: ChildArg>() {}

mod sealed {
    pub trait Sealed {}
}

/// The return types of a spawnable child: `ChildResult` and `i32` (an exit code).
pub trait ChildReturn: sealed::Sealed {
    /// `Ok(exit code)` or the failure to report.
    fn into_exit(self) -> Result<i32, Failure>;
}

impl sealed::Sealed for i32 {}
impl ChildReturn for i32 {
    #[inline(always)]
    fn into_exit(self) -> Result<i32, Failure> {
        Ok(self)
    }
}

impl sealed::Sealed for Result<Infallible, Failure> {}
impl ChildReturn for Result<Infallible, Failure> {
    #[inline(always)]
    fn into_exit(self) -> Result<i32, Failure> {
        match self {
            Ok(never) => match never {},
            Err(f) => Err(f),
        }
    }
}

/// What `aspawn::spawn!(stack, f, (args…))` expands to.
#[inline]
pub fn spawn<F: ChildFn>(
    stack: Stack,
    place: impl FnOnce(&mut Placer<'_>) -> Result<F::Args, SpawnError>,
) -> Result<Spawned, SpawnError> {
    crate::engine::spawn::<F, _>(stack, place)
}

/// Forces a clone mode for later spawns (`None`: probe again). For tests of every rung.
pub fn force_clone_mode(mode: Option<CloneMode>) {
    crate::engine::force_mode(mode)
}

/// The clone mode later spawns use, and whether it is forced.
pub fn clone_mode() -> (CloneMode, bool) {
    crate::engine::current_mode()
}
