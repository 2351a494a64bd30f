//! Child parameter types and their placement.
//!
//! A child function receives only values of the sealed [`ChildArg`] types: integers, `bool`,
//! `char`, [`Errno`], [`Fd`], [`CStrRef`], [`Argv`], [`Envp`], and `Option`s, tuples and arrays of
//! these. `spawn!` turns the parent's values (`&str`, `&[&str]`, `&OwnedFd`, …) into them with the
//! sealed [`Place`] trait, deep-copying every byte the child will read into the child's stack
//! (`soundness` items 2 and 8): the child never reads the parent's memory, which other threads may
//! free or change, and needs no allocation.
//!
//! # Safety
//!
//! `CStrRef`, `Argv` and `Envp` hold raw pointers into a [`Stack`](crate::Stack) (or into the
//! binary's read-only data, for `c"…"` literals). They are only created by placement or from
//! `&'static CStr`, and only dereferenced in the child, while the stack is owned by the `Spawned`
//! handle and cannot be unmapped.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_char};
use core::ptr::NonNull;
use std::ffi::{CString, OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::error::Errno;
use crate::placer::Placer;
use crate::spawn_error::SpawnError;

mod sealed {
    pub trait Sealed {}
}

/// The sealed set of types a child function may take and hold ([`soundness`](crate::soundness) item 10): all `Copy`,
/// none with `Drop`, `Deref` or interior references to the parent's memory.
///
/// ```
/// use aspawn::{ChildArg, Ctx, Errno, Fd, Stack};
///
/// fn is_child_arg<T: ChildArg>() {}
/// is_child_arg::<(u8, Option<Fd>, [Errno; 2])>();
///
/// // Each parameter of a spawnable child is one; so are tuples, arrays and `Option`s of them.
/// #[aspawn::child]
/// fn sum(_cx: &Ctx, pair: (i32, i32), maybe: Option<i32>, arr: [u8; 2]) -> i32 {
///     let (a, b) = pair;
///     let [c, d] = arr;
///     a + b + maybe.unwrap_or(0) + c as i32 + d as i32
/// }
///
/// let spawned = aspawn::spawn!(Stack::new()?, sum, ((1, 2), Some(3), [4u8, 5]))?;
/// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(15));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A `String`, a `&str` or a type of yours is not one; the attribute says so at the parameter:
///
/// ```compile_fail
/// #[aspawn::child]
/// fn takes_string(_cx: &aspawn::Ctx, s: String) -> i32 {
///     0
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a child parameter type",
    note = "child parameters are `CStrRef`, `Argv`, `Envp`, `Fd`, integers, `bool`, `char`, `Errno`, and `Option`s, tuples and arrays of these: `spawn!` deep-copies them into the child's stack"
)]
pub trait ChildArg: Copy + sealed::Sealed + 'static {}

macro_rules! plain_child_values {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl ChildArg for $t {}
        impl sealed_place::Sealed<$t> for $t {}
        impl Place<$t> for $t {
            #[inline]
            fn place(self, _: &mut Placer<'_>) -> Result<$t, SpawnError> { Ok(self) }
        }
    )*};
}
plain_child_values!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, char, Errno, Fd);

impl<T: ChildArg> sealed::Sealed for Option<T> {}
impl<T: ChildArg> ChildArg for Option<T> {}
impl<T: ChildArg, const N: usize> sealed::Sealed for [T; N] {}
impl<T: ChildArg, const N: usize> ChildArg for [T; N] {}
impl sealed::Sealed for () {}
impl ChildArg for () {}

macro_rules! tuple_child_values {
    ($(($($t:ident $a:ident $i:tt),+))*) => {$(
        impl<$($t: ChildArg),+> sealed::Sealed for ($($t,)+) {}
        impl<$($t: ChildArg),+> ChildArg for ($($t,)+) {}
        tuple_place! { ($($t $a $i),+) }
    )*};
}

/// `Place` of a tuple, element by element: for child-value tuples, and for the argument tuple
/// of a child function (up to 24 parameters).
macro_rules! tuple_place {
    ($(($($t:ident $a:ident $i:tt),+))*) => {$(
        impl<$($t, $a: Place<$t>),+> sealed_place::Sealed<($($t,)+)> for ($($a,)+) {}
        impl<$($t, $a: Place<$t>),+> Place<($($t,)+)> for ($($a,)+) {
            #[inline]
            fn place(self, p: &mut Placer<'_>) -> Result<($($t,)+), SpawnError> {
                Ok(($(self.$i.place(p)?,)+))
            }
        }
    )*};
}
tuple_child_values! {
    (T0 A0 0)
    (T0 A0 0, T1 A1 1)
    (T0 A0 0, T1 A1 1, T2 A2 2)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5)
}
// The rest of the arities a child function's argument tuple can have (the attribute refuses
// more than 24 parameters).
tuple_place! {
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17, T18 A18 18)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17, T18 A18 18, T19 A19 19)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17, T18 A18 18, T19 A19 19, T20 A20 20)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17, T18 A18 18, T19 A19 19, T20 A20 20, T21 A21 21)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17, T18 A18 18, T19 A19 19, T20 A20 20, T21 A21 21, T22 A22 22)
    (T0 A0 0, T1 A1 1, T2 A2 2, T3 A3 3, T4 A4 4, T5 A5 5, T6 A6 6, T7 A7 7, T8 A8 8, T9 A9 9, T10 A10 10, T11 A11 11, T12 A12 12, T13 A13 13, T14 A14 14, T15 A15 15, T16 A16 16, T17 A17 17, T18 A18 18, T19 A19 19, T20 A20 20, T21 A21 21, T22 A22 22, T23 A23 23)
}

/// Placement of a parent-side value as the child-side `T` (used by `spawn!`).
///
/// Sealed: only this crate implements it, once per row of the table in the crate docs, and every
/// implementation deep-copies what the child will read into the stack being spawned on. That is
/// what makes a `CStrRef`, `Argv`, `Envp` or `Groups` in a child always point into the child's
/// own stack: none of them places itself (they are `Copy` pointers, and one kept from an earlier
/// spawn would point into a stack that may since have been reused or unmapped), and no other
/// crate can add an implementation that would.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be placed into a child's stack",
    label = "`{Self}` has no placement as the child value wanted here",
    note = "a child gets copies, deep-copied into its stack before the clone, of: `&str`, `&CStr`, `&OsStr`, `&Path` (and `&String` …) as a `CStrRef`; `&[S]`, `&Vec<S>`, `&[S; N]`, `[S; N]` of those as an `Argv` or `Envp`; `Envp::inherit()` or an `&EnvBlock` as an `Envp`; `BorrowedFd`, `&OwnedFd`, `&File` … as an `Fd`; integers, `bool`, `char`, `Errno`, `Fd`, and `Option`s, tuples and arrays of these as themselves",
    note = "an owned `String`, `Vec`, `OwnedFd` is borrowed for the placement: `let s = s.as_str();`, `let v = &v[..];`, `let fd = fd.as_fd();` before the closure (or the `spawn!`); shared state (`Arc`, `Mutex`, references to other types, closures, your own types) cannot reach a child"
)]
pub trait Place<T>: sealed_place::Sealed<T> {
    /// Deep-copies `self` into the stack as a `T`.
    fn place(self, p: &mut Placer<'_>) -> Result<T, SpawnError>;
}

/// The seal of [`Place`]: one explicit impl beside each `Place` impl, and no blanket impl (a
/// blanket `impl<T, A: Place<T>> Sealed<T> for A` would let any crate implement `Place`).
pub(crate) mod sealed_place {
    use super::{Argv, CStrSource, Envp, Fd, Groups};
    use std::os::fd::{AsFd, BorrowedFd};

    pub trait Sealed<T> {}
    impl Sealed<()> for () {}
    impl<T: super::ChildArg, A: super::Place<T>> Sealed<Option<T>> for Option<A> {}
    impl<T: super::ChildArg, A: super::Place<T>, const N: usize> Sealed<[T; N]> for [A; N] {}
    impl Sealed<Fd> for BorrowedFd<'_> {}
    impl<T: AsFd + ?Sized> Sealed<Fd> for &T {}
    impl<S: CStrSource> Sealed<Argv> for &[S] {}
    impl<S: CStrSource> Sealed<Argv> for &Vec<S> {}
    impl<S: CStrSource, const N: usize> Sealed<Argv> for &[S; N] {}
    impl<S: CStrSource> Sealed<Envp> for &[S] {}
    impl<S: CStrSource> Sealed<Envp> for &Vec<S> {}
    impl<S: CStrSource, const N: usize> Sealed<Envp> for &[S; N] {}
    impl Sealed<Envp> for super::EnvSource<'_> {}
    impl Sealed<Groups> for &[u32] {}
    impl Sealed<Groups> for &Vec<u32> {}
    impl<const N: usize> Sealed<Groups> for &[u32; N] {}
}

impl Place<()> for () {
    #[inline]
    fn place(self, _: &mut Placer<'_>) -> Result<(), SpawnError> {
        Ok(())
    }
}

impl<T: ChildArg, A: Place<T>> Place<Option<T>> for Option<A> {
    fn place(self, p: &mut Placer<'_>) -> Result<Option<T>, SpawnError> {
        self.map(|a| a.place(p)).transpose()
    }
}

impl<T: ChildArg, A: Place<T>, const N: usize> Place<[T; N]> for [A; N] {
    fn place(self, p: &mut Placer<'_>) -> Result<[T; N], SpawnError> {
        let mut out = [None; N];
        for (slot, a) in out.iter_mut().zip(self) {
            *slot = Some(a.place(p)?);
        }
        Ok(out.map(|v| v.expect("every slot was filled above")))
    }
}

// ---------------------------------------------------------------------------------------------
// Fd

/// A file descriptor number in the child. Carries no ownership: the child's fd table is a copy of
/// the parent's at clone time.
///
/// `spawn!` makes one from a parent-side `&OwnedFd`, `&File`, `BorrowedFd`, `&PipeWriter`, … (any
/// [`AsFd`]): the number the fd has in the parent, which is the same in the child.
///
/// ```
/// use aspawn::{Ctx, Fd, Stack};
/// use std::io::Read;
///
/// #[aspawn::child]
/// fn greet(cx: &Ctx, out: Fd) -> i32 {
///     match cx.write_all(out, b"hello") {
///         Ok(()) => 0,
///         Err(_) => 1,
///     }
/// }
///
/// let (mut reader, writer) = std::io::pipe()?;
/// let (mut child, _stack) = aspawn::spawn!(Stack::new()?, greet, (&writer))?.wait_released()?;
/// drop(writer);
/// assert_eq!(child.wait()?.code(), Some(0));
/// let mut got = String::new();
/// reader.read_to_string(&mut got)?;
/// assert_eq!(got, "hello");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[repr(transparent)]
pub struct Fd(i32);

impl Fd {
    /// Standard input, 0.
    pub const STDIN: Fd = Fd(0);
    /// Standard output, 1.
    pub const STDOUT: Fd = Fd(1);
    /// Standard error, 2.
    pub const STDERR: Fd = Fd(2);

    /// The fd with this number.
    ///
    /// ```
    /// assert_eq!(aspawn::Fd::from_raw(7).as_raw(), 7);
    /// assert_eq!(aspawn::Fd::from_raw(2), aspawn::Fd::STDERR);
    /// ```
    #[inline]
    pub const fn from_raw(fd: i32) -> Fd {
        Fd(fd)
    }

    /// Its number.
    ///
    /// ```
    /// use std::os::fd::{AsFd, AsRawFd};
    /// assert_eq!(aspawn::Fd::STDOUT.as_raw(), std::io::stdout().as_fd().as_raw_fd());
    /// ```
    #[inline]
    pub const fn as_raw(self) -> i32 {
        self.0
    }
}

impl Place<Fd> for BorrowedFd<'_> {
    #[inline]
    fn place(self, _: &mut Placer<'_>) -> Result<Fd, SpawnError> {
        Ok(Fd(self.as_raw_fd()))
    }
}

impl<T: AsFd + ?Sized> Place<Fd> for &T {
    #[inline]
    fn place(self, _: &mut Placer<'_>) -> Result<Fd, SpawnError> {
        Ok(Fd(self.as_fd().as_raw_fd()))
    }
}

// Keep `&OwnedFd` explicit in the docs' table: it is covered by the `AsFd` impl above.
const _: fn(&OwnedFd) = |fd| {
    fn takes<A: Place<Fd>>(_: A) {}
    takes(fd)
};

// ---------------------------------------------------------------------------------------------
// CStrRef

/// A NUL-terminated string in the child: placed into the stack by `spawn!`, or a `c"…"` literal.
///
/// `spawn!` makes one from a parent-side `&str`, `&String`, `&CStr`, `&OsStr`, `&Path`, … (see
/// [`CStrSource`]), copying the bytes and a NUL into the child's stack; an interior NUL is a
/// [`SpawnError`].
///
/// ```
/// use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, ResultExt, SpawnErrorKind, Stack};
///
/// #[aspawn::child]
/// fn run_in(cx: &Ctx, dir: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
///     cx.chdir(dir).context("chdir")?;
///     cx.execve(c"/bin/true", argv, envp).context("execve")
/// }
///
/// let dir = std::env::temp_dir(); // a `PathBuf`: `&dir` is placed as a `CStrRef`
/// let spawned = aspawn::spawn!(Stack::new()?, run_in, (&dir, &["true"], Envp::empty()))?;
/// let (mut child, stack) = spawned.wait_released()?;
/// assert!(child.wait()?.success());
///
/// let err = aspawn::spawn!(stack, run_in, ("a\0b", &["true"], Envp::empty())).unwrap_err();
/// assert!(matches!(err.kind(), SpawnErrorKind::InteriorNul { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CStrRef {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY (for the impls below): the pointee is immutable placed bytes or static data.
impl CStrRef {
    /// A `c"…"` literal (or any static C string) as a `CStrRef`.
    ///
    /// ```
    /// let s = aspawn::CStrRef::from_static(c"/bin/true");
    /// assert_eq!(s.len(), 9);
    /// ```
    #[inline]
    pub const fn from_static(s: &'static CStr) -> CStrRef {
        let bytes = s.to_bytes();
        CStrRef {
            // SAFETY: a reference is never null.
            ptr: unsafe { NonNull::new_unchecked(bytes.as_ptr() as *mut u8) },
            len: bytes.len(),
        }
    }

    /// Length in bytes, without the NUL.
    ///
    /// ```
    /// assert_eq!(aspawn::CStrRef::from_static(c"ab").len(), 2);
    /// ```
    #[inline]
    pub const fn len(self) -> usize {
        self.len
    }

    /// Whether it is the empty string.
    ///
    /// ```
    /// assert!(aspawn::CStrRef::from_static(c"").is_empty());
    /// assert!(!aspawn::CStrRef::from_static(c"x").is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The byte at `i`, if `i < len()` (a child cannot index: it reads bytes this way).
    ///
    /// ```
    /// use aspawn::{CStrRef, Ctx, Stack};
    ///
    /// // Exits with the first byte of `s`, or 255 for an empty string.
    /// #[aspawn::child]
    /// fn first_byte(_cx: &Ctx, s: CStrRef) -> i32 {
    ///     match s.get(0) {
    ///         Some(b) => b as i32,
    ///         None => 255,
    ///     }
    /// }
    ///
    /// let (mut child, _stack) = aspawn::spawn!(Stack::new()?, first_byte, ("A"))?.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(65));
    /// assert_eq!(aspawn::CStrRef::from_static(c"A").get(1), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn get(self, i: usize) -> Option<u8> {
        if i < self.len {
            // SAFETY: `i` is within the placed bytes.
            Some(unsafe { *self.ptr.as_ptr().add(i) })
        } else {
            None
        }
    }

    /// The pointer to pass to a system call.
    #[inline]
    pub(crate) fn as_ptr(self) -> *const c_char {
        self.ptr.as_ptr().cast()
    }

    /// The bytes, without the NUL.
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes are valid for as long as the stack (or static) lives, which
        // outlasts every use in the child.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    pub(crate) fn from_placed(ptr: NonNull<u8>, len: usize) -> CStrRef {
        CStrRef { ptr, len }
    }
}

impl core::fmt::Debug for CStrRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&String::from_utf8_lossy(self.bytes()), f)
    }
}

impl sealed::Sealed for CStrRef {}
impl ChildArg for CStrRef {}

/// Parent-side values that become a [`CStrRef`]: `&CStr`, `&CString`, `&str`, `&String`, `&OsStr`,
/// `&OsString`, `&Path`, `&PathBuf` (a NUL is appended; an interior NUL is a `SpawnError`).
/// Slices, `Vec`s and arrays of them become an [`Argv`] or [`Envp`]. Sealed.
///
/// ```
/// use aspawn::{Argv, Ctx, Stack};
/// use std::ffi::{CString, OsString};
/// use std::path::PathBuf;
///
/// #[aspawn::child]
/// fn total_len(_cx: &Ctx, argv: Argv) -> i32 {
///     let mut n = 0;
///     let mut i = 0;
///     while let Some(s) = argv.get(i) {
///         n += s.len() as i32;
///         i += 1;
///     }
///     n
/// }
///
/// let owned = vec![String::from("ab"), String::from("cd")]; // `&Vec<String>`
/// let (mut c, stack) = aspawn::spawn!(Stack::new()?, total_len, (&owned))?.wait_released()?;
/// assert_eq!(c.wait()?.code(), Some(4));
/// let paths = [PathBuf::from("/tmp"), PathBuf::from("/")]; // `&[PathBuf; 2]`
/// let (mut c, stack) = aspawn::spawn!(stack, total_len, (&paths))?.wait_released()?;
/// assert_eq!(c.wait()?.code(), Some(5));
/// let mixed: &[OsString] = &[OsString::from("x")];
/// let (mut c, stack) = aspawn::spawn!(stack, total_len, (mixed))?.wait_released()?;
/// assert_eq!(c.wait()?.code(), Some(1));
/// let c_strings = vec![CString::new("xyz")?];
/// let (mut c, _stack) = aspawn::spawn!(stack, total_len, (&c_strings))?.wait_released()?;
/// assert_eq!(c.wait()?.code(), Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait CStrSource: sealed_src::Sealed {
    /// The bytes and whether they already end with the NUL.
    #[doc(hidden)]
    fn c_bytes(&self) -> (&[u8], bool);
}

mod sealed_src {
    pub trait Sealed {}
}

macro_rules! cstr_sources {
    ($($t:ty => |$s:ident| $e:expr;)*) => {$(
        impl sealed_src::Sealed for $t {}
        impl CStrSource for $t {
            #[inline]
            fn c_bytes(&self) -> (&[u8], bool) { let $s = self; $e }
        }
        impl sealed_place::Sealed<CStrRef> for &$t {}
        impl Place<CStrRef> for &$t {
            #[inline]
            fn place(self, p: &mut Placer<'_>) -> Result<CStrRef, SpawnError> {
                place_cstr(p, self, "string")
            }
        }
    )*};
}
cstr_sources! {
    CStr => |s| (s.to_bytes_with_nul(), true);
    CString => |s| (s.as_bytes_with_nul(), true);
    str => |s| (s.as_bytes(), false);
    String => |s| (s.as_bytes(), false);
    OsStr => |s| (s.as_bytes(), false);
    OsString => |s| (s.as_bytes(), false);
    Path => |s| (s.as_os_str().as_bytes(), false);
    PathBuf => |s| (s.as_os_str().as_bytes(), false);
}

impl<S: CStrSource + ?Sized> CStrSource for &S {
    #[inline]
    fn c_bytes(&self) -> (&[u8], bool) {
        (**self).c_bytes()
    }
}
impl<S: CStrSource + ?Sized> sealed_src::Sealed for &S {}

fn place_cstr<S: CStrSource + ?Sized>(
    p: &mut Placer<'_>,
    s: &S,
    what: &'static str,
) -> Result<CStrRef, SpawnError> {
    let (bytes, has_nul) = s.c_bytes();
    let ptr = p.put_c_bytes(bytes, has_nul, what)?;
    let len = if has_nul { bytes.len() - 1 } else { bytes.len() };
    Ok(CStrRef::from_placed(ptr, len))
}

// ---------------------------------------------------------------------------------------------
// Argv / Envp

/// A NULL-terminated array of C strings in the child, ready for `execve`'s `argv`.
///
/// `spawn!` makes one from a parent-side `&[S]`, `&Vec<S>` or `&[S; N]` of [`CStrSource`]
/// strings (`&str`, `String`, `&Path`, …), deep-copying the strings and the pointer array into
/// the child's stack. A `Vec` built at run time works as well as a literal:
///
/// ```
/// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
///
/// #[aspawn::child]
/// fn sh(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
///     cx.execve(c"/bin/sh", argv, envp).context("execve")
/// }
///
/// let code = 3;
/// let argv = vec!["sh".to_string(), "-c".to_string(), format!("exit {code}")];
/// let spawned = aspawn::spawn!(Stack::new()?, sh, (&argv, Envp::inherit()))?;
/// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Argv {
    ptr: NonNull<*const c_char>,
    len: usize,
}

/// A NULL-terminated array of `KEY=VALUE` C strings in the child, ready for `execve`'s `envp`.
///
/// In the parent, [`Envp::inherit`] places the parent's environment at spawn time and
/// [`Envp::empty`] places none; a list of `KEY=VALUE` strings (`&[S]`, `&Vec<S>`, `&[S; N]` of
/// [`CStrSource`]) is placed as given.
///
/// ```
/// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
///
/// #[aspawn::child]
/// fn sh(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
///     cx.execve(c"/bin/sh", argv, envp).context("execve")
/// }
///
/// let env = ["GREETING=hi", "LC_ALL=C"];
/// let script = &["sh", "-c", r#"test "$GREETING" = hi"#];
/// let spawned = aspawn::spawn!(Stack::new()?, sh, (script, &env))?;
/// assert!(spawned.wait_released()?.0.wait()?.success());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Envp(Argv);

macro_rules! string_array_api {
    ($t:ident, $inner:expr) => {
        impl $t {
            /// Number of strings (the terminating NULL not counted).
            ///
            /// ```
            /// use aspawn::{Argv, Ctx, Envp, Stack};
            ///
            /// #[aspawn::child]
            /// fn counts(_cx: &Ctx, argv: Argv, envp: Envp) -> i32 {
            ///     (argv.len() * 10 + envp.len()) as i32
            /// }
            ///
            /// let spawned = aspawn::spawn!(Stack::new()?, counts, (&["a", "b", "c"], &["K=V"]))?;
            /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(31));
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            #[inline]
            pub fn len(self) -> usize {
                let a: Argv = $inner(self);
                a.len
            }

            /// Whether there are none.
            ///
            /// ```
            /// use aspawn::{Argv, Ctx, Envp, Stack};
            ///
            /// #[aspawn::child]
            /// fn empties(_cx: &Ctx, argv: Argv, envp: Envp) -> i32 {
            ///     (argv.is_empty() as i32) * 2 + envp.is_empty() as i32
            /// }
            ///
            /// let no_args: [&str; 0] = [];
            /// let spawned = aspawn::spawn!(Stack::new()?, empties, (&no_args, Envp::empty()))?;
            /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(3));
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            #[inline]
            pub fn is_empty(self) -> bool {
                self.len() == 0
            }

            /// The string at `i`, if `i < len()` (a child cannot index: it reads strings this way).
            ///
            /// ```
            /// use aspawn::{Argv, Ctx, Envp, Stack};
            ///
            /// // Exits with the length of `argv[1]` plus 10 × that of `envp[0]`.
            /// #[aspawn::child]
            /// fn lens(_cx: &Ctx, argv: Argv, envp: Envp) -> i32 {
            ///     let a = match argv.get(1) {
            ///         Some(s) => s.len(),
            ///         None => 0,
            ///     };
            ///     let e = match envp.get(0) {
            ///         Some(s) => s.len(),
            ///         None => 0,
            ///     };
            ///     (a + 10 * e) as i32
            /// }
            ///
            /// let spawned = aspawn::spawn!(Stack::new()?, lens, (&["prog", "four"], &["A=1"]))?;
            /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(34));
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            #[inline]
            pub fn get(self, i: usize) -> Option<CStrRef> {
                let a: Argv = $inner(self);
                a.at(i)
            }
        }
        impl sealed::Sealed for $t {}
        impl ChildArg for $t {}
        impl core::fmt::Debug for $t {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let a: Argv = $inner(*self);
                f.debug_list().entries((0..a.len).filter_map(|i| a.at(i))).finish()
            }
        }
    };
}
string_array_api!(Argv, |a: Argv| a);
string_array_api!(Envp, |e: Envp| e.0);

impl Argv {
    fn at(self, i: usize) -> Option<CStrRef> {
        if i >= self.len {
            return None;
        }
        // SAFETY: `i < len`; the array and its strings were placed together and live as long
        // as the stack.
        unsafe {
            let s = *self.ptr.as_ptr().add(i);
            let len = crate::engine::sys::c_strlen(s.cast());
            Some(CStrRef::from_placed(NonNull::new_unchecked(s as *mut u8), len))
        }
    }

    /// The `argv` pointer for `execve`.
    #[inline]
    pub(crate) fn as_ptr(self) -> *const *const c_char {
        self.ptr.as_ptr()
    }
}

impl Envp {
    /// The parent's environment, read when `spawn!` places it, under the lock std's
    /// [`std::env::set_var`] and [`std::env::remove_var`] take (through [`std::env::vars_os`]):
    /// another thread changing the environment through std cannot tear the copy. An entry of
    /// `environ` without `=` is left out, as by `vars_os`.
    ///
    /// That read costs two allocations per variable at every spawn; a loop that spawns many
    /// children with an unchanged environment passes an [`EnvBlock`](crate::EnvBlock) captured
    /// once instead.
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn sh(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.execve(c"/bin/sh", argv, envp).context("execve")
    /// }
    ///
    /// // SAFETY: no other thread of this program reads or writes the environment.
    /// unsafe { std::env::set_var("ASPAWN_DOC_VAR", "seen") };
    /// let script = &["sh", "-c", r#"test "$ASPAWN_DOC_VAR" = seen"#];
    /// let spawned = aspawn::spawn!(Stack::new()?, sh, (script, Envp::inherit()))?;
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn inherit() -> EnvSource<'static> {
        EnvSource::Inherit
    }

    /// No environment at all.
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    /// use std::io::Read;
    ///
    /// #[aspawn::child]
    /// fn env(cx: &Ctx, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.execve(c"/usr/bin/env", argv, envp).context("execve")
    /// }
    ///
    /// let (mut reader, writer) = std::io::pipe()?;
    /// let spawned = aspawn::spawn!(Stack::new()?, env, (&["env"], Envp::empty(), &writer))?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// let mut listed = String::new();
    /// reader.read_to_string(&mut listed)?;
    /// assert_eq!(listed, ""); // `env` found no variable to list
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn empty() -> EnvSource<'static> {
        EnvSource::Empty
    }

    /// The `envp` pointer for `execve`.
    #[inline]
    pub(crate) fn as_ptr(self) -> *const *const c_char {
        self.0.as_ptr()
    }

    /// The same placed strings as an environment.
    pub(crate) fn from_placed_argv(argv: Argv) -> Envp {
        Envp(argv)
    }

    /// An `Envp` over `len` strings placed at `arr` (a NULL-terminated array of `len + 1`
    /// slots, from `Placer::ptr_array`).
    pub(crate) fn from_placed(arr: *mut *const u8, len: usize) -> Envp {
        Envp(Argv {
            // SAFETY: `ptr_array` never returns null.
            ptr: unsafe { NonNull::new_unchecked(arr.cast()) },
            len,
        })
    }
}

/// A parent-side environment for an [`Envp`] parameter: [`Envp::inherit`] or [`Envp::empty`].
/// A prepared list of `KEY=VALUE` strings (`&[S]`, `&Vec<S>`, `&[S; N]`) is placed as an `Envp`
/// too.
///
/// ```
/// use aspawn::{EnvSource, Envp};
/// assert!(matches!(Envp::inherit(), EnvSource::Inherit));
/// assert!(matches!(Envp::empty(), EnvSource::Empty));
/// ```
#[derive(Clone, Copy, Debug)]
pub enum EnvSource<'a> {
    /// The parent's `environ` at spawn time.
    Inherit,
    /// No variables.
    Empty,
    #[doc(hidden)]
    _Lifetime(core::marker::PhantomData<&'a ()>),
}

pub(crate) fn place_strings<'s, I>(
    p: &mut Placer<'_>,
    items: I,
    what: &'static str,
) -> Result<Argv, SpawnError>
where
    I: ExactSizeIterator<Item = (&'s [u8], bool)> + Clone,
{
    let n = items.len();
    let arr = p.ptr_array(n + 1)?;
    for (i, (bytes, has_nul)) in items.enumerate() {
        let s = p.put_c_bytes(bytes, has_nul, what)?;
        // SAFETY: `arr` has `n + 1` slots and `i < n`.
        unsafe { arr.add(i).write(s.as_ptr()) };
    }
    // SAFETY: slot `n` is the terminator.
    unsafe { arr.add(n).write(core::ptr::null()) };
    Ok(Argv {
        // SAFETY: `ptr_array` never returns null.
        ptr: unsafe { NonNull::new_unchecked(arr.cast()) },
        len: n,
    })
}

macro_rules! slice_sources {
    ($target:ident, $what:literal, $wrap:expr) => {
        impl<S: CStrSource> Place<$target> for &[S] {
            fn place(self, p: &mut Placer<'_>) -> Result<$target, SpawnError> {
                place_strings(p, self.iter().map(|s| s.c_bytes()), $what).map($wrap)
            }
        }
        impl<S: CStrSource> Place<$target> for &Vec<S> {
            fn place(self, p: &mut Placer<'_>) -> Result<$target, SpawnError> {
                self.as_slice().place(p)
            }
        }
        impl<S: CStrSource, const N: usize> Place<$target> for &[S; N] {
            fn place(self, p: &mut Placer<'_>) -> Result<$target, SpawnError> {
                self.as_slice().place(p)
            }
        }
    };
}
slice_sources!(Argv, "argv", |a| a);
slice_sources!(Envp, "envp", Envp);

// `impl Place<Envp> for EnvSource` is in `environ.rs`, with the environment reading.

// ---------------------------------------------------------------------------------------------
// Additions for `Command` (issue 5): new child parameter types. Keep this section last.

/// A list of group ids in the child, placed by `spawn!` for [`Ctx::setgroups`](crate::Ctx::setgroups).
///
/// In the parent, `&[u32]`, `&Vec<u32>` and `&[u32; N]` become a `Groups` (deep-copied into the
/// stack). In the child, `cx.setgroups` takes it (by value or by reference):
///
/// ```
/// use aspawn::{Argv, ChildResult, Ctx, Envp, Groups, ResultExt};
///
/// #[aspawn::child]
/// fn with_groups(cx: &Ctx, groups: Groups, argv: Argv, envp: Envp) -> ChildResult {
///     cx.setgroups(&groups).context("setgroups")?;
///     cx.restore_sigmask().context("sigprocmask")?;
///     cx.execve(c"/bin/true", argv, envp).context("execve")
/// }
///
/// // Unprivileged, `setgroups` fails with `EPERM` (unless the list is what we have already and
/// // the kernel lets it pass): the failure comes back typed.
/// let spawned = aspawn::spawn!(
///     aspawn::Stack::new()?,
///     with_groups,
///     (&[0u32, 1, 2], &["true"], Envp::inherit())
/// )?;
/// match spawned.wait_released() {
///     Ok((mut child, _stack)) => assert!(child.wait()?.success()),
///     Err(failed) => assert_eq!(failed.step(), "setgroups"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
#[derive(Clone, Copy)]
pub struct Groups {
    ptr: NonNull<u32>,
    len: usize,
}

impl sealed::Sealed for Groups {}
impl ChildArg for Groups {}

impl Groups {
    /// The placed ids.
    #[inline(always)]
    fn as_slice(&self) -> &[u32] {
        // SAFETY: `len` u32s were placed at `ptr` (or `ptr` is dangling and `len` is 0); the
        // stack outlives every use in the child.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

/// What [`Ctx::setgroups`](crate::Ctx::setgroups) takes: a placed [`Groups`], or a `&[u32]` /
/// `&[u32; N]` (a literal in the child). Sealed: no user type can run code here.
///
/// ```
/// use aspawn::{ChildResult, Ctx, Groups, ResultExt};
///
/// #[aspawn::child]
/// fn set_placed(cx: &Ctx, groups: Groups) -> ChildResult {
///     cx.setgroups(groups).context("setgroups")?; // a placed `Groups`
///     cx.exit(0)
/// }
///
/// #[aspawn::child]
/// fn set_literal(cx: &Ctx) -> ChildResult {
///     cx.setgroups(&[100u32, 101]).context("setgroups")?; // a literal array
///     cx.exit(0)
/// }
///
/// // Unprivileged, both fail with `EPERM`; as root they succeed. Either way the result is typed.
/// for spawned in [
///     aspawn::spawn!(aspawn::Stack::new()?, set_placed, (&vec![100u32]))?,
///     aspawn::spawn!(aspawn::Stack::new()?, set_literal, ())?,
/// ] {
///     match spawned.wait_released() {
///         Ok((mut child, _stack)) => assert!(child.wait()?.success()),
///         Err(failed) => assert_eq!(failed.errno(), aspawn::Errno::PERM),
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait GroupList: sealed::Sealed {
    /// The ids as a slice, for the system call.
    #[doc(hidden)]
    fn ids(&self) -> &[u32];
}
impl GroupList for Groups {
    #[inline(always)]
    fn ids(&self) -> &[u32] {
        self.as_slice()
    }
}
impl sealed::Sealed for &Groups {}
impl GroupList for &Groups {
    #[inline(always)]
    fn ids(&self) -> &[u32] {
        self.as_slice()
    }
}
impl sealed::Sealed for &[u32] {}
impl GroupList for &[u32] {
    #[inline(always)]
    fn ids(&self) -> &[u32] {
        self
    }
}
impl<const N: usize> sealed::Sealed for &[u32; N] {}
impl<const N: usize> GroupList for &[u32; N] {
    #[inline(always)]
    fn ids(&self) -> &[u32] {
        &self[..]
    }
}

impl core::fmt::Debug for Groups {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

fn place_groups(p: &mut Placer<'_>, groups: &[u32]) -> Result<Groups, SpawnError> {
    if groups.is_empty() {
        return Ok(Groups { ptr: NonNull::dangling(), len: 0 });
    }
    let bytes = core::mem::size_of_val(groups);
    let dst = p.alloc(bytes, core::mem::align_of::<u32>())?.cast::<u32>();
    // SAFETY: `alloc` returned `bytes` fresh, aligned bytes in the stack, which cannot overlap
    // the parent's slice.
    unsafe { core::ptr::copy_nonoverlapping(groups.as_ptr(), dst, groups.len()) };
    // SAFETY: `alloc` never returns null.
    Ok(Groups { ptr: unsafe { NonNull::new_unchecked(dst) }, len: groups.len() })
}

impl Place<Groups> for &[u32] {
    fn place(self, p: &mut Placer<'_>) -> Result<Groups, SpawnError> {
        place_groups(p, self)
    }
}
impl Place<Groups> for &Vec<u32> {
    fn place(self, p: &mut Placer<'_>) -> Result<Groups, SpawnError> {
        place_groups(p, self)
    }
}
impl<const N: usize> Place<Groups> for &[u32; N] {
    fn place(self, p: &mut Placer<'_>) -> Result<Groups, SpawnError> {
        place_groups(p, self)
    }
}
