//! [`Stack`]: the child's memory — one `mmap` with a `PROT_NONE` guard below the usable part, a
//! header at the top (the `CLONE_CHILD_CLEARTID` word and the failure report), and a placement
//! arena under the header where the arguments are deep-copied before the clone (`placer.rs`).
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
//!   before the kernel has cleared the header word (`soundness` item 8);
//! - the header is 64-byte aligned, outside the region the child's stack pointer can reach, and
//!   its shared fields are atomics;
//! - the placement arena (`placer.rs`) hands out ranges between the header and a floor that
//!   leaves `MIN_CHILD_STACK` bytes for the child to run in.
#![allow(unsafe_code)]

use core::ptr::NonNull;
use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering};
use std::any::Any;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::{Arc, Weak};

use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};

/// Bytes reserved at the top of the stack for [`Header`].
pub(crate) const HEADER_SIZE: usize = 128;

/// How deep `Ctx::spawn` may nest below the child: the grandchild is level 1, its own
/// `Ctx::spawn` makes level 2, and so on. A `Ctx::spawn` at the last level fails with `EAGAIN`.
pub(crate) const MAX_NESTED: usize = 15;

/// Bytes that must stay free below the placed arguments for the child's own frames
/// (the trampoline, the user function, `execvp`'s path buffer of `PATH_MAX` bytes).
///
/// A spawn whose arguments would leave less fails with [`SpawnErrorKind::StackTooSmall`](crate::SpawnErrorKind::StackTooSmall), and
/// every stack has at least twice this much:
///
/// ```
/// let tiny = aspawn::Stack::with_size(1)?;
/// assert_eq!(tiny.size(), 2 * aspawn::MIN_CHILD_STACK);
/// # Ok::<(), std::io::Error>(())
/// ```
pub const MIN_CHILD_STACK: usize = 16 * 1024;

#[cfg(target_arch = "aarch64")]
const GUARD_SIZE: usize = 64 * 1024;
#[cfg(not(target_arch = "aarch64"))]
const GUARD_SIZE: usize = 4096;

/// What became of a grandchild, as far as it could tell its parent before the `CLONE_VFORK`
/// wait ended: still running (so, if the wait ended, killed), inside an exec helper's `execve`,
/// or leaving through its own `exit`.
pub(crate) const NESTED_RUNNING: u32 = 0;
pub(crate) const NESTED_AT_EXEC: u32 = 1;
pub(crate) const NESTED_EXITING: u32 = 2;

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
/// (only the child on Linux ≥ 5.16, see [`soundness`](crate::soundness) item 14); the stack is then released as usual.
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
    /// The pool this stack goes back to when dropped (`StackPool::get` sets it).
    pub(crate) home: Option<Weak<dyn Home>>,
    /// Launch options the crate itself preset (`Command` for its hook path), taken by the next
    /// conversion into a [`Launch`]; 0 otherwise.
    pub(crate) preset: u8,
    /// The cgroup directory fd `Command` preset for its next spawn (its own fd, which it keeps
    /// open across that spawn), taken with `preset` by the next conversion into a [`Launch`];
    /// `None` otherwise. Never set on a stack that leaves the crate's hands: a dropped stack goes
    /// back to its pool without it.
    pub(crate) preset_cgroup: Option<RawFd>,
    /// Memory outside the stack that a child placed on it reads (an [`EnvBlock`]'s strings and
    /// pointer array, lent instead of copied): held by the stack, so it lives as long as the
    /// stack's own memory, and so until the child is gone (`soundness` item 8). Dropped by the
    /// next placement on this stack, or with the stack.
    ///
    /// [`EnvBlock`]: crate::EnvBlock
    pub(crate) pinned: Option<Arc<dyn Any + Send + Sync>>,
}

// SAFETY: a `Stack` uniquely owns its mapping; nothing in it is tied to a thread.
unsafe impl Send for Stack {}
// SAFETY: `&Stack` only exposes the size and atomics.
unsafe impl Sync for Stack {}

impl Stack {
    /// The usable size of [`Stack::new`]: 64 KiB.
    pub const DEFAULT_SIZE: usize = 64 * 1024;

    /// A stack of [`Stack::DEFAULT_SIZE`] usable bytes plus a guard page.
    ///
    /// ```
    /// let stack = aspawn::Stack::new()?;
    /// assert_eq!(stack.size(), aspawn::Stack::DEFAULT_SIZE);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new() -> io::Result<Stack> {
        Self::with_size(Self::DEFAULT_SIZE)
    }

    /// A stack with at least `bytes` usable bytes (rounded up to the page size; at least
    /// twice [`MIN_CHILD_STACK`]) plus the guard.
    ///
    /// A debug build's child frames are large; arguments that do not fit are a
    /// [`SpawnError`](crate::SpawnError) of kind [`StackTooSmall`](crate::SpawnErrorKind::StackTooSmall), which hands the
    /// stack back:
    ///
    /// ```
    /// use aspawn::{Argv, Ctx, SpawnErrorKind, Stack};
    ///
    /// #[aspawn::child]
    /// fn count(_cx: &Ctx, argv: Argv) -> i32 {
    ///     argv.len() as i32
    /// }
    ///
    /// let long = vec!["x".repeat(1000); 100]; // 100 KB of arguments
    /// let err = aspawn::spawn!(Stack::new()?, count, (&long)).unwrap_err();
    /// assert!(matches!(err.kind(), SpawnErrorKind::StackTooSmall { .. }));
    /// let big = Stack::with_size(1 << 20)?;
    /// let (mut child, _big) = aspawn::spawn!(big, count, (&long))?.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(100));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
            preset_cgroup: None,
            pinned: None,
        })
    }

    /// Usable bytes (the guard not counted): the request rounded up to the page size.
    ///
    /// ```
    /// let stack = aspawn::Stack::with_size(100_000)?;
    /// assert!(stack.size() >= 100_000);
    /// assert_eq!(stack.size() % 4096, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
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
        // runs on it (`soundness` item 8: `Spawned` holds it until released, and leaks it if not).
        unsafe {
            let _ = rustix::mm::munmap(self.base.as_ptr().cast(), self.map_len);
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(home) = self.home.take() {
            let fresh = Stack {
                base: self.base,
                map_len: self.map_len,
                home: None,
                preset: 0,
                preset_cgroup: None,
                pinned: None,
            };
            // Not taken (pool gone or full): `fresh` has no home, so its drop unmaps.
            if let Some(pool) = home.upgrade() {
                drop(pool.give_back(fresh));
            }
            return;
        }
        self.unmap();
    }
}

/// Where a dropped stack goes instead of being unmapped: its pool, held weakly (a pool that is
/// gone takes nothing back).
pub(crate) trait Home: Send + Sync {
    /// Keeps `stack` for reuse, or hands it back (the pool is full).
    fn give_back(&self, stack: Stack) -> Option<Stack>;
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
/// And [`Stack::with_cgroup`]/[`Launch::with_cgroup`] start the child in a cgroup
/// (`CLONE_INTO_CGROUP`): no fd of the spawn's own, only the directory fd the caller gives.
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
    /// The cgroup the child starts in (`CLONE_INTO_CGROUP`), if any.
    pub(crate) cgroup: Option<CgroupDir>,
}

/// The cgroup directory a [`Launch`] spawns into.
pub(crate) enum CgroupDir {
    /// Given with [`Launch::with_cgroup`]: the launch owns it, and the spawn closes it.
    Owned(OwnedFd),
    /// `Command`'s own fd, preset in the stack: the `Command` keeps it open until its spawn
    /// returns (the spawn borrows the `Command`), so the number names that directory throughout.
    Lent(RawFd),
}

impl CgroupDir {
    pub(crate) fn raw(&self) -> RawFd {
        match self {
            CgroupDir::Owned(fd) => fd.as_raw_fd(),
            CgroupDir::Lent(fd) => *fd,
        }
    }
}

impl Launch {
    /// Also take a pidfd for the child (`CLONE_PIDFD`); see [`Launch`].
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let launch = Stack::new()?.with_release_fd().with_pidfd();
    /// let (child, _stack) = aspawn::spawn!(launch, exit_0, ())?.wait_released()?;
    /// assert!(child.pidfd().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "create_pidfd")]
    #[must_use]
    pub fn with_pidfd(mut self) -> Launch {
        self.opts |= WANT_PIDFD;
        self
    }

    /// Also make the wake-up fd behind [`Spawned::release_fd`](crate::Spawned::release_fd); see
    /// [`Launch`].
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?.with_pidfd().with_release_fd(), exit_0, ())?;
    /// assert!(spawned.release_fd().is_some());
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_release_fd(mut self) -> Launch {
        self.opts |= WANT_RELEASE_FD;
        self
    }

    /// Whether the spawn takes a pidfd.
    ///
    /// ```
    /// use aspawn::{Launch, Stack};
    /// assert!(!Launch::from(Stack::new()?).pidfd_wanted());
    /// assert!(Stack::new()?.with_pidfd().pidfd_wanted());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn pidfd_wanted(&self) -> bool {
        self.opts & WANT_PIDFD != 0
    }

    /// Whether the spawn makes the wake-up fd.
    ///
    /// ```
    /// use aspawn::{Launch, Stack};
    /// assert!(!Launch::from(Stack::new()?).release_fd_wanted());
    /// assert!(Stack::new()?.with_release_fd().release_fd_wanted());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn release_fd_wanted(&self) -> bool {
        self.opts & WANT_RELEASE_FD != 0
    }

    /// Also start the child in the cgroup (v2) whose directory `dir` is open on: the kernel
    /// places it there inside `clone3` (`CLONE_INTO_CGROUP`, Linux ≥ 5.7), before it runs a
    /// single instruction, so it is never counted or limited in the caller's cgroup, and nothing
    /// has to write its pid into `cgroup.procs` afterwards. This is Go's
    /// `SysProcAttr.UseCgroupFD`/`CgroupFD` and glibc's `posix_spawnattr_setcgroup_np`.
    ///
    /// `dir` is a directory of a cgroup2 mount, opened read-only (`File::open` does) or with
    /// `O_PATH`. The launch owns it and the spawn closes it, whatever the outcome; to spawn
    /// several children into one cgroup, pass a duplicate each time (`dir.try_clone()?`, one
    /// `fcntl` per spawn) — std's `File::open` makes it close-on-exec, so the child does not keep
    /// it either way. The kernel checks the cgroup at the spawn, which then fails with its errno
    /// ([`SpawnErrorKind::Os`](crate::SpawnErrorKind::Os), call `"clone3"`): `EBADF` when `dir` is not a cgroup2 directory
    /// (a regular file, a cgroup v1 directory), `EOPNOTSUPP` for a cgroup that cannot hold
    /// processes (of type "domain invalid", below a threaded domain), `EBUSY` for one whose
    /// `cgroup.subtree_control` enables controllers (cgroup v2's "no internal processes" rule),
    /// `EACCES` without write permission on the `cgroup.procs` of the common ancestor, `ENOENT`
    /// for a cgroup removed since `dir` was opened.
    ///
    /// Legacy `clone` cannot do this. When the process spawns with it (`clone3` refused by a
    /// seccomp filter, an older kernel, or `ASPAWN_CLONE_MODE=legacy`), the spawn fails with
    /// [`SpawnErrorKind::Unsupported`](crate::SpawnErrorKind::Unsupported) rather than start the child outside the cgroup.
    ///
    /// ```
    /// use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, ResultExt, SpawnErrorKind, Stack};
    /// use std::io::Read;
    ///
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.restore_sigmask().context("sigmask")?;
    ///     cx.execve(prog, argv, envp).context("execve")
    /// }
    ///
    /// // A cgroup2 mount point, from /proc/self/mountinfo ("… mount-point … - cgroup2 …").
    /// let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")?;
    /// let mount = mountinfo.lines().find_map(|l| {
    ///     let (fields, fs) = l.split_once(" - ")?;
    ///     fs.starts_with("cgroup2 ").then(|| fields.split(' ').nth(4))?
    /// });
    /// let dir = format!("{}/aspawn-doc-{}", mount.unwrap_or("/nonexistent"), std::process::id());
    /// if std::fs::create_dir(&dir).is_err() {
    ///     eprintln!("skipped: no writable cgroup2 mount");
    ///     return Ok(());
    /// }
    /// let cat = || -> Result<Option<String>, Box<dyn std::error::Error>> {
    ///     let launch = Stack::new()?.with_cgroup(std::fs::File::open(&dir)?);
    ///     let (mut r, w) = std::io::pipe()?;
    ///     let argv = ["cat", "/proc/self/cgroup"];
    ///     let spawned = match aspawn::spawn!(launch, run, (c"/bin/cat", &argv, Envp::inherit(), &w)) {
    ///         // Only legacy `clone` here (a seccomp filter, an old kernel): no child started.
    ///         Err(e) if matches!(e.kind(), SpawnErrorKind::Unsupported { .. }) => return Ok(None),
    ///         spawned => spawned?,
    ///     };
    ///     drop(w);
    ///     let (mut child, _stack) = spawned.wait_released()?;
    ///     assert!(child.wait()?.success());
    ///     let mut seen = String::new();
    ///     r.read_to_string(&mut seen)?;
    ///     Ok(Some(seen))
    /// };
    /// let seen = cat();
    /// std::fs::remove_dir(&dir)?; // empty again: the child has been reaped
    /// let Some(seen) = seen? else {
    ///     eprintln!("skipped: clone3 unavailable");
    ///     return Ok(());
    /// };
    /// // Where the child was from its first instruction on (our own cgroup was `0::/`, or above).
    /// let name = format!("/aspawn-doc-{}", std::process::id());
    /// assert!(seen.lines().any(|l| l.starts_with("0::") && l.ends_with(&name)), "{seen}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "CLONE_INTO_CGROUP")]
    #[doc(alias = "UseCgroupFD")]
    #[doc(alias = "posix_spawnattr_setcgroup_np")]
    #[must_use]
    pub fn with_cgroup(mut self, dir: impl Into<OwnedFd>) -> Launch {
        self.cgroup = Some(CgroupDir::Owned(dir.into()));
        self
    }

    /// The cgroup directory the spawn starts the child in, if any; see
    /// [`Launch::with_cgroup`].
    ///
    /// ```
    /// let f = std::fs::File::open("/")?;
    /// let launch = aspawn::Stack::new()?.with_cgroup(f);
    /// assert!(launch.cgroup().is_some());
    /// assert!(aspawn::Launch::from(aspawn::Stack::new()?).cgroup().is_none());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn cgroup(&self) -> Option<BorrowedFd<'_>> {
        self.cgroup.as_ref().map(|c| match c {
            CgroupDir::Owned(fd) => fd.as_fd(),
            // SAFETY: a lent fd is held open by the `Command` that preset it until its spawn
            // returns, and that spawn consumes this launch.
            CgroupDir::Lent(fd) => unsafe { BorrowedFd::borrow_raw(*fd) },
        })
    }

    /// Gives the stack back, dropping the options (a cgroup directory given with
    /// [`Launch::with_cgroup`] is closed).
    ///
    /// ```
    /// let launch = aspawn::Stack::with_size(1 << 20)?.with_pidfd();
    /// let stack = launch.into_stack();
    /// assert_eq!(stack.size(), 1 << 20);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn into_stack(self) -> Stack {
        self.stack
    }
}

impl From<Stack> for Launch {
    fn from(mut stack: Stack) -> Launch {
        let opts = core::mem::take(&mut stack.preset);
        let cgroup = stack.preset_cgroup.take().map(CgroupDir::Lent);
        Launch { stack, opts, cgroup }
    }
}

impl Stack {
    /// This stack, for a spawn that also takes a pidfd: see [`Launch`].
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?.with_pidfd(), exit_0, ())?;
    /// assert!(spawned.pidfd().is_some());
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// assert!(child.pidfd().is_ok()); // the Child waits and signals through it
    /// assert!(child.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "create_pidfd")]
    #[must_use]
    pub fn with_pidfd(self) -> Launch {
        Launch::from(self).with_pidfd()
    }

    /// This stack, for a spawn that also makes the wake-up fd: see [`Launch`].
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?.with_release_fd(), exit_0, ())?;
    /// assert!(spawned.release_fd().is_some());
    /// assert!(spawned.pidfd().is_none()); // only what was asked for
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_release_fd(self) -> Launch {
        Launch::from(self).with_release_fd()
    }

    /// This stack, for a spawn that starts the child in the cgroup `dir` is open on
    /// (`CLONE_INTO_CGROUP`): see [`Launch::with_cgroup`], which says what may fail.
    ///
    /// ```
    /// use aspawn::{Ctx, SpawnErrorKind, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// // Not a cgroup directory: the kernel refuses the clone, and no child is started.
    /// let not_a_cgroup = std::fs::File::open("/proc/self/status")?;
    /// let err = aspawn::spawn!(Stack::new()?.with_cgroup(not_a_cgroup), exit_0, ()).unwrap_err();
    /// match err.kind() {
    ///     SpawnErrorKind::Os { errno, .. } => assert_eq!(*errno, aspawn::Errno::BADF),
    ///     // clone3 unavailable here (a seccomp filter, a kernel before 5.7).
    ///     SpawnErrorKind::Unsupported { .. } => {}
    ///     other => panic!("{other:?}"),
    /// }
    /// assert!(err.into_stack().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "CLONE_INTO_CGROUP")]
    #[must_use]
    pub fn with_cgroup(self, dir: impl Into<OwnedFd>) -> Launch {
        Launch::from(self).with_cgroup(dir)
    }
}

impl core::fmt::Debug for Launch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Launch")
            .field("stack", &self.stack)
            .field("pidfd", &self.pidfd_wanted())
            .field("release_fd", &self.release_fd_wanted())
            .field("cgroup", &self.cgroup().map(|fd| fd.as_raw_fd()))
            .finish()
    }
}

impl core::fmt::Debug for Stack {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stack").field("base", &self.base).field("size", &self.size()).finish()
    }
}
