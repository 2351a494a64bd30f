//! The pure methods a child body may call.
//!
//! `#[aspawn::child]` rewrites `x.NAME(args)` to `K::NAME(x, args)`, `K` being the anchored
//! [`Kit`](crate::private::Kit), for exactly the names
//! defined here (the list `PURE_METHODS` in `aspawn-macros/src/child/check.rs`). Each function is
//! bounded by a sealed trait implemented only for child value types, so a user's trait with a
//! method of the same name — even one implemented for `u32` or `Fd` — is never called. None of
//! them allocates, panics or touches thread-local storage.

use crate::arg::{Argv, CStrRef, Envp, Fd};
use crate::error::{Errno, Failure, ResultExt};
use crate::private::ops::Value;

mod sealed {
    pub trait Sealed {}
}
use sealed::Sealed;

// ---------------------------------------------------------------------------------------------
// len / is_empty / get / get_mut

/// Sequences: `CStrRef` (bytes), `Argv` and `Envp` (strings), arrays (also behind `&` and
/// `&mut`: a helper's parameter), byte strings and slices. `x.len()` is rewritten to
/// `K::len(&x)`: by reference, so that a `&mut [u8; N]` is not moved by reading its length.
#[diagnostic::on_unimplemented(
    message = "`len`, `is_empty` and `get` in an `#[aspawn::child]` function apply to `CStrRef`, `Argv`, `Envp`, arrays and byte strings, not `{Self}`",
    label = "not a sequence of the child"
)]
pub trait Seq: Sealed {
    /// What `get` returns.
    type Item;
    #[doc(hidden)]
    fn len_(&self) -> usize;
    #[doc(hidden)]
    fn get_(&self, i: usize) -> Option<Self::Item>;
}

impl Sealed for CStrRef {}
impl Seq for CStrRef {
    type Item = u8;
    #[inline(always)]
    fn len_(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn get_(&self, i: usize) -> Option<u8> {
        (*self).get(i)
    }
}

macro_rules! string_arrays {
    ($($t:ty),*) => {$(
        impl Sealed for $t {}
        impl Seq for $t {
            type Item = CStrRef;
            #[inline(always)]
            fn len_(&self) -> usize { self.len() }
            #[inline(always)]
            fn get_(&self, i: usize) -> Option<CStrRef> { (*self).get(i) }
        }
    )*};
}
string_arrays!(Argv, Envp);

/// The element slice of an array, behind any number of the references a child can have.
#[diagnostic::on_unimplemented(
    message = "`get(a..b)` and `get_mut` in an `#[aspawn::child]` function apply to arrays (and, for `get(a..b)`, byte strings and slices), not `{Self}`",
    label = "not an array of the child"
)]
pub trait Elems: Sealed {
    /// The element type.
    type Elem: Value + Copy;
    #[doc(hidden)]
    fn elems(&self) -> &[Self::Elem];
}

/// Arrays a child can write one element of: its own (`[T; N]`) or its caller's (`&mut [T; N]`).
#[diagnostic::on_unimplemented(
    message = "`get_mut` in an `#[aspawn::child]` function applies to an array local (or a `&mut` array parameter), not `{Self}`",
    label = "not a writable array of the child"
)]
pub trait ElemsMut: Elems {
    #[doc(hidden)]
    fn elems_mut(&mut self) -> &mut [Self::Elem];
}

impl<T: Value + Copy, const N: usize> Sealed for [T; N] {}
impl<T: Value + Copy, const N: usize> Seq for [T; N] {
    type Item = T;
    #[inline(always)]
    fn len_(&self) -> usize {
        N
    }
    #[inline(always)]
    fn get_(&self, i: usize) -> Option<T> {
        self.as_slice().get(i).copied()
    }
}
impl<T: Value + Copy> Sealed for [T] {}
impl<T: Value + Copy> Seq for [T] {
    type Item = T;
    #[inline(always)]
    fn len_(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn get_(&self, i: usize) -> Option<T> {
        self.get(i).copied()
    }
}
// Behind a reference (a helper's `&CStrRef`, `&mut [u8; N]` parameter, a `&'static [u8]`
// constant, what `get(a..b)` returns): the sequence it points to.
impl<S: Sealed + ?Sized> Sealed for &S {}
impl<S: Seq + ?Sized> Seq for &S {
    type Item = S::Item;
    #[inline(always)]
    fn len_(&self) -> usize {
        (**self).len_()
    }
    #[inline(always)]
    fn get_(&self, i: usize) -> Option<S::Item> {
        (**self).get_(i)
    }
}
impl<S: Sealed + ?Sized> Sealed for &mut S {}
impl<S: Seq + ?Sized> Seq for &mut S {
    type Item = S::Item;
    #[inline(always)]
    fn len_(&self) -> usize {
        (**self).len_()
    }
    #[inline(always)]
    fn get_(&self, i: usize) -> Option<S::Item> {
        (**self).get_(i)
    }
}

impl<T: Value + Copy, const N: usize> Elems for [T; N] {
    type Elem = T;
    #[inline(always)]
    fn elems(&self) -> &[T] {
        self
    }
}
impl<T: Value + Copy, const N: usize> ElemsMut for [T; N] {
    #[inline(always)]
    fn elems_mut(&mut self) -> &mut [T] {
        self
    }
}
impl<T: Value + Copy> Elems for [T] {
    type Elem = T;
    #[inline(always)]
    fn elems(&self) -> &[T] {
        self
    }
}
impl<T: Value + Copy> ElemsMut for [T] {
    #[inline(always)]
    fn elems_mut(&mut self) -> &mut [T] {
        self
    }
}
impl<S: Elems + ?Sized> Elems for &S {
    type Elem = S::Elem;
    #[inline(always)]
    fn elems(&self) -> &[S::Elem] {
        (**self).elems()
    }
}
impl<S: Elems + ?Sized> Elems for &mut S {
    type Elem = S::Elem;
    #[inline(always)]
    fn elems(&self) -> &[S::Elem] {
        (**self).elems()
    }
}
impl<S: ElemsMut + ?Sized> ElemsMut for &mut S {
    #[inline(always)]
    fn elems_mut(&mut self) -> &mut [S::Elem] {
        (**self).elems_mut()
    }
}

impl crate::private::Kit {
    /// `x.len()`: bytes of a `CStrRef` (without the NUL), strings of an `Argv`/`Envp`, elements of
    /// an array or slice.
    #[inline(always)]
    pub fn len<S: Seq + ?Sized>(s: &S) -> usize {
        s.len_()
    }

    /// `x.is_empty()`.
    #[inline(always)]
    pub fn is_empty<S: Seq + ?Sized>(s: &S) -> bool {
        s.len_() == 0
    }

    /// `x.get(i)`: the element at `i`, or `None` past the end (never panics).
    #[inline(always)]
    pub fn get<S: Seq + ?Sized>(s: &S, i: usize) -> Option<S::Item> {
        s.get_(i)
    }

    /// `x.get(a..b)` (`x.get(..b)` is `a = 0`): the elements from `a` to `b`, or `None` unless
    /// `a <= b <= len` (never panics), as `<[T]>::get` does. For an array, a byte string or a
    /// slice: `cx.write(fd, p)` takes it, as in `if let Some(p) = buf.get(..n) { … }`.
    #[inline(always)]
    pub fn get_range<S: Elems + ?Sized>(s: &S, a: usize, b: usize) -> Option<&[S::Elem]> {
        s.elems().get(a..b)
    }

    /// `x.get(a..)` (and `x.get(..)`, `a = 0`): the elements from `a` on, or `None` if `a` is
    /// past the end.
    #[inline(always)]
    pub fn get_from<S: Elems + ?Sized>(s: &S, a: usize) -> Option<&[S::Elem]> {
        s.elems().get(a..)
    }

    /// `x.get_mut(i)`: the element at `i` of an array local (or of the array a `&mut`
    /// parameter points to), to write it (`if let Some(b) = buf.get_mut(i) { *b = v; }`), or
    /// `None` past the end (never panics).
    #[inline(always)]
    pub fn get_mut<S: ElemsMut + ?Sized>(s: &mut S, i: usize) -> Option<&mut S::Elem> {
        s.elems_mut().get_mut(i)
    }
}

// ---------------------------------------------------------------------------------------------
// Integers

/// The integer methods of a child.
#[diagnostic::on_unimplemented(
    message = "this integer method in an `#[aspawn::child]` function applies to integers only, not `{Self}`",
    label = "not an integer"
)]
pub trait IntMethods: Copy + Sealed {
    #[doc(hidden)]
    fn checked_add_(self, o: Self) -> Option<Self>;
    #[doc(hidden)]
    fn checked_sub_(self, o: Self) -> Option<Self>;
    #[doc(hidden)]
    fn checked_mul_(self, o: Self) -> Option<Self>;
    #[doc(hidden)]
    fn checked_div_(self, o: Self) -> Option<Self>;
    #[doc(hidden)]
    fn checked_rem_(self, o: Self) -> Option<Self>;
    #[doc(hidden)]
    fn checked_neg_(self) -> Option<Self>;
    #[doc(hidden)]
    fn checked_shl_(self, n: u32) -> Option<Self>;
    #[doc(hidden)]
    fn checked_shr_(self, n: u32) -> Option<Self>;
    #[doc(hidden)]
    fn checked_pow_(self, n: u32) -> Option<Self>;
    #[doc(hidden)]
    fn wrapping_add_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn wrapping_sub_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn wrapping_mul_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn wrapping_neg_(self) -> Self;
    #[doc(hidden)]
    fn wrapping_shl_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn wrapping_shr_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn wrapping_pow_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn saturating_add_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn saturating_sub_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn saturating_mul_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn saturating_pow_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn min_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn max_(self, o: Self) -> Self;
    #[doc(hidden)]
    fn count_ones_(self) -> u32;
    #[doc(hidden)]
    fn count_zeros_(self) -> u32;
    #[doc(hidden)]
    fn leading_zeros_(self) -> u32;
    #[doc(hidden)]
    fn trailing_zeros_(self) -> u32;
    #[doc(hidden)]
    fn swap_bytes_(self) -> Self;
    #[doc(hidden)]
    fn to_be_(self) -> Self;
    #[doc(hidden)]
    fn to_le_(self) -> Self;
    /// The unsigned type of the same width (what `abs_diff` returns).
    type Unsigned;
    /// `[u8; size_of::<Self>()]`.
    type Bytes;
    #[doc(hidden)]
    fn abs_diff_(self, o: Self) -> Self::Unsigned;
    #[doc(hidden)]
    fn rotate_left_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn rotate_right_(self, n: u32) -> Self;
    #[doc(hidden)]
    fn to_be_bytes_(self) -> Self::Bytes;
    #[doc(hidden)]
    fn to_le_bytes_(self) -> Self::Bytes;
    #[doc(hidden)]
    fn to_ne_bytes_(self) -> Self::Bytes;
    #[doc(hidden)]
    fn from_be_bytes_(b: Self::Bytes) -> Self;
    #[doc(hidden)]
    fn from_le_bytes_(b: Self::Bytes) -> Self;
    #[doc(hidden)]
    fn from_ne_bytes_(b: Self::Bytes) -> Self;
}

/// The unsigned integer methods of a child: `is_power_of_two`.
#[diagnostic::on_unimplemented(
    message = "this method in an `#[aspawn::child]` function applies to unsigned integers only, not `{Self}`",
    label = "not an unsigned integer"
)]
pub trait UnsignedMethods: IntMethods {
    #[doc(hidden)]
    fn is_power_of_two_(self) -> bool;
}

macro_rules! int_methods {
    ($($t:ty => $u:ty),*) => {$(
        impl Sealed for $t {}
        impl IntMethods for $t {
            type Unsigned = $u;
            type Bytes = [u8; core::mem::size_of::<$t>()];
            #[inline(always)] fn abs_diff_(self, o: Self) -> $u { self.abs_diff(o) }
            #[inline(always)] fn rotate_left_(self, n: u32) -> Self { self.rotate_left(n) }
            #[inline(always)] fn rotate_right_(self, n: u32) -> Self { self.rotate_right(n) }
            #[inline(always)] fn to_be_bytes_(self) -> Self::Bytes { self.to_be_bytes() }
            #[inline(always)] fn to_le_bytes_(self) -> Self::Bytes { self.to_le_bytes() }
            #[inline(always)] fn to_ne_bytes_(self) -> Self::Bytes { self.to_ne_bytes() }
            #[inline(always)] fn from_be_bytes_(b: Self::Bytes) -> Self { <$t>::from_be_bytes(b) }
            #[inline(always)] fn from_le_bytes_(b: Self::Bytes) -> Self { <$t>::from_le_bytes(b) }
            #[inline(always)] fn from_ne_bytes_(b: Self::Bytes) -> Self { <$t>::from_ne_bytes(b) }
            #[inline(always)] fn checked_add_(self, o: Self) -> Option<Self> { self.checked_add(o) }
            #[inline(always)] fn checked_sub_(self, o: Self) -> Option<Self> { self.checked_sub(o) }
            #[inline(always)] fn checked_mul_(self, o: Self) -> Option<Self> { self.checked_mul(o) }
            #[inline(always)] fn checked_div_(self, o: Self) -> Option<Self> { self.checked_div(o) }
            #[inline(always)] fn checked_rem_(self, o: Self) -> Option<Self> { self.checked_rem(o) }
            #[inline(always)] fn checked_neg_(self) -> Option<Self> { self.checked_neg() }
            #[inline(always)] fn checked_shl_(self, n: u32) -> Option<Self> { self.checked_shl(n) }
            #[inline(always)] fn checked_shr_(self, n: u32) -> Option<Self> { self.checked_shr(n) }
            #[inline(always)] fn checked_pow_(self, n: u32) -> Option<Self> { self.checked_pow(n) }
            #[inline(always)] fn wrapping_add_(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)] fn wrapping_sub_(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)] fn wrapping_mul_(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)] fn wrapping_neg_(self) -> Self { self.wrapping_neg() }
            #[inline(always)] fn wrapping_shl_(self, n: u32) -> Self { self.wrapping_shl(n) }
            #[inline(always)] fn wrapping_shr_(self, n: u32) -> Self { self.wrapping_shr(n) }
            #[inline(always)] fn wrapping_pow_(self, n: u32) -> Self { self.wrapping_pow(n) }
            #[inline(always)] fn saturating_add_(self, o: Self) -> Self { self.saturating_add(o) }
            #[inline(always)] fn saturating_sub_(self, o: Self) -> Self { self.saturating_sub(o) }
            #[inline(always)] fn saturating_mul_(self, o: Self) -> Self { self.saturating_mul(o) }
            #[inline(always)] fn saturating_pow_(self, n: u32) -> Self { self.saturating_pow(n) }
            #[inline(always)] fn min_(self, o: Self) -> Self { if o < self { o } else { self } }
            #[inline(always)] fn max_(self, o: Self) -> Self { if o > self { o } else { self } }
            #[inline(always)] fn count_ones_(self) -> u32 { self.count_ones() }
            #[inline(always)] fn count_zeros_(self) -> u32 { self.count_zeros() }
            #[inline(always)] fn leading_zeros_(self) -> u32 { self.leading_zeros() }
            #[inline(always)] fn trailing_zeros_(self) -> u32 { self.trailing_zeros() }
            #[inline(always)] fn swap_bytes_(self) -> Self { self.swap_bytes() }
            #[inline(always)] fn to_be_(self) -> Self { self.to_be() }
            #[inline(always)] fn to_le_(self) -> Self { self.to_le() }
        }
    )*};
}
int_methods!(
    i8 => u8, i16 => u16, i32 => u32, i64 => u64, i128 => u128, isize => usize,
    u8 => u8, u16 => u16, u32 => u32, u64 => u64, u128 => u128, usize => usize
);

macro_rules! unsigned_methods {
    ($($t:ty),*) => {$(
        impl UnsignedMethods for $t {
            #[inline(always)] fn is_power_of_two_(self) -> bool { self.is_power_of_two() }
        }
    )*};
}
unsigned_methods!(u8, u16, u32, u64, u128, usize);

macro_rules! forward_int {
    ($($(#[$doc:meta])* $name:ident => $imp:ident ($($a:ident: $t:ty),*) -> $r:ty;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub fn $name<T: IntMethods>(x: T $(, $a: $t)*) -> $r {
            x.$imp($($a),*)
        }
    )*};
}
impl crate::private::Kit {
    forward_int! {
        /// `x.checked_add(y)`: `None` on overflow.
        checked_add => checked_add_(o: T) -> Option<T>;
        /// `x.checked_sub(y)`: `None` on overflow.
        checked_sub => checked_sub_(o: T) -> Option<T>;
        /// `x.checked_mul(y)`: `None` on overflow.
        checked_mul => checked_mul_(o: T) -> Option<T>;
        /// `x.checked_div(y)`: `None` for a zero divisor or on overflow (the child's `/`).
        checked_div => checked_div_(o: T) -> Option<T>;
        /// `x.checked_rem(y)`: `None` for a zero divisor or on overflow (the child's `%`).
        checked_rem => checked_rem_(o: T) -> Option<T>;
        /// `x.checked_neg()`: `None` on overflow.
        checked_neg => checked_neg_() -> Option<T>;
        /// `x.checked_shl(n)`: `None` if `n` is not below the bit width.
        checked_shl => checked_shl_(n: u32) -> Option<T>;
        /// `x.checked_shr(n)`: `None` if `n` is not below the bit width.
        checked_shr => checked_shr_(n: u32) -> Option<T>;
        /// `x.checked_pow(n)`: `None` on overflow.
        checked_pow => checked_pow_(n: u32) -> Option<T>;
        /// `x.wrapping_add(y)`.
        wrapping_add => wrapping_add_(o: T) -> T;
        /// `x.wrapping_sub(y)`.
        wrapping_sub => wrapping_sub_(o: T) -> T;
        /// `x.wrapping_mul(y)`.
        wrapping_mul => wrapping_mul_(o: T) -> T;
        /// `x.wrapping_neg()`.
        wrapping_neg => wrapping_neg_() -> T;
        /// `x.wrapping_shl(n)`.
        wrapping_shl => wrapping_shl_(n: u32) -> T;
        /// `x.wrapping_shr(n)`.
        wrapping_shr => wrapping_shr_(n: u32) -> T;
        /// `x.wrapping_pow(n)`.
        wrapping_pow => wrapping_pow_(n: u32) -> T;
        /// `x.saturating_add(y)`.
        saturating_add => saturating_add_(o: T) -> T;
        /// `x.saturating_sub(y)`.
        saturating_sub => saturating_sub_(o: T) -> T;
        /// `x.saturating_mul(y)`.
        saturating_mul => saturating_mul_(o: T) -> T;
        /// `x.saturating_pow(n)`.
        saturating_pow => saturating_pow_(n: u32) -> T;
        /// `x.min(y)`.
        min => min_(o: T) -> T;
        /// `x.max(y)`.
        max => max_(o: T) -> T;
        /// `x.count_ones()`.
        count_ones => count_ones_() -> u32;
        /// `x.count_zeros()`.
        count_zeros => count_zeros_() -> u32;
        /// `x.leading_zeros()`.
        leading_zeros => leading_zeros_() -> u32;
        /// `x.trailing_zeros()`.
        trailing_zeros => trailing_zeros_() -> u32;
        /// `x.swap_bytes()`.
        swap_bytes => swap_bytes_() -> T;
        /// `x.to_be()`.
        to_be => to_be_() -> T;
        /// `x.to_le()`.
        to_le => to_le_() -> T;
        /// `x.abs_diff(y)`: `|x - y|`, as the unsigned type of the same width (never overflows).
        abs_diff => abs_diff_(o: T) -> T::Unsigned;
        /// `x.rotate_left(n)`.
        rotate_left => rotate_left_(n: u32) -> T;
        /// `x.rotate_right(n)`.
        rotate_right => rotate_right_(n: u32) -> T;
        /// `x.to_be_bytes()`.
        to_be_bytes => to_be_bytes_() -> T::Bytes;
        /// `x.to_le_bytes()`.
        to_le_bytes => to_le_bytes_() -> T::Bytes;
        /// `x.to_ne_bytes()`.
        to_ne_bytes => to_ne_bytes_() -> T::Bytes;
    }

    /// `x.is_power_of_two()` (unsigned integers).
    #[inline(always)]
    pub fn is_power_of_two<T: UnsignedMethods>(x: T) -> bool {
        x.is_power_of_two_()
    }

    /// `INT::from_be_bytes(b)`, written `u32::from_be_bytes(b)` in a child body.
    #[inline(always)]
    pub fn from_be_bytes<T: IntMethods>(b: T::Bytes) -> T {
        T::from_be_bytes_(b)
    }

    /// `INT::from_le_bytes(b)`.
    #[inline(always)]
    pub fn from_le_bytes<T: IntMethods>(b: T::Bytes) -> T {
        T::from_le_bytes_(b)
    }

    /// `INT::from_ne_bytes(b)`.
    #[inline(always)]
    pub fn from_ne_bytes<T: IntMethods>(b: T::Bytes) -> T {
        T::from_ne_bytes_(b)
    }
}

// ---------------------------------------------------------------------------------------------
// ASCII

/// The ASCII methods of a child: `u8` and `char`.
#[diagnostic::on_unimplemented(
    message = "ASCII methods in an `#[aspawn::child]` function apply to `u8` and `char` only, not `{Self}`",
    label = "not a `u8` or `char`"
)]
pub trait Ascii: Copy + Sealed {
    #[doc(hidden)]
    fn class(self) -> Option<u8>;
    #[doc(hidden)]
    fn map_ascii(self, f: fn(u8) -> u8) -> Self;
}
impl Ascii for u8 {
    #[inline(always)]
    fn class(self) -> Option<u8> {
        self.is_ascii().then_some(self)
    }
    #[inline(always)]
    fn map_ascii(self, f: fn(u8) -> u8) -> Self {
        if self.is_ascii() { f(self) } else { self }
    }
}
impl Sealed for char {}
impl Ascii for char {
    #[inline(always)]
    fn class(self) -> Option<u8> {
        self.is_ascii().then_some(self as u8)
    }
    #[inline(always)]
    fn map_ascii(self, f: fn(u8) -> u8) -> Self {
        if self.is_ascii() { f(self as u8) as char } else { self }
    }
}

macro_rules! ascii_tests {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub fn $name<T: Ascii>(x: T) -> bool {
            x.class().is_some_and(|b| b.$name())
        }
    )*};
}
impl crate::private::Kit {
    ascii_tests! {
        /// `x.is_ascii()`.
        is_ascii;
        /// `x.is_ascii_digit()`.
        is_ascii_digit;
        /// `x.is_ascii_alphabetic()`.
        is_ascii_alphabetic;
        /// `x.is_ascii_alphanumeric()`.
        is_ascii_alphanumeric;
        /// `x.is_ascii_whitespace()`.
        is_ascii_whitespace;
        /// `x.is_ascii_uppercase()`.
        is_ascii_uppercase;
        /// `x.is_ascii_lowercase()`.
        is_ascii_lowercase;
    }

    /// `x.to_ascii_uppercase()`.
    #[inline(always)]
    pub fn to_ascii_uppercase<T: Ascii>(x: T) -> T {
        x.map_ascii(|b| b.to_ascii_uppercase())
    }

    /// `x.to_ascii_lowercase()`.
    #[inline(always)]
    pub fn to_ascii_lowercase<T: Ascii>(x: T) -> T {
        x.map_ascii(|b| b.to_ascii_lowercase())
    }
}

// ---------------------------------------------------------------------------------------------
// Option and Result

/// `unwrap_or` on `Option` and `Result`.
#[diagnostic::on_unimplemented(
    message = "`unwrap_or` in an `#[aspawn::child]` function applies to an `Option` or a `Result` of child values, not `{Self}`",
    label = "not an `Option` or a `Result` of child values"
)]
pub trait UnwrapOr: Sealed {
    /// The value inside.
    type Item;
    #[doc(hidden)]
    fn unwrap_or_(self, default: Self::Item) -> Self::Item;
}
impl<T: Value> Sealed for Option<T> {}
impl<T: Value> UnwrapOr for Option<T> {
    type Item = T;
    #[inline(always)]
    fn unwrap_or_(self, default: T) -> T {
        self.unwrap_or(default)
    }
}
impl<T: Value, E: Value> Sealed for Result<T, E> {}
impl<T: Value, E: Value> UnwrapOr for Result<T, E> {
    type Item = T;
    #[inline(always)]
    fn unwrap_or_(self, default: T) -> T {
        self.unwrap_or(default)
    }
}

impl crate::private::Kit {
    /// `x.unwrap_or(default)`: the value, or `default` for `None`/`Err` (never panics).
    #[inline(always)]
    pub fn unwrap_or<O: UnwrapOr>(x: O, default: O::Item) -> O::Item {
        x.unwrap_or_(default)
    }

    /// `x.is_some()`.
    #[inline(always)]
    pub fn is_some<T: Value>(x: Option<T>) -> bool {
        x.is_some()
    }

    /// `x.is_none()`.
    #[inline(always)]
    pub fn is_none<T: Value>(x: Option<T>) -> bool {
        x.is_none()
    }

    /// `x.ok_or(err)`: `Some(v)` → `Ok(v)`, `None` → `Err(err)`.
    #[inline(always)]
    pub fn ok_or<T: Value, E: Value>(x: Option<T>, err: E) -> Result<T, E> {
        x.ok_or(err)
    }

    /// `x.is_ok()`.
    #[inline(always)]
    pub fn is_ok<T: Value, E: Value>(x: Result<T, E>) -> bool {
        x.is_ok()
    }

    /// `x.is_err()`.
    #[inline(always)]
    pub fn is_err<T: Value, E: Value>(x: Result<T, E>) -> bool {
        x.is_err()
    }

    /// `x.ok()`.
    #[inline(always)]
    pub fn ok<T: Value, E: Value>(x: Result<T, E>) -> Option<T> {
        x.ok()
    }

    /// `x.err()`.
    #[inline(always)]
    pub fn err<T: Value, E: Value>(x: Result<T, E>) -> Option<E> {
        x.err()
    }

    /// `x.context("step")`: a raw `Errno` becomes a [`Failure`] naming the step
    /// ([`ResultExt::context`]).
    #[inline(always)]
    pub fn context<T: Value>(x: Result<T, Errno>, step: &'static str) -> Result<T, Failure> {
        ResultExt::context(x, step)
    }
}

// ---------------------------------------------------------------------------------------------
// Fd, Errno, Failure

impl crate::private::Kit {
    /// `fd.as_raw()`: the fd's number.
    #[inline(always)]
    pub fn as_raw(fd: Fd) -> i32 {
        fd.as_raw()
    }

    /// `e.raw_os_error()`: the errno's number.
    #[inline(always)]
    pub fn raw_os_error(e: Errno) -> i32 {
        e.raw_os_error()
    }

    /// `f.errno()`: the errno of a [`Failure`].
    #[inline(always)]
    pub fn errno(f: Failure) -> Errno {
        f.errno()
    }

    /// `f.step()`: the step of a [`Failure`].
    #[inline(always)]
    pub fn step(f: Failure) -> &'static str {
        f.step()
    }
}

// ---------------------------------------------------------------------------------------------
// The `ResultExt` probe

/// Keeps a caller's `use aspawn::ResultExt` from being reported unused.
///
/// The rewrite sends `r.context(step)` to [`Kit::context`](crate::private::Kit::context) without naming [`ResultExt`], so an import
/// of it, written for child bodies, would look unused. When a body calls `.context`, the
/// attribute also emits a function that is never called, containing
/// `ContextProbe.context("")`: with `ResultExt` in scope (and the runtime implementing it for
/// `ContextProbe`), method resolution picks the trait method and marks the import used;
/// without it, the inherent by-reference method below is found instead and nothing happens.
/// No code of either runs.
#[derive(Clone, Copy, Debug)]
pub struct ContextProbe;

impl ContextProbe {
    /// The fallback when `ResultExt` is not in scope.
    #[inline(always)]
    pub fn context(&self, _step: &'static str) {}
}

// The attribute rewrites `r.context(step)` to a sealed function (no user trait is reachable), so
// it emits a never-called `ContextProbe.context("")` that resolves to this impl and keeps a user's
// `use aspawn::ResultExt` from being reported unused.
impl crate::error::sealed::Sealed for ContextProbe {}
impl crate::error::ResultExt<()> for ContextProbe {
    #[inline]
    fn context(self, _step: &'static str) -> Result<(), crate::error::Failure> {
        Ok(())
    }
}
