//! Operators, `?`, `for` and item reads for child bodies.
//!
//! `#[aspawn::child]` rewrites `a + b` to `K::add(a, b)`, `a == b` to `K::eq(a, b)`, `e?` to a
//! `match` on `K::branch(e)`, `for i in a..b` to a `while` on `K::lt`/`K::succ`, and a path
//! that is not a local variable to `K::value(PATH)`, where `K` is the anchored
//! [`Kit`](crate::private::Kit) (see [`Approved`](crate::contract::Approved)): the functions
//! below are its inherent functions. Every one of them is bounded by a sealed
//! trait implemented only for child value types, so no user `Add`, `PartialEq`, `From`,
//! `IntoIterator`, `Drop` or `Deref` implementation can be reached from a child (docs/SOUNDNESS.md item
//! 10), and arithmetic wraps instead of panicking (item 3).

use core::convert::Infallible;
use core::ops::ControlFlow;

use crate::arg::{Argv, CStrRef, Envp, Fd};
use crate::error::{Errno, Failure};

mod sealed {
    pub trait Sealed {}
}
use sealed::Sealed;

/// The integer types of a child: arithmetic, shifts and `for` ranges.
#[diagnostic::on_unimplemented(
    message = "arithmetic in an `#[aspawn::child]` function works on integers only, not `{Self}`",
    label = "not an integer",
    note = "`+ - * << >>` are rewritten to wrapping functions defined for the integer types only"
)]
pub trait Int: Copy + Sealed {
    #[doc(hidden)]
    fn add_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn sub_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn mul_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn shl_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn shr_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn shift_amount(self) -> u32;
}

/// The signed integer types: unary `-`.
#[diagnostic::on_unimplemented(
    message = "unary `-` in an `#[aspawn::child]` function works on signed integers only, not `{Self}`",
    label = "not a signed integer"
)]
pub trait Signed: Int {
    #[doc(hidden)]
    fn neg_(self) -> Self;
}

/// `& | ^ !`: integers and `bool`.
#[diagnostic::on_unimplemented(
    message = "bitwise operators in an `#[aspawn::child]` function work on integers and `bool` only, not `{Self}`",
    label = "not an integer or `bool`"
)]
pub trait Bits: Copy + Sealed {
    #[doc(hidden)]
    fn and_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn or_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn xor_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn not_(self) -> Self;
}

/// `==` and `!=`: child values.
#[diagnostic::on_unimplemented(
    message = "`==` in an `#[aspawn::child]` function compares child values only, not `{Self}`",
    label = "not comparable in a child"
)]
pub trait Equal: Sealed {
    #[doc(hidden)]
    fn equal(&self, o: &Self) -> bool;
}

/// `< <= > >=`: integers, `char`, `bool`, `Fd`.
#[diagnostic::on_unimplemented(
    message = "`<` `<=` `>` `>=` in an `#[aspawn::child]` function compare integers, `char`, `bool` and `Fd` only, not `{Self}`",
    label = "not ordered in a child"
)]
pub trait Order: Sealed {
    #[doc(hidden)]
    fn less(&self, o: &Self) -> bool;
}

macro_rules! ints {
    ($($t:ty),*) => {$(
        impl Sealed for $t {}
        impl Int for $t {
            #[inline(always)]
            fn add_(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn sub_(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)]
            fn mul_(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)]
            fn shl_(self, n: u32) -> Self { self.wrapping_shl(n) }
            #[inline(always)]
            fn shr_(self, n: u32) -> Self { self.wrapping_shr(n) }
            #[inline(always)]
            fn shift_amount(self) -> u32 { self as u32 }
        }
        impl Bits for $t {
            #[inline(always)]
            fn and_(self, o: Self) -> Self { self & o }
            #[inline(always)]
            fn or_(self, o: Self) -> Self { self | o }
            #[inline(always)]
            fn xor_(self, o: Self) -> Self { self ^ o }
            #[inline(always)]
            fn not_(self) -> Self { !self }
        }
        impl Equal for $t {
            #[inline(always)]
            fn equal(&self, o: &Self) -> bool { *self == *o }
        }
        impl Order for $t {
            #[inline(always)]
            fn less(&self, o: &Self) -> bool { *self < *o }
        }
        impl Value for $t {}
    )*};
}
ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Signed for $t {
            #[inline(always)]
            fn neg_(self) -> Self { self.wrapping_neg() }
        }
    )*};
}
signed!(i8, i16, i32, i64, i128, isize);

impl Sealed for bool {}
impl Bits for bool {
    #[inline(always)]
    fn and_(self, o: Self) -> Self {
        self & o
    }
    #[inline(always)]
    fn or_(self, o: Self) -> Self {
        self | o
    }
    #[inline(always)]
    fn xor_(self, o: Self) -> Self {
        self ^ o
    }
    #[inline(always)]
    fn not_(self) -> Self {
        !self
    }
}

/// Types compared with their own (derived or primitive, audited) `==`.
macro_rules! plain_equal {
    ($($t:ty),*) => {$(
        impl Equal for $t {
            #[inline(always)]
            fn equal(&self, o: &Self) -> bool { *self == *o }
        }
    )*};
}
plain_equal!(bool, char, (), Fd, Errno, Failure);

impl Sealed for char {}
impl Order for bool {
    #[inline(always)]
    fn less(&self, o: &Self) -> bool {
        !*self & *o
    }
}
impl Order for char {
    #[inline(always)]
    fn less(&self, o: &Self) -> bool {
        *self < *o
    }
}
impl Sealed for Fd {}
impl Order for Fd {
    #[inline(always)]
    fn less(&self, o: &Self) -> bool {
        self.as_raw() < o.as_raw()
    }
}
impl Sealed for Errno {}
impl Sealed for Failure {}
impl Sealed for () {}
impl Sealed for CStrRef {}
impl Sealed for Argv {}
impl Sealed for Envp {}
impl Sealed for Infallible {}
impl Equal for Infallible {
    #[inline(always)]
    fn equal(&self, _: &Self) -> bool {
        match *self {}
    }
}

impl<T: Equal> Equal for Option<T> {
    #[inline(always)]
    fn equal(&self, o: &Self) -> bool {
        match (self, o) {
            (Some(a), Some(b)) => a.equal(b),
            (None, None) => true,
            _ => false,
        }
    }
}
impl<T: Equal, E: Equal> Equal for Result<T, E> {
    #[inline(always)]
    fn equal(&self, o: &Self) -> bool {
        match (self, o) {
            (Ok(a), Ok(b)) => a.equal(b),
            (Err(a), Err(b)) => a.equal(b),
            _ => false,
        }
    }
}
impl<T: Sealed, const N: usize> Sealed for [T; N] {}
impl<T: Equal, const N: usize> Equal for [T; N] {
    #[inline]
    fn equal(&self, o: &Self) -> bool {
        self.iter().zip(o).all(|(a, b)| a.equal(b))
    }
}

macro_rules! tuples {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<$($t: Sealed),+> Sealed for ($($t,)+) {}
        impl<$($t: Equal),+> Equal for ($($t,)+) {
            #[inline(always)]
            fn equal(&self, o: &Self) -> bool { true $(&& self.$i.equal(&o.$i))+ }
        }
        impl<$($t: Value),+> Value for ($($t,)+) {}
    )*};
}
tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
}

/// The child values: the types a child may read from an item (a `const`, a `static`, an
/// associated constant), and the only types the constructors (`Some`, `None`, `Ok`, `Err`), `?`
/// and helpers' return types may carry. The integers, `bool`, `char`, `Fd`, `Errno`, `Failure`,
/// `CStrRef`, `Argv`, `Envp`, and `Option`s, `Result`s, tuples, arrays and slices of them and
/// references to them (a `&'static` string for `CStrRef::from_static(CONST)`, a `&mut u8` from
/// `get_mut`). Neither `Drop` nor a user `Deref` nor interior mutability is among them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a child value: an `#[aspawn::child]` function may only make, read (from constants and statics) and return child values",
    label = "not a child value",
    note = "child values are integers, `bool`, `char`, `Fd`, `Errno`, `CStrRef`, `Argv`, `Envp`, `Failure`, `str`, `CStr`, and `Option`s, `Result`s, tuples, arrays, slices of and references to these",
    note = "a function used as a value is not a child value either: a child calls functions by name"
)]
pub trait Value: Sealed {}
impl Value for bool {}
impl Value for char {}
impl Value for () {}
impl Value for Fd {}
impl Value for Errno {}
impl Value for Failure {}
impl Value for CStrRef {}
impl Value for Argv {}
impl Value for Envp {}
impl Value for Infallible {}
impl<T: Value> Value for Option<T> {}
impl<T: Value, E: Value> Value for Result<T, E> {}
impl<T: Value, const N: usize> Value for [T; N] {}
// References to child values: `&'static` strings, byte strings and C strings (from items),
// and in a body `&x`, `&mut x` and what `get_mut` and `get(a..b)` return. A reference type has
// no `Drop`, and its `Deref` is the built-in one.
impl<T: Value + ?Sized> Sealed for &T {}
impl<T: Value + ?Sized> Value for &T {}
impl<T: Value + ?Sized> Sealed for &mut T {}
impl<T: Value + ?Sized> Value for &mut T {}
impl Sealed for str {}
impl Value for str {}
impl<T: Value> Sealed for [T] {}
impl<T: Value> Value for [T] {}
impl Sealed for core::ffi::CStr {}
impl Value for core::ffi::CStr {}

impl crate::private::Kit {
    /// `a + b` (wrapping).
    #[inline(always)]
    pub fn add<T: Int>(a: T, b: T) -> T {
        a.add_(b)
    }
    /// `a - b` (wrapping).
    #[inline(always)]
    pub fn sub<T: Int>(a: T, b: T) -> T {
        a.sub_(b)
    }
    /// `a * b` (wrapping).
    #[inline(always)]
    pub fn mul<T: Int>(a: T, b: T) -> T {
        a.mul_(b)
    }
    /// `a << n` (wrapping: the amount is taken modulo the bit width).
    #[inline(always)]
    pub fn shl<T: Int, N: Int>(a: T, n: N) -> T {
        a.shl_(n.shift_amount())
    }
    /// `a >> n` (wrapping: the amount is taken modulo the bit width).
    #[inline(always)]
    pub fn shr<T: Int, N: Int>(a: T, n: N) -> T {
        a.shr_(n.shift_amount())
    }
    /// `-a` (wrapping: `-i32::MIN == i32::MIN`).
    #[inline(always)]
    pub fn neg<T: Signed>(a: T) -> T {
        a.neg_()
    }
    /// `!a`.
    #[inline(always)]
    pub fn not<T: Bits>(a: T) -> T {
        a.not_()
    }
    /// `a & b`.
    #[inline(always)]
    pub fn bitand<T: Bits>(a: T, b: T) -> T {
        a.and_(b)
    }
    /// `a | b`.
    #[inline(always)]
    pub fn bitor<T: Bits>(a: T, b: T) -> T {
        a.or_(b)
    }
    /// `a ^ b`.
    #[inline(always)]
    pub fn bitxor<T: Bits>(a: T, b: T) -> T {
        a.xor_(b)
    }
    /// `a == b`.
    #[inline(always)]
    pub fn eq<T: Equal>(a: T, b: T) -> bool {
        a.equal(&b)
    }
    /// `a != b`.
    #[inline(always)]
    pub fn ne<T: Equal>(a: T, b: T) -> bool {
        !a.equal(&b)
    }
    /// `a < b`.
    #[inline(always)]
    pub fn lt<T: Order>(a: T, b: T) -> bool {
        a.less(&b)
    }
    /// `a <= b`.
    #[inline(always)]
    pub fn le<T: Order>(a: T, b: T) -> bool {
        !b.less(&a)
    }
    /// `a > b`.
    #[inline(always)]
    pub fn gt<T: Order>(a: T, b: T) -> bool {
        b.less(&a)
    }
    /// `a >= b`.
    #[inline(always)]
    pub fn ge<T: Order>(a: T, b: T) -> bool {
        !a.less(&b)
    }

    /// `a += b` (wrapping).
    #[inline(always)]
    pub fn add_assign<T: Int>(a: &mut T, b: T) {
        *a = a.add_(b);
    }
    /// `a -= b` (wrapping).
    #[inline(always)]
    pub fn sub_assign<T: Int>(a: &mut T, b: T) {
        *a = a.sub_(b);
    }
    /// `a *= b` (wrapping).
    #[inline(always)]
    pub fn mul_assign<T: Int>(a: &mut T, b: T) {
        *a = a.mul_(b);
    }
    /// `a <<= n` (wrapping).
    #[inline(always)]
    pub fn shl_assign<T: Int, N: Int>(a: &mut T, n: N) {
        *a = a.shl_(n.shift_amount());
    }
    /// `a >>= n` (wrapping).
    #[inline(always)]
    pub fn shr_assign<T: Int, N: Int>(a: &mut T, n: N) {
        *a = a.shr_(n.shift_amount());
    }
    /// `a &= b`.
    #[inline(always)]
    pub fn bitand_assign<T: Bits>(a: &mut T, b: T) {
        *a = a.and_(b);
    }
    /// `a |= b`.
    #[inline(always)]
    pub fn bitor_assign<T: Bits>(a: &mut T, b: T) {
        *a = a.or_(b);
    }
    /// `a ^= b`.
    #[inline(always)]
    pub fn bitxor_assign<T: Bits>(a: &mut T, b: T) {
        *a = a.xor_(b);
    }

    /// The next value of a `for` loop's variable. Only called while the variable is below the
    /// range's end, so it never overflows (it wraps anyway, never panics).
    #[inline(always)]
    pub fn succ<T: Int + StepOne>(a: T) -> T {
        a.add_(T::ONE)
    }
}

/// `1` of an integer type, for [`Kit::succ`](crate::private::Kit::succ).
pub trait StepOne: Sealed {
    #[doc(hidden)]
    const ONE: Self;
}
macro_rules! step_one {
    ($($t:ty),*) => {$( impl StepOne for $t { const ONE: Self = 1; } )*};
}
step_one!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl crate::private::Kit {
    /// A read of a non-local path (`FOO`, `Fd::STDOUT`, `u32::MAX`): its type must be a child value.
    #[inline(always)]
    pub fn value<T: Value>(v: T) -> T {
        v
    }

    /// Compile-time check of a helper's return type: a child value (or `!`, which is not
    /// checked), so that no `Option<T>` or `Result<_, T>` of a user type `T` can be returned.
    #[inline(always)]
    pub const fn assert_child_value<T: Value + ?Sized>() {}
}

/// What `?` applies to in a child: `Result` and `Option`.
#[diagnostic::on_unimplemented(
    message = "`?` in an `#[aspawn::child]` function applies to a `Result` or an `Option`, not `{Self}`",
    label = "not a `Result` or an `Option`"
)]
pub trait Try: Sealed {
    /// The value on success.
    type Output;
    /// What is returned early.
    type Residual;
    #[doc(hidden)]
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
}

impl<T, E> Sealed for Result<T, E> {}
impl<T, E: Value> Try for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Ok(v) => ControlFlow::Continue(v),
            Err(e) => ControlFlow::Break(Err(e)),
        }
    }
}
impl<T> Sealed for Option<T> {}
impl<T> Try for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Some(v) => ControlFlow::Continue(v),
            None => ControlFlow::Break(None),
        }
    }
}

/// The function's return type built from what `?` returns early — without `From`: the error
/// type must already be the function's.
#[diagnostic::on_unimplemented(
    message = "`?` cannot return `{R}` from an `#[aspawn::child]` function returning `{Self}`",
    label = "`?` never converts errors in a child (no `From`)",
    note = "turn a `Result<_, Errno>` into a `Result<_, Failure>` with `.context(\"step\")?`"
)]
pub trait FromResidual<R>: Sealed {
    #[doc(hidden)]
    fn from_residual(r: R) -> Self;
}
impl<T, E: Value> FromResidual<Result<Infallible, E>> for Result<T, E> {
    #[inline(always)]
    fn from_residual(r: Result<Infallible, E>) -> Self {
        match r {
            Ok(never) => match never {},
            Err(e) => Err(e),
        }
    }
}
impl<T> FromResidual<Option<Infallible>> for Option<T> {
    #[inline(always)]
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
}

impl crate::private::Kit {
    /// `e?`, part 1: continue with the value or break with the residual.
    #[inline(always)]
    pub fn branch<T: Try>(t: T) -> ControlFlow<T::Residual, T::Output> {
        t.branch()
    }

    /// `e?`, part 2: the early return value.
    #[inline(always)]
    pub fn from_residual<R, T: FromResidual<R>>(r: R) -> T {
        T::from_residual(r)
    }
}

/// The deepest call chain a child may contain ([`Approved::DEPTH`](crate::contract::Approved::DEPTH)): the child's stack is
/// small, so its depth must be bounded at compile time.
pub const MAX_DEPTH: usize = 64;

/// The larger of two call depths: `Approved::DEPTH` is `1 + deeper(callee₁, deeper(callee₂, …
/// 0))` (evaluated at compile time only).
pub const fn deeper(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// Fails the build (at compile time) when a call chain is deeper than [`MAX_DEPTH`].
pub const fn check_depth(depth: usize) {
    if depth > MAX_DEPTH {
        panic!(
            "a chain of `#[aspawn::child]` calls is deeper than 64 calls: the child's stack is \
             small. Flatten the helpers or use a loop"
        );
    }
}

impl crate::private::Kit {
    /// [`deeper`], through the anchor: `Approved::DEPTH` is `1 + K::deeper(callee₁, …)`.
    #[inline(always)]
    pub const fn deeper(a: usize, b: usize) -> usize {
        deeper(a, b)
    }

    /// [`check_depth`], through the anchor (`const _: () = K::check_depth(DEPTH);`), so that
    /// a crate redirecting `::aspawn` cannot swap the depth limit.
    #[inline(always)]
    pub const fn check_depth(depth: usize) {
        check_depth(depth)
    }
}

/// What `spawn!(stack, NAME, …)` spawns: `<NAME as Spawnable>::Fn`. Naming `NAME` in this
/// type-only position makes a wrong `NAME` (a plain function) one clear error ("expected type,
/// found function") instead of two about generic arguments. A helper (no `ChildFn`) is reported
/// as an unsatisfied `ChildFn` bound.
pub trait Spawnable {
    /// The child function itself.
    type Fn: crate::contract::ChildFn;
}
impl<F: crate::contract::ChildFn> Spawnable for F {
    type Fn = F;
}
