//! [`Placer`]: the placement arena of a [`Stack`], below its header, where a spawn deep-copies
//! the child's arguments before the clone.
//!
//! # Safety
//!
//! It hands out non-overlapping, aligned ranges between the header and a floor that leaves
//! `MIN_CHILD_STACK` bytes for the child to run in; the `Placer` borrows the stack mutably, so no
//! child runs on it meanwhile.
#![allow(unsafe_code)]

use core::ptr::NonNull;
use std::any::Any;
use std::sync::Arc;

use crate::spawn_error::{SpawnError, SpawnErrorKind};
use crate::stack::{HEADER_SIZE, Header, MIN_CHILD_STACK, Stack};

impl Stack {
    /// A placement arena over this stack, below the header. Each call starts empty.
    pub(crate) fn placer(&mut self) -> Placer<'_> {
        let top = self.header() as *const Header as *mut u8;
        Placer {
            floor: self.lo() as usize + MIN_CHILD_STACK,
            top: top as usize,
            cur: top as usize,
            usable: self.size(),
            // What the previous child lent from outside the stack stays until this placement
            // ends: that child is gone (the stack is ours again), so `Drop` lets it go unless
            // this spawn lends the same memory again.
            pinned: &mut self.pinned,
            lent: false,
        }
    }
}

/// The placement arena: hands out aligned, non-overlapping ranges of the stack, top down.
///
/// Only the engine makes one, for the spawn under way, and fills it through the sealed
/// [`Place`](crate::__private::Place) impls: no code outside this crate ever holds one.
pub struct Placer<'a> {
    floor: usize,
    top: usize,
    cur: usize,
    usable: usize,
    /// The stack's slot for memory a placement lends instead of copying. Until this spawn
    /// lends, it may still hold what the previous child was lent.
    pinned: &'a mut Option<Arc<dyn Any + Send + Sync>>,
    /// Whether this spawn has lent memory (the slot is then this spawn's).
    lent: bool,
}

impl Drop for Placer<'_> {
    fn drop(&mut self) {
        if !self.lent {
            // Nothing lent this time: the previous child's loan ends here.
            *self.pinned = None;
        }
    }
}

impl Placer<'_> {
    /// Keeps `memory` alive for as long as the stack (and so any child on it) lives, so that a
    /// placed value may point into it instead of into the stack. One lender per spawn: `false`
    /// when the slot is taken (the caller then copies).
    ///
    /// Lending what the previous child of this stack was lent keeps that reference as it is:
    /// the spawn then touches neither reference count, whose cache line a spawn right after a
    /// wait would otherwise have to fetch for a locked instruction (about 0.3 µs here).
    pub(crate) fn pin<T: Any + Send + Sync>(&mut self, memory: &Arc<T>) -> bool {
        if self.lent {
            return false;
        }
        self.lent = true;
        let same = self
            .pinned
            .as_ref()
            .is_some_and(|old| core::ptr::addr_eq(Arc::as_ptr(old), Arc::as_ptr(memory)));
        if !same {
            *self.pinned = Some(memory.clone());
        }
        true
    }

    /// Reserves `size` bytes at `align` (a power of two) and returns the start.
    #[inline]
    pub(crate) fn alloc(&mut self, size: usize, align: usize) -> Result<*mut u8, SpawnError> {
        debug_assert!(align.is_power_of_two());
        let start =
            self.cur.checked_sub(size).map(|s| s & !(align - 1)).filter(|&s| s >= self.floor);
        match start {
            Some(s) => {
                self.cur = s;
                Ok(s as *mut u8)
            }
            None => Err(SpawnError::new(SpawnErrorKind::StackTooSmall {
                needed: (self.top - self.cur) + size + align + MIN_CHILD_STACK + HEADER_SIZE,
                available: self.usable,
            })),
        }
    }

    /// Copies `value` into the stack.
    pub(crate) fn put<T: Copy>(&mut self, value: T) -> Result<*mut T, SpawnError> {
        let p = self.alloc(core::mem::size_of::<T>(), core::mem::align_of::<T>())?.cast::<T>();
        // SAFETY: `alloc` returned a fresh, aligned range of the right size inside the stack.
        unsafe { p.write(value) };
        Ok(p)
    }

    /// Copies `bytes` and a NUL into the stack; an interior NUL is an error naming `what`.
    /// `has_nul` says `bytes` ends with its NUL and comes from a `CStr`, so it has no other.
    #[inline]
    pub(crate) fn put_c_bytes(
        &mut self,
        bytes: &[u8],
        has_nul: bool,
        what: &'static str,
    ) -> Result<NonNull<u8>, SpawnError> {
        let body = if has_nul { &bytes[..bytes.len() - 1] } else { bytes };
        if !has_nul && body.contains(&0) {
            return Err(SpawnError::new(SpawnErrorKind::InteriorNul { what }));
        }
        let p = self.alloc(body.len() + 1, 1)?;
        // SAFETY: `p` has `body.len() + 1` fresh bytes; the source is a live slice that cannot
        // overlap the stack we exclusively borrow.
        unsafe {
            core::ptr::copy_nonoverlapping(body.as_ptr(), p, body.len());
            p.add(body.len()).write(0);
            Ok(NonNull::new_unchecked(p))
        }
    }

    /// Reserves an array of `n` pointers, to be filled by the caller.
    #[inline]
    pub(crate) fn ptr_array(&mut self, n: usize) -> Result<*mut *const u8, SpawnError> {
        let bytes = n.checked_mul(core::mem::size_of::<*const u8>()).ok_or_else(|| {
            SpawnError::new(SpawnErrorKind::StackTooSmall {
                needed: usize::MAX,
                available: self.usable,
            })
        })?;
        Ok(self.alloc(bytes, core::mem::align_of::<*const u8>())?.cast())
    }
}
