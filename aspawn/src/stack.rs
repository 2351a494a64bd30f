//! [`Stack`]: the child's memory — one `mmap` with a `PROT_NONE` guard below the usable part, a
//! header at the top (the `CLONE_CHILD_CLEARTID` word and the failure report), and a placement
//! arena ([`Placer`]) under the header where the arguments are deep-copied before the clone.
//!
//! ```text
//!  base                base+guard                                        base+map_len
//!   | guard (PROT_NONE) | child stack grows down <- sp | placed args | header |
//! ```
//!
//! # Safety
//!
//! This module owns the raw memory the child runs on. The invariants it keeps:
//! - the mapping lives exactly as long as the `Stack` value; a `Stack` is moved into
//!   [`Spawned`](crate::Spawned) while a child may run on it, so no safe code can unmap or reuse it
//!   before the kernel has cleared the header word (docs/SOUNDNESS.md item 8);
//! - the header is 64-byte aligned, outside the region the child's stack pointer can reach, and
//!   its shared fields are atomics;
//! - [`Placer`] hands out non-overlapping, aligned ranges between the header and a floor that
//!   leaves `MIN_CHILD_STACK` bytes for the child to run in.
#![allow(unsafe_code)]

use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering};
use std::io;

use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};

use crate::error::{SpawnError, SpawnErrorKind};

/// Bytes reserved at the top of the stack for [`Header`].
pub(crate) const HEADER_SIZE: usize = 128;

/// How deep `Ctx::spawn` may nest below the child: the grandchild is level 1, its own
/// `Ctx::spawn` makes level 2, and so on. A `Ctx::spawn` at the last level fails with `EAGAIN`.
pub(crate) const MAX_NESTED: usize = 15;

/// Bytes that must stay free below the placed arguments for the child's own frames
/// (the trampoline, the user function, `execvp`'s path buffer of `PATH_MAX` bytes).
pub const MIN_CHILD_STACK: usize = 16 * 1024;

#[cfg(target_arch = "aarch64")]
const GUARD_SIZE: usize = 64 * 1024;
#[cfg(not(target_arch = "aarch64"))]
const GUARD_SIZE: usize = 4096;

/// The shared words at the top of the stack.
///
/// `tids[0]` is the child's `CLONE_CHILD_CLEARTID` word: the parent sets it non-zero before the
/// clone, and the kernel stores 0 and wakes futex waiters when the child execs or exits.
/// `tids[d]` (d ≥ 1) is the same for the task at nesting level `d` that `Ctx::spawn` made on
/// this stack: the kernel writes its pid there (`CLONE_PARENT_SETTID`) before that task runs a
/// single instruction, and clears it at its exec or exit (`CLONE_CHILD_CLEARTID`). At most one
/// task per level can run on the stack at a time (the level above is suspended in `CLONE_VFORK`
/// while it runs, and a `Ctx::spawn` returns only once every deeper word is clear), and only
/// the task at level `d - 1` makes one at level `d`. So once `tids[0..d]` have all been seen
/// clear, in that order, no task at level `d` can appear any more, and the stack is free when
/// every word has been seen clear in order (see `Header::busy_word`).
#[repr(C, align(64))]
pub(crate) struct Header {
    pub(crate) tids: [AtomicU32; 1 + MAX_NESTED],
    /// The child's failure report: errno (0 = none), then the step as pointer and length of a
    /// `&'static str` of this very address space.
    pub(crate) errno: AtomicI32,
    /// How many times a task on this stack announced a credential change (see
    /// `crate::engine::dumpable`); the parent settles it at release.
    pub(crate) cred_marks: AtomicU32,
    /// What the child last said it was doing (`NESTED_RUNNING`, `NESTED_AT_EXEC`,
    /// `NESTED_EXITING`): a dropped child that left through its own exit is reaped by the
    /// graveyard's sweeps.
    pub(crate) exit_state: AtomicU32,
    pub(crate) step_ptr: AtomicUsize,
    pub(crate) step_len: AtomicUsize,
}

impl Header {
    /// The child's own word, `tids[0]`.
    #[inline]
    pub(crate) fn tid(&self) -> &AtomicU32 {
        &self.tids[0]
    }

    /// The first word, in level order, that is not clear: `None` when no task can run on the
    /// stack any more. Each load is `Acquire`, so seeing level `d` clear makes visible every
    /// store its task made before its exec or exit, including the kernel's `CLONE_PARENT_SETTID`
    /// store of level `d + 1` (made during that task's clone, before its exit).
    #[inline]
    pub(crate) fn busy_word(&self) -> Option<&AtomicU32> {
        self.tids.iter().find(|w| w.load(Ordering::Acquire) != 0)
    }
}

const _: () = assert!(core::mem::size_of::<Header>() <= HEADER_SIZE);

/// The memory a child runs on: 64 KiB usable by default, above a `PROT_NONE` guard.
///
/// A `Stack` is moved into [`aspawn::spawn!`](crate::spawn!) and handed back by
/// [`Spawned::wait_released`](crate::Spawned::wait_released) once the child has exec'd or exited,
/// so one stack serves any number of spawns, one at a time. Reuse is the fast path: a fresh stack
/// costs an `mmap`, an `mprotect` and first-touch page faults on every spawn; a
/// [`StackPool`](crate::StackPool) reuses stacks across threads without bookkeeping.
///
/// The arguments are copied to the top of the stack; the child runs below them. 64 KiB is ample
/// for the syscall wrappers and `execvp`'s `PATH_MAX` buffer, but unoptimized (debug) builds make
/// much larger frames: a child that does more than a few calls, or takes large arguments, wants
/// [`Stack::with_size`]. Overflowing hits the guard page and kills the child with `SIGSEGV`
/// (only the child on Linux ≥ 5.16, see docs/SOUNDNESS.md item 14); the stack is then released as usual.
///
/// ```
/// let stack = aspawn::Stack::new()?;
/// assert_eq!(stack.size(), 64 * 1024);
/// let big = aspawn::Stack::with_size(1 << 20)?;
/// assert_eq!(big.size(), 1 << 20);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Stack {
    base: NonNull<u8>,
    map_len: usize,
    pub(crate) home: Option<crate::pool::Home>,
    /// Launch options the crate itself preset (`Command` for its hook path), taken by the next
    /// conversion into a [`Launch`]; 0 otherwise.
    pub(crate) preset: u8,
}

// SAFETY: a `Stack` uniquely owns its mapping; nothing in it is tied to a thread.
unsafe impl Send for Stack {}
// SAFETY: `&Stack` only exposes the size and atomics.
unsafe impl Sync for Stack {}

impl Stack {
    /// The usable size of [`Stack::new`]: 64 KiB.
    pub const DEFAULT_SIZE: usize = 64 * 1024;

    /// A stack of [`Stack::DEFAULT_SIZE`] usable bytes plus a guard page.
    pub fn new() -> io::Result<Stack> {
        Self::with_size(Self::DEFAULT_SIZE)
    }

    /// A stack with at least `bytes` usable bytes (rounded up to the page size; at least
    /// twice `MIN_CHILD_STACK`) plus the guard.
    #[doc(alias = "mmap")]
    pub fn with_size(bytes: usize) -> io::Result<Stack> {
        let page = rustix::param::page_size();
        let usable = bytes
            .max(2 * MIN_CHILD_STACK)
            .checked_next_multiple_of(page)
            .ok_or_else(|| io::Error::from(io::ErrorKind::OutOfMemory))?;
        let map_len = usable
            .checked_add(GUARD_SIZE)
            .ok_or_else(|| io::Error::from(io::ErrorKind::OutOfMemory))?;
        // SAFETY: a fresh anonymous private mapping; no existing memory is touched.
        let base = unsafe {
            rustix::mm::mmap_anonymous(
                core::ptr::null_mut(),
                map_len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE | MapFlags::STACK | MapFlags::NORESERVE,
            )?
        };
        // SAFETY: the first GUARD_SIZE bytes belong to the mapping we just made.
        if let Err(e) = unsafe { rustix::mm::mprotect(base, GUARD_SIZE, MprotectFlags::empty()) } {
            // SAFETY: unmapping what we mapped; nothing refers to it yet.
            let _ = unsafe { rustix::mm::munmap(base, map_len) };
            return Err(e.into());
        }
        Ok(Stack {
            // SAFETY: mmap never returns null on success.
            base: unsafe { NonNull::new_unchecked(base.cast()) },
            map_len,
            home: None,
            preset: 0,
        })
    }

    /// Usable bytes (the guard not counted).
    #[inline]
    pub fn size(&self) -> usize {
        self.map_len - GUARD_SIZE
    }

    /// Lowest usable address.
    #[inline]
    pub(crate) fn lo(&self) -> *mut u8 {
        // SAFETY: GUARD_SIZE < map_len, inside the mapping.
        unsafe { self.base.as_ptr().add(GUARD_SIZE) }
    }

    /// The header at the top.
    #[inline]
    pub(crate) fn header(&self) -> &Header {
        // SAFETY: the top HEADER_SIZE bytes are reserved for the header, 64-aligned because the
        // mapping's end is page-aligned; all its fields are atomics, valid at any bit pattern
        // (zeroed by mmap).
        unsafe { &*(self.base.as_ptr().add(self.map_len - HEADER_SIZE) as *const Header) }
    }

    /// A placement arena over this stack, below the header. Each call starts empty.
    pub(crate) fn placer(&mut self) -> Placer<'_> {
        let top = self.header() as *const Header as *mut u8;
        Placer {
            floor: self.lo() as usize + MIN_CHILD_STACK,
            top: top as usize,
            cur: top as usize,
            usable: self.size(),
            _stack: PhantomData,
        }
    }

    /// Marks the stack busy (a child will run on it) and clears any old report.
    pub(crate) fn arm(&self) {
        let h = self.header();
        h.errno.store(0, Ordering::Relaxed);
        h.cred_marks.store(0, Ordering::Relaxed);
        h.exit_state.store(0, Ordering::Relaxed);
        h.tid().store(u32::MAX, Ordering::Relaxed);
    }

    /// Unmaps without consulting the pool.
    fn unmap(&mut self) {
        // SAFETY: we own the mapping and it is not in use: a `Stack` is only dropped when no child
        // runs on it (docs/SOUNDNESS.md item 8: `Spawned` holds it until released, and leaks it if not).
        unsafe {
            let _ = rustix::mm::munmap(self.base.as_ptr().cast(), self.map_len);
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(home) = self.home.take() {
            let fresh = Stack { base: self.base, map_len: self.map_len, home: None, preset: 0 };
            // Not taken (pool gone or full): `unwanted` has no home, so its drop unmaps.
            drop(home.give_back(fresh));
            return;
        }
        self.unmap();
    }
}

/// `Launch` option: the spawn takes a pidfd (`CLONE_PIDFD`).
pub(crate) const WANT_PIDFD: u8 = 1;
/// `Launch` option: the spawn makes the wake-up pipe behind `Spawned::release_fd`.
pub(crate) const WANT_RELEASE_FD: u8 = 2;
/// `Launch` option (crate-internal, with `WANT_PIDFD`): if the pidfd cannot be made for want of
/// a free fd (`EMFILE`, `ENFILE`), spawn without one rather than fail, as `Command` does.
pub(crate) const PIDFD_OR_NONE: u8 = 4;

/// A [`Stack`] and the spawn's options: what [`spawn!`](crate::spawn!) takes first.
///
/// A plain `Stack` converts into one with the defaults, and the spawn then creates **no file
/// descriptor** in the caller: the child is waited for by pid, and its release by the futex
/// word in the stack header. Ask for more with [`Stack::with_pidfd`] and
/// [`Stack::with_release_fd`] (chainable, also on `Launch`):
///
/// - **pidfd** (`CLONE_PIDFD`, std's unstable `create_pidfd(true)`): the [`Child`](crate::Child)
///   waits and signals through it, so no foreign reaper can make its pid name another process
///   (see [`Child`](crate::Child) for what can happen without one). It costs an fd and, measured,
///   about a quarter of a parent-blocked spawn.
/// - **release fd**: a pipe whose read end, [`Spawned::release_fd`](crate::Spawned::release_fd),
///   hangs up when the child has exec'd or exited, for event loops (`released().await` uses it
///   when present, a blocking thread otherwise). It costs two fds while the child runs before
///   its exec, and a `pipe2` and a `close` in the caller.
///
/// ```
/// use aspawn::{Ctx, Stack};
///
/// #[aspawn::child]
/// fn exit_3(_cx: &Ctx) -> i32 {
///     3
/// }
///
/// let spawned = aspawn::spawn!(Stack::new()?.with_pidfd().with_release_fd(), exit_3, ())?;
/// assert!(spawned.release_fd().is_some());
/// let (mut child, _stack) = spawned.wait_released()?;
/// assert!(child.pidfd().is_ok()); // an aspawn::PidFd
/// assert_eq!(child.wait()?.code(), Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Launch {
    pub(crate) stack: Stack,
    pub(crate) opts: u8,
}

impl Launch {
    /// Also take a pidfd for the child (`CLONE_PIDFD`); see [`Launch`].
    #[doc(alias = "create_pidfd")]
    #[must_use]
    pub fn with_pidfd(mut self) -> Launch {
        self.opts |= WANT_PIDFD;
        self
    }

    /// Also make the wake-up fd behind [`Spawned::release_fd`](crate::Spawned::release_fd); see
    /// [`Launch`].
    #[must_use]
    pub fn with_release_fd(mut self) -> Launch {
        self.opts |= WANT_RELEASE_FD;
        self
    }

    /// Whether the spawn takes a pidfd.
    pub fn pidfd_wanted(&self) -> bool {
        self.opts & WANT_PIDFD != 0
    }

    /// Whether the spawn makes the wake-up fd.
    pub fn release_fd_wanted(&self) -> bool {
        self.opts & WANT_RELEASE_FD != 0
    }

    /// Gives the stack back, dropping the options.
    pub fn into_stack(self) -> Stack {
        self.stack
    }
}

impl From<Stack> for Launch {
    fn from(mut stack: Stack) -> Launch {
        let opts = core::mem::take(&mut stack.preset);
        Launch { stack, opts }
    }
}

impl Stack {
    /// This stack, for a spawn that also takes a pidfd: see [`Launch`].
    #[doc(alias = "create_pidfd")]
    #[must_use]
    pub fn with_pidfd(self) -> Launch {
        Launch::from(self).with_pidfd()
    }

    /// This stack, for a spawn that also makes the wake-up fd: see [`Launch`].
    #[must_use]
    pub fn with_release_fd(self) -> Launch {
        Launch::from(self).with_release_fd()
    }
}

impl core::fmt::Debug for Launch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Launch")
            .field("stack", &self.stack)
            .field("pidfd", &self.pidfd_wanted())
            .field("release_fd", &self.release_fd_wanted())
            .finish()
    }
}

impl core::fmt::Debug for Stack {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stack").field("base", &self.base).field("size", &self.size()).finish()
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
    _stack: PhantomData<&'a mut Stack>,
}

impl Placer<'_> {
    /// Reserves `size` bytes at `align` (a power of two) and returns the start.
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
