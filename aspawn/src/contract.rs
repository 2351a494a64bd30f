//! The contract between a checked child function and the engine that runs it: [`ChildFn`] (the
//! entry point `#[aspawn::child]` generates), [`Approved`] (the approval every call of a
//! checked body goes through), and the sealed argument and return types of a spawnable child.
//!
//! Below the engine and `Ctx::spawn`, which run only real `ChildFn`s; the macros reach these
//! names through `::aspawn::__private`, which re-exports them.
#![allow(unsafe_code)] // declares the unsafe marker traits; contains no unsafe block

use core::convert::Infallible;

use crate::arg::ChildArg;
use crate::ctx::Ctx;
use crate::error::Failure;

/// A child entry point: implemented only by the struct `#[aspawn::child]` generates
/// beside a spawnable function.
///
/// # Safety
///
/// Implementing it asserts that `call` runs only code the `#[aspawn::child]` checks accepted: no
/// allocation, TLS, panic, lock or unapproved call (parts A and D of the crate's `soundness` module). `call` runs in a
/// `CLONE_VM` child before `execve`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be spawned: it is not an `#[aspawn::child]` function returning `ChildResult` or `i32`"
)]
pub unsafe trait ChildFn: Approved {
    /// The child parameter types after `cx`, as a tuple (`()` for none) of sealed
    /// [`ChildArg`] types: the real trait itself refuses any other parameter type, whatever a
    /// crate that redirects `::aspawn` makes the generated assertions name.
    type Args: ChildArgs;
    /// `ChildResult` or `i32`.
    type Output: ChildReturn;
    /// Calls the user's function.
    fn call(cx: &Ctx, args: Self::Args) -> Self::Output;
}

/// The approval of every `#[aspawn::child]` function (helpers included): the checked function
/// itself, its call depth, and the anchors of every path its rewritten body calls.
///
/// `helper(cx, x)` in a child body becomes `(<helper as ::aspawn::__private::Approved>::CALL)(cx,
/// x)`, where `helper` is the struct the attribute generated beside the function: `CALL` is
/// the function the attribute checked, whatever else of that name is in scope (a local `fn`
/// shadowing a glob-imported child function, say), and a type that is not approved cannot pose
/// as one without `unsafe`.
///
/// Every other call of the body goes through `<<NAME as ::aspawn::__private::Approved>::Kit>` or
/// `<… ::Ctx>`, `NAME` being the function's own struct, never through
/// `::aspawn::__private::ops::…` or `::core::…`. A crate can make `::aspawn` or `::core` name
/// something else (`extern crate self as aspawn;`, a renamed dependency) and put its own
/// `ops::add` there; it cannot make these paths reach its own code:
/// - the engine spawns only real [`ChildFn`]s, whose supertrait this is, and `Ctx::spawn` takes
///   only real `ChildFn`s; so whenever a function can run in a child, the path
///   `::aspawn::__private::Approved` its generated impl names is the real trait, in its whole
///   crate, and `CALL` reaches only functions that are approved by the real trait;
/// - `Kit` and `Ctx` are bounded by a sealed trait implemented only for `Kit` and [`Ctx`], so
///   they are those types whatever the impl writes;
/// - a type-relative path finds inherent functions before trait functions, and no other crate
///   can add inherent functions to `Kit` or `Ctx`.
///
/// # Safety
///
/// Implementing it asserts that `CALL` is a function `#[aspawn::child]` checked (or code audited
/// to the same rules), and that `DEPTH` bounds its call chain.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `#[aspawn::child]` function",
    label = "a child may only call `Ctx` methods, allowlisted methods and `#[aspawn::child]` functions",
    note = "mark the function `#[aspawn::child]` (its body is then checked too)"
)]
pub unsafe trait Approved {
    /// Always `Kit`: the operators, pure methods and constructors of a child body.
    type Kit: anchor::Anchor;
    /// Always [`Ctx`]: the syscalls of a child body, as `<…::Ctx>::NAME(cx, …)`.
    type Ctx: anchor::Anchor;
    /// The function's pointer type, `fn(&Ctx, T1, …) -> R`.
    type Fn: Copy;
    /// The function itself.
    const CALL: Self::Fn;
    /// The longest chain of `#[aspawn::child]` calls that starts at this function: 1 for a
    /// function that calls none, else one more than its deepest callee (`ops::deeper` in `__private`). A
    /// cycle of calls (`a` calls `b` calls `a`: recursion, which the attribute cannot see across
    /// functions) makes this constant depend on itself, which rustc reports as a cycle error at
    /// compile time; `ops::check_depth` bounds the chain.
    const DEPTH: usize;
}

pub(crate) mod anchor {
    /// Implemented only for `Kit` (in `__private`, beside its inherent functions) and
    /// [`Ctx`](super::Ctx).
    pub trait Anchor {}
    impl Anchor for super::Ctx {}
}

/// The argument tuples of a spawnable child: `()` and tuples of up to 24 [`ChildArg`]s.
/// Sealed: implemented here only.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tuple of child parameter types",
    label = "each parameter of a spawnable `#[aspawn::child]` function must be a `ChildArg` type",
    note = "child parameter types are integers, `bool`, `char`, `Fd`, `Errno`, `CStrRef`, `Argv`, `Envp`, and `Option`s, tuples and arrays of these"
)]
pub trait ChildArgs: Copy + 'static + args_sealed::Sealed {}

mod args_sealed {
    pub trait Sealed {}
}

/// `()` and every tuple arity up to the list given (the list, then its tail, …).
macro_rules! child_args {
    () => {
        impl args_sealed::Sealed for () {}
        impl ChildArgs for () {}
    };
    ($first:ident $(, $t:ident)*) => {
        impl<$first: ChildArg $(, $t: ChildArg)*> args_sealed::Sealed for ($first, $($t,)*) {}
        impl<$first: ChildArg $(, $t: ChildArg)*> ChildArgs for ($first, $($t,)*) {}
        child_args!($($t),*);
    };
}
child_args!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X);

mod sealed {
    pub trait Sealed {}
}

/// The return types of a spawnable child: `ChildResult` and `i32` (an exit code).
#[diagnostic::on_unimplemented(
    message = "a spawned child returns `ChildResult` or `i32` (an exit code), not `{Self}`",
    label = "this child returns `{Self}`",
    note = "end the body with `cx.execve(…).context(\"execve\")`, `cx.exit(code)`, an `i32`, or `Ok(…)`/`Err(…)` of a `ChildResult`"
)]
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

/// Names `!` on stable Rust: the output type of `fn() -> !`.
pub trait FnOutput {
    /// The function's return type.
    type Output;
}
impl<R> FnOutput for fn() -> R {
    type Output = R;
}
/// `!`, the type of a child closure whose body never returns (`move |cx| cx.exit(3)`): in
/// edition 2024 a diverging body's type falls back to `!`, not `()`.
pub type Never = <fn() -> ! as FnOutput>::Output;

impl sealed::Sealed for Never {}
impl ChildReturn for Never {
    #[inline(always)]
    fn into_exit(self) -> Result<i32, Failure> {
        match self {}
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
