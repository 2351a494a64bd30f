//! The runtime side of the child closure: `spawn!(stack, move |cx| …)`,
//! `child_hook!(cmd, move |cx| …)` and `cx.spawn(move |cx| …)` in a child body.
//!
//! The macro rewrites the closure's body like an `#[aspawn::child]` function's, with every
//! variable it takes from the enclosing scope (a *capture*) replaced by a parameter of the
//! closure: `move |cx| body` becomes `|cx: &Ctx, (c0, c1, …)| body'`, a closure that names
//! nothing of its surroundings, and the captures' parent-side values become `sources`, each
//! wrapped by [`capture`] and placed by the sealed [`Place`] like a `spawn!` argument. The
//! child-side type of each capture is inferred from its use in the body, through the bound
//! `Source: Place<Child>`.
//!
//! The closure itself never travels: it captures nothing, so its type is zero-sized, and
//! [`Closure<W, C, T, R>`] is a [`ChildFn`] whose `call` makes the (empty) closure value again and
//! calls it. The entries below check that it is zero-sized, `Copy` and `'static` (so it holds
//! no reference and no value with a destructor), and take the *witness* `W`: a type the macro
//! generates inside the expansion, where no other code can name it, with an
//! `unsafe impl CheckedClosure`. A closure the macro did not check cannot be passed without
//! writing `unsafe impl CheckedClosure` by hand.
#![allow(unsafe_code)] // the `unsafe` witness trait, and making a zero-sized closure value

use core::marker::PhantomData;

use super::{Approved, ChildArgs, ChildFn, ChildReturn, HookToken, Kit};
use crate::arg::{Place, sealed_place};
use crate::ctx::Ctx;
use crate::error::Failure;
use crate::placer::Placer;
use crate::spawn_error::SpawnError;
use crate::spawned::Spawned;
use crate::stack::Stack;

/// The witness of a child closure the macro checked: a hidden struct in the expansion of
/// `spawn!(stack, move |cx| …)` (or `child_hook!`, or a `cx.spawn(move |cx| …)`), whose
/// [`Approved`] impl anchors the rewritten body (`<<W as Approved>::Kit>::add(…)`) and counts its
/// call depth.
///
/// # Safety
///
/// Implementing it asserts that every closure passed with `W` to [`spawn_closure`],
/// [`hook_closure`] or [`Kit::nested_closure`] was checked by the child-closure macro (the rules of
/// `#[aspawn::child]`), and that `W::DEPTH` bounds its call chain.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the witness of a checked child closure",
    note = "write the closure inside `aspawn::spawn!(stack, move |cx| …)`, `aspawn::child_hook!(cmd, move |cx| …)` or, in a child body, `cx.spawn(move |cx| …)`"
)]
pub unsafe trait CheckedClosure: Approved {}

/// A capture's parent-side value `A`, to be placed as the child-side `T` (inferred from the
/// closure's body). Made by [`capture`] only, which checks `A: Place<T>` and keeps its
/// `place`: so a capture without a placement is one error, at the capture, and not again at
/// the tuple of all of them.
pub struct Capture<A, T> {
    source: A,
    place: fn(A, &mut Placer<'_>) -> Result<T, SpawnError>,
}

/// A value a child closure may capture: one with a placement ([`Place`]) into the child's
/// stack. Its own message names the capture's type and what to capture instead. Sealed: it is
/// implemented exactly for the `Place` sources, through a supertrait no other crate can name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be captured by a child closure: it has no placement into the child's stack",
    label = "captured here",
    note = "a child closure's captures are deep-copied into the child's stack before the clone: `&str`, `&CStr`, `&OsStr`, `&Path` (and `&String` …) become a `CStrRef`; `&[S]`, `&Vec<S>`, `&[S; N]`, `[S; N]` of those an `Argv` or `Envp`; `Envp::inherit()` an `Envp`; `BorrowedFd`, `&OwnedFd`, `&File` … an `Fd`; integers, `bool`, `char`, `Errno`, `Fd`, and `Option`s, tuples and arrays of these themselves",
    note = "borrow an owned `String`, `Vec` or `OwnedFd` before the closure and capture the borrow: `let s = s.as_str();`, `let v = &v[..];`, `let fd = fd.as_fd();`. Shared state (`Arc`, `Mutex`, references to other types), closures, values already placed (`CStrRef`, `Argv`) and your own types cannot reach a child"
)]
pub trait Capturable<T>: capturable_sealed::PlaceSource<T> {
    /// The placement of `Self` as `T`.
    #[doc(hidden)]
    fn placement() -> fn(Self, &mut Placer<'_>) -> Result<T, SpawnError>
    where
        Self: Sized;
}

mod capturable_sealed {
    pub trait PlaceSource<T> {}
    impl<A: super::Place<T>, T> PlaceSource<T> for A {}
}

impl<A: Place<T>, T> Capturable<T> for A {
    #[inline(always)]
    fn placement() -> fn(A, &mut Placer<'_>) -> Result<T, SpawnError> {
        <A as Place<T>>::place
    }
}

/// Wraps a capture's parent-side value; the bound reports a capture that has no placement at
/// the capture (the `Capturable` message names its type and the placements there are).
#[inline(always)]
pub fn capture<A: Capturable<ChildType>, ChildType>(source: A) -> Capture<A, ChildType> {
    Capture { source, place: A::placement() }
}

// A hook's captures are kept by the `Command` and placed again for every spawn.
impl<A: Clone, T> Clone for Capture<A, T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        Capture { source: self.source.clone(), place: self.place }
    }
}

// Sealed like every `Place`: `Capture` is only made by `capture`, from an `A: Place<T>`.
impl<A, T> sealed_place::Sealed<T> for Capture<A, T> {}
impl<A, T> Place<T> for Capture<A, T> {
    #[inline(always)]
    fn place(self, p: &mut Placer<'_>) -> Result<T, SpawnError> {
        (self.place)(self.source, p)
    }
}

/// A checked child closure `C` (witness `W`), taking its captures `T` after `cx`, returning `R`.
pub struct Closure<W, C, T, R>(PhantomData<Marker<W, C, T, R>>);

/// The `PhantomData` of [`Closure`]: a function type, so `Closure` is `Send`, `Sync` and
/// covariant whatever its parameters are.
type Marker<W, C, T, R> = fn() -> (W, C, T, R);

/// The hook a child closure `C` makes (`child_hook`'s first argument).
type HookOf<W, C, T> = fn(HookToken<Closure<W, C, T, Result<(), Failure>>>);

impl<W, C, T, R> Closure<W, C, T, R>
where
    W: CheckedClosure,
    C: Fn(&Ctx, T) -> R + Copy + 'static,
{
    /// Fails the build unless `C` is zero-sized: a closure that captures nothing.
    const EMPTY: () = assert!(
        core::mem::size_of::<C>() == 0 && core::mem::align_of::<C>() == 1,
        "a child closure must capture nothing: aspawn's macro passes every capture as a placed \
         parameter"
    );

    /// Calls the closure.
    #[inline(always)]
    fn invoke(cx: &Ctx, args: T) -> R {
        let () = Self::EMPTY;
        // SAFETY: `C` is zero-sized (checked at compile time above) and `Copy` (so it has no
        // destructor): a closure value is no bytes, and the closure the macro generates captures
        // nothing (its body names only its own parameters, locals and items), so there is no
        // field whose value this would make up.
        let c: C = unsafe { core::mem::zeroed() };
        c(cx, args)
    }
}

// SAFETY: `CALL` calls the closure `W` vouches the macro checked (`W: CheckedClosure`, unsafe to
// forge); its depth is the closure's own.
unsafe impl<W, C, T, R> Approved for Closure<W, C, T, R>
where
    W: CheckedClosure,
    C: Fn(&Ctx, T) -> R + Copy + 'static,
{
    type Kit = Kit;
    type Ctx = Ctx;
    type Fn = fn(&Ctx, T) -> R;
    const CALL: Self::Fn = Self::invoke;
    const DEPTH: usize = W::DEPTH;
}

// SAFETY: `call` only calls the checked closure (see `invoke`); the arguments are a sealed
// `ChildArgs` tuple, the return a sealed `ChildReturn`.
unsafe impl<W, C, T, R> ChildFn for Closure<W, C, T, R>
where
    W: CheckedClosure,
    C: Fn(&Ctx, T) -> R + Copy + 'static,
    T: ChildArgs,
    R: ChildReturn,
{
    type Args = T;
    type Output = R;
    #[inline(always)]
    fn call(cx: &Ctx, args: T) -> R {
        Self::invoke(cx, args)
    }
}

/// `aspawn::spawn!(stack, move |cx| body)`: places `sources` (the captures' parent-side values,
/// each a [`capture`]) into `stack` as the tuple `T` the closure takes, and spawns the closure.
/// The closure argument comes last, so that rustc knows the sources' types (and, when a source
/// has one placement only, the capture's child type) before it checks the body.
#[inline]
pub fn spawn_closure<W, S, C, T, R>(
    stack: Stack,
    sources: S,
    _closure: C,
) -> Result<Spawned, SpawnError>
where
    W: CheckedClosure,
    S: Place<T>,
    C: Fn(&Ctx, T) -> R + Copy + 'static,
    T: ChildArgs,
    R: ChildReturn,
{
    super::spawn::<Closure<W, C, T, R>, S>(stack, sources)
}

/// `aspawn::child_hook!(cmd, move |cx| body)`: the hook value `Command::child_hook` takes, for
/// the closure `C` (its `sources` only inform the inference of `T`; `child_hook` keeps and
/// places them).
#[inline(always)]
pub fn hook_closure<W, S, C, T>(_sources: &S, _closure: C) -> HookOf<W, C, T>
where
    W: CheckedClosure,
    S: Place<T>,
    C: Fn(&Ctx, T) -> Result<(), Failure> + Copy + 'static,
{
    fn token<H>(_: HookToken<H>) {}
    token::<Closure<W, C, T, Result<(), Failure>>>
}

impl Kit {
    /// `cx.spawn(move |cx| body)` in a child body: a grandchild running the closure, with the
    /// captures (child values of the enclosing body, already in this child's stack) as its
    /// arguments. See [`Ctx::spawn`]. Reached through the enclosing body's anchor
    /// (`<<NAME as Approved>::Kit>::nested_closure`), like every call of a child body.
    #[inline(always)]
    pub fn nested_closure<W, C, T, R>(cx: &Ctx, args: T, _closure: C) -> Result<i32, Failure>
    where
        W: CheckedClosure,
        C: Fn(&Ctx, T) -> R + Copy + 'static,
        T: ChildArgs,
        R: ChildReturn,
    {
        cx.spawn::<Closure<W, C, T, R>>(args)
    }
}

/// The value of a child closure the macro refused (beside its errors, so the build fails):
/// never called.
#[doc(hidden)]
pub fn refused<T>() -> T {
    unreachable!("a refused child closure is never built")
}

// A captured array of strings (`let argv = ["echo", "hi"];`) is a value, not a reference: it
// places as an `Argv` or an `Envp` (whichever the body uses it as) like `&argv` does, or element
// by element as `[CStrRef; N]`.
macro_rules! array_sources {
    ($($target:ident),*) => {$(
        impl<S: crate::CStrSource, const N: usize> sealed_place::Sealed<crate::$target> for [S; N] {}
        impl<S: crate::CStrSource, const N: usize> Place<crate::$target> for [S; N] {
            #[inline]
            fn place(self, p: &mut Placer<'_>) -> Result<crate::$target, SpawnError> {
                (&self).place(p)
            }
        }
    )*};
}
array_sources!(Argv, Envp);
