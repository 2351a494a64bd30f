//! [`Ctx`]: the child's only door to the kernel.
//!
//! Each method is one raw system call (or a short, allocation-free loop of them) through
//! [`crate::engine::sys`]: no libc, no `errno`, no allocation, no panic path (`soundness` items 1–3).
//! Flags and numbers are plain integers; their constants are in [`crate::consts`].
//!
//! There is deliberately no `mmap`, `munmap` or `mremap`: in a `CLONE_VM` child they would act on
//! the parent's address space.
//!
//! # Safety
//!
//! Pointers handed to the kernel come from `CStrRef`/`Argv`/`Envp` (placed in the stack or
//! static), from slices the caller holds, or from locals; each call site says which.
#![allow(unsafe_code)]

use core::cell::Cell;
use core::convert::Infallible;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, Ordering};

use linux_raw_sys::general as k;

use crate::arg::{Argv, CStrRef, Envp, Fd};
use crate::engine::sys::{self, call};
use crate::error::Errno;
use crate::stack::Header;
use crate::stack::{NESTED_AT_EXEC, NESTED_EXITING, NESTED_RUNNING};

/// The child's context: made only by the engine's trampoline, in the child, and passed to the
/// `#[aspawn::child]` function. Every system call the child may make is a method here.
///
/// `Ctx` is neither `Send` nor `Sync` and has no public constructor, so no code in the parent can
/// call [`Ctx::execve`] and replace itself ([`soundness`](crate::soundness) item 11).
///
/// Each method is one system call (or a short loop of them), returning the raw [`Errno`] on
/// failure; [`ResultExt::context`](crate::ResultExt::context) names the step for the parent.
/// By group, with the method whose example shows each:
///
/// - files and fds: [`open`](Ctx::open), [`openat`](Ctx::openat), [`close`](Ctx::close),
///   [`read`](Ctx::read), [`write`](Ctx::write), [`write_all`](Ctx::write_all) (example:
///   [`openat`](Ctx::openat), [`pipe2`](Ctx::pipe2)); [`pipe2`](Ctx::pipe2),
///   [`dup`](Ctx::dup), [`dup2`](Ctx::dup2), [`dup3`](Ctx::dup3) (examples: [`pipe2`](Ctx::pipe2),
///   [`dup2`](Ctx::dup2)); [`close_range`](Ctx::close_range), [`set_cloexec`](Ctx::set_cloexec)
///   (example: [`close_range`](Ctx::close_range));
/// - directories: [`chdir`](Ctx::chdir), [`fchdir`](Ctx::fchdir) (example:
///   [`chdir`](Ctx::chdir)), [`chroot`](Ctx::chroot);
/// - credentials: [`setresuid`](Ctx::setresuid), [`setresgid`](Ctx::setresgid) (example:
///   [`setresuid`](Ctx::setresuid)), [`setuid`](Ctx::setuid), [`setgid`](Ctx::setgid) (example:
///   [`setuid`](Ctx::setuid)), [`setgroups`](Ctx::setgroups) (example:
///   [`GroupList`](crate::GroupList));
/// - sessions and terminals: [`setsid`](Ctx::setsid), [`setpgid`](Ctx::setpgid) (example:
///   [`setsid`](Ctx::setsid)), [`ioctl_tiocsctty`](Ctx::ioctl_tiocsctty),
///   [`tcsetpgrp`](Ctx::tcsetpgrp) (example: [`ioctl_tiocsctty`](Ctx::ioctl_tiocsctty));
/// - the process: [`getpid`](Ctx::getpid), [`getppid`](Ctx::getppid) (example:
///   [`getpid`](Ctx::getpid)), [`umask`](Ctx::umask), [`setrlimit`](Ctx::setrlimit),
///   [`prlimit`](Ctx::prlimit) (example: [`setrlimit`](Ctx::setrlimit)),
///   [`getpriority`](Ctx::getpriority), [`setpriority`](Ctx::setpriority),
///   [`sched_setscheduler`](Ctx::sched_setscheduler) (example:
///   [`setpriority`](Ctx::setpriority)), [`unshare`](Ctx::unshare);
/// - signals: [`sigprocmask`](Ctx::sigprocmask), [`restore_sigmask`](Ctx::restore_sigmask),
///   [`kill`](Ctx::kill) (example: [`restore_sigmask`](Ctx::restore_sigmask)),
///   [`signal_ignore`](Ctx::signal_ignore), [`signal_default`](Ctx::signal_default) (example:
///   [`signal_ignore`](Ctx::signal_ignore)), [`prctl_set_pdeathsig`](Ctx::prctl_set_pdeathsig);
/// - epoll, on instances the child made itself: [`epoll_create1`](Ctx::epoll_create1),
///   [`epoll_ctl`](Ctx::epoll_ctl), [`epoll_pwait`](Ctx::epoll_pwait) (example:
///   [`epoll_create1`](Ctx::epoll_create1));
/// - leaving: [`execve`](Ctx::execve), [`execveat`](Ctx::execveat), [`fexecve`](Ctx::fexecve)
///   (example: [`execveat`](Ctx::execveat)), [`execvp`](Ctx::execvp), [`exit`](Ctx::exit);
///   and [`spawn`](Ctx::spawn), a grandchild on the same stack.
pub struct Ctx {
    pub(crate) report_fd: i32,
    /// The mask to give back before an exec: the spawning thread's, when the engine blocked every
    /// signal across the clone. `None` while this task still runs with the mask it started with,
    /// which then *is* the spawning thread's (the engine did not block: see
    /// `crate::engine::must_block`); the first [`Ctx::sigprocmask`] records it here.
    pub(crate) saved_mask: Cell<Option<u64>>,
    epolls: OwnEpolls,
    /// Whether the child set its signal mask itself (`sigprocmask`, `restore_sigmask`): then the
    /// exec helpers leave it alone; otherwise they restore `saved_mask` as their last step.
    pub(crate) mask_set: Cell<bool>,
    /// The header of the stack this task runs on.
    pub(crate) header: *const Header,
    /// 0 for the child `spawn!` made, `d` for a task `Ctx::spawn` made at nesting level `d`.
    pub(crate) depth: u32,
    /// Runs in the caller's own process (`Command::exec`'s hook), not in a clone.
    pub(crate) in_place: bool,
    /// Where this task says that it reached an exec or its own exit: its `Ctx::spawn` parent's
    /// local, or for the child, its stack header (null in `Command::exec`'s hook).
    nested_state: *const AtomicU32,
    /// This task has announced a credential change (see `crate::engine::dumpable`).
    cred_announced: Cell<bool>,
    _not_send: PhantomData<*mut ()>,
}

/// The epoll instances this child made with [`Ctx::epoll_create1`], by fd number: the only ones
/// [`Ctx::epoll_ctl`] and [`Ctx::epoll_pwait`] accept.
///
/// A child has its own fd table, but the open files behind the fds it inherited are the
/// parent's. An inherited epoll fd *is* the parent's event loop (tokio's reactor, say), whose
/// registrations carry a 64-bit `data` word that the loop uses as a pointer into the parent's
/// memory: `EPOLL_CTL_MOD` from the child would make the parent dereference a value of the
/// child's choosing, and `epoll_pwait` would take the parent's events. A number leaves the set
/// when the child closes it or `dup2`s another fd over it.
struct OwnEpolls(Cell<[i32; OWN_EPOLLS]>);

/// How many epoll instances a child may hold at once.
const OWN_EPOLLS: usize = 4;

impl OwnEpolls {
    const fn new() -> OwnEpolls {
        OwnEpolls(Cell::new([-1; OWN_EPOLLS]))
    }

    /// Records `fd`; `false` when every slot is taken.
    #[inline(always)]
    fn add(&self, fd: i32) -> bool {
        let mut set = self.0.get();
        for slot in set.iter_mut() {
            if *slot < 0 {
                *slot = fd;
                self.0.set(set);
                return true;
            }
        }
        false
    }

    #[inline(always)]
    fn has(&self, fd: Fd) -> bool {
        fd.as_raw() >= 0 && self.0.get().contains(&fd.as_raw())
    }

    /// Forgets every recorded number in `first..=last` (closed, or about to be replaced).
    #[inline(always)]
    fn forget(&self, first: u32, last: u32) {
        let mut set = self.0.get();
        for slot in set.iter_mut() {
            if *slot >= 0 && first <= *slot as u32 && *slot as u32 <= last {
                *slot = -1;
            }
        }
        self.0.set(set);
    }

    /// `Ok` for an epoll fd this child made, else `EBADF`.
    #[inline(always)]
    fn check(&self, epfd: Fd) -> Result<(), Errno> {
        if self.has(epfd) { Ok(()) } else { Err(Errno::BADF) }
    }
}

#[inline(always)]
fn fd_ret(r: Result<usize, Errno>) -> Result<Fd, Errno> {
    r.map(|v| Fd::from_raw(v as i32))
}

#[inline(always)]
fn unit(r: Result<usize, Errno>) -> Result<(), Errno> {
    r.map(|_| ())
}

const AT_FDCWD: usize = k::AT_FDCWD as isize as usize;
const PATH_MAX: usize = k::PATH_MAX as usize;

impl Ctx {
    pub(crate) fn new(
        report_fd: i32,
        saved_mask: impl Into<Option<u64>>,
        header: *const Header,
        depth: u32,
        in_place: bool,
        nested_state: *const AtomicU32,
    ) -> Ctx {
        Ctx {
            report_fd,
            saved_mask: Cell::new(saved_mask.into()),
            epolls: OwnEpolls::new(),
            mask_set: Cell::new(false),
            header,
            depth,
            in_place,
            nested_state,
            cred_announced: Cell::new(false),
            _not_send: PhantomData,
        }
    }

    /// The last step of every exec helper: a child that never set its signal mask gets the
    /// spawning thread's back, so its program does not start with every signal blocked. Once
    /// done (or once the child set a mask), later calls make no system call.
    #[inline(always)]
    fn mask_for_exec(&self) {
        if !self.mask_set.get() {
            // Cannot fail: a valid `how` and a live sigset.
            let _ = self.restore_sigmask();
        }
    }

    /// Before a credential syscall: the kernel will mark the shared mm non-dumpable, which the
    /// parent undoes once this task is gone from its memory (`crate::engine::dumpable`).
    #[inline(always)]
    fn before_cred_change(&self) {
        if !self.in_place && !self.cred_announced.replace(true) {
            // SAFETY: the header of the stack we run on outlives us.
            crate::engine::dumpable::announce(unsafe { &*self.header });
        }
    }

    /// Tells the parent what this task is about to do (`NESTED_*`).
    #[inline(always)]
    fn tell_parent(&self, what: u32) {
        // SAFETY: null, or our stack's header (which outlives us), or for a task of `Ctx::spawn`
        // its parent's local, suspended (CLONE_VFORK) until we exec or exit.
        if let Some(state) = unsafe { self.nested_state.as_ref() } {
            state.store(what, Ordering::Release);
        }
    }

    /// The fd the engine uses to learn that the child is done (-1, matching no fd, when the
    /// spawn made none): closing, replacing, duplicating or writing it is refused.
    #[inline(always)]
    fn guard(&self, fd: Fd) -> Result<(), Errno> {
        if self.report_fd >= 0 && fd.as_raw() == self.report_fd { Err(Errno::BADF) } else { Ok(()) }
    }

    /// `openat(dirfd, path, flags, mode)`—Opens a file relative to a directory fd.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{O_CLOEXEC, O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY};
    /// use aspawn::{CStrRef, ChildResult, Ctx, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn save(cx: &Ctx, dir: CStrRef) -> ChildResult {
    ///     let d = cx.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0).context("open dir")?;
    ///     let f = cx
    ///         .openat(d, c"out.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    ///         .context("openat")?;
    ///     cx.write_all(f, b"saved").context("write")?;
    ///     cx.close(f).context("close")?;
    ///     cx.close(d).context("close dir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let dir = std::env::temp_dir().join(format!("aspawn-doc-openat-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let (mut child, _stack) = aspawn::spawn!(Stack::new()?, save, (&dir))?.wait_released()?;
    /// assert!(child.wait()?.success());
    /// assert_eq!(std::fs::read_to_string(dir.join("out.txt"))?, "saved");
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/openat.2.html)
    #[inline]
    pub fn openat(&self, dirfd: Fd, path: CStrRef, flags: u32, mode: u32) -> Result<Fd, Errno> {
        // SAFETY: `path` is a placed or static C string.
        fd_ret(unsafe {
            call(
                k::__NR_openat,
                [
                    dirfd.as_raw() as usize,
                    path.as_ptr() as usize,
                    flags as usize,
                    mode as usize,
                    0,
                    0,
                ],
            )
        })
    }

    /// `open(path, flags, mode)`—Opens a file (as `openat(AT_FDCWD, …)`).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::openat`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    #[inline]
    pub fn open(&self, path: CStrRef, flags: u32, mode: u32) -> Result<Fd, Errno> {
        // SAFETY: as in `openat`.
        fd_ret(unsafe {
            call(
                k::__NR_openat,
                [AT_FDCWD, path.as_ptr() as usize, flags as usize, mode as usize, 0, 0],
            )
        })
    }

    /// `close(fd)`—Closes a file descriptor. The engine's report fd is refused with `EBADF`.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::openat`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/close.2.html)
    #[inline]
    pub fn close(&self, fd: Fd) -> Result<(), Errno> {
        self.guard(fd)?;
        self.epolls.forget(fd.as_raw() as u32, fd.as_raw() as u32);
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_close, [fd.as_raw() as usize, 0, 0, 0, 0, 0]) })
    }

    /// `dup(fd)`—Duplicates `fd` onto the lowest free number. The report fd is refused with
    /// `EBADF` (a copy would outlive the exec and delay the parent's wake-up).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::pipe2`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    #[inline]
    pub fn dup(&self, fd: Fd) -> Result<Fd, Errno> {
        self.guard(fd)?;
        // SAFETY: no pointers.
        fd_ret(unsafe { call(k::__NR_dup, [fd.as_raw() as usize, 0, 0, 0, 0, 0]) })
    }

    /// `dup2(old, new)`—Duplicates `old` onto `new`, closing `new` first. When `old == new` it only
    /// checks that `old` is open. The result does not have `O_CLOEXEC`. Refuses the report fd as
    /// `old` or `new` with `EBADF`.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::O_CLOEXEC;
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    /// use std::io::Read;
    ///
    /// // stdout and stderr both to `out`, then exec: what a shell's `>out 2>&1` does.
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
    ///     // dup3 is dup2 with flags: this copy on fd 9 has O_CLOEXEC, so the program lacks it.
    ///     cx.dup3(out, Fd::from_raw(9), O_CLOEXEC).context("dup3")?;
    ///     cx.dup2(Fd::STDOUT, Fd::STDERR).context("dup2 stderr")?;
    ///     cx.execve(c"/bin/sh", argv, envp).context("execve")
    /// }
    ///
    /// let (mut reader, writer) = std::io::pipe()?;
    /// let script = &["sh", "-c", "echo out; echo err >&2; { echo nine >&9; } 2>/dev/null || echo no-9"];
    /// let spawned = aspawn::spawn!(Stack::new()?, run, (&writer, script, Envp::inherit()))?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// let mut text = String::new();
    /// reader.read_to_string(&mut text)?;
    /// assert_eq!(text, "out\nerr\nno-9\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/dup2.2.html)
    #[inline]
    pub fn dup2(&self, old: Fd, new: Fd) -> Result<Fd, Errno> {
        self.guard(old)?;
        self.guard(new)?;
        if old == new {
            // SAFETY: no pointers.
            return unsafe {
                call(k::__NR_fcntl, [old.as_raw() as usize, k::F_GETFD as usize, 0, 0, 0, 0])
            }
            .map(|_| new);
        }
        self.epolls.forget(new.as_raw() as u32, new.as_raw() as u32);
        // SAFETY: no pointers.
        fd_ret(unsafe {
            call(k::__NR_dup3, [old.as_raw() as usize, new.as_raw() as usize, 0, 0, 0, 0])
        })
    }

    /// `dup3(old, new, flags)`—As `dup2` with flags (`O_CLOEXEC`); `old == new` is `EINVAL`.
    /// Refuses the report fd as `old` or `new` with `EBADF`.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::dup2`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/dup3.2.html)
    #[inline]
    pub fn dup3(&self, old: Fd, new: Fd, flags: u32) -> Result<Fd, Errno> {
        self.guard(old)?;
        self.guard(new)?;
        if old != new {
            self.epolls.forget(new.as_raw() as u32, new.as_raw() as u32);
        }
        // SAFETY: no pointers.
        fd_ret(unsafe {
            call(
                k::__NR_dup3,
                [old.as_raw() as usize, new.as_raw() as usize, flags as usize, 0, 0, 0],
            )
        })
    }

    /// `pipe2(flags)`—Makes a pipe; returns `(read end, write end)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::O_CLOEXEC;
    /// use aspawn::{ChildResult, Ctx, Fd, ResultExt, Stack};
    /// use std::io::Read;
    ///
    /// // Sends "ping" through a pipe of its own, reads it back and copies it to `out`.
    /// #[aspawn::child]
    /// fn loopback(cx: &Ctx, out: Fd) -> ChildResult {
    ///     let (r, w) = cx.pipe2(O_CLOEXEC).context("pipe2")?;
    ///     let sent = cx.write(w, b"ping").context("write")?;
    ///     let mut buf = [0u8; 16];
    ///     let got = cx.read(r, &mut buf).context("read")?;
    ///     if got != sent {
    ///         cx.exit(1);
    ///     }
    ///     let copy = cx.dup(out).context("dup")?;
    ///     if let Some(bytes) = buf.get(..got) {
    ///         cx.write_all(copy, bytes).context("write_all")?;
    ///     }
    ///     cx.exit(0)
    /// }
    ///
    /// let (mut reader, writer) = std::io::pipe()?;
    /// let (mut child, _stack) = aspawn::spawn!(Stack::new()?, loopback, (&writer))?.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// let mut got = String::new();
    /// reader.read_to_string(&mut got)?;
    /// assert_eq!(got, "ping");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/pipe2.2.html)
    #[inline]
    pub fn pipe2(&self, flags: u32) -> Result<(Fd, Fd), Errno> {
        let mut fds = [0i32; 2];
        // SAFETY: `fds` is a live `int[2]`.
        unsafe { call(k::__NR_pipe2, [fds.as_mut_ptr() as usize, flags as usize, 0, 0, 0, 0]) }?;
        let [r, w] = fds;
        Ok((Fd::from_raw(r), Fd::from_raw(w)))
    }

    /// `chdir(path)`—Changes the working directory.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{O_CLOEXEC, O_DIRECTORY, O_RDONLY};
    /// use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    ///
    /// // Runs `pwd` in `dir`, by path or (`by_fd`) through an open directory fd.
    /// #[aspawn::child]
    /// fn pwd_in(cx: &Ctx, dir: CStrRef, by_fd: bool, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     if by_fd {
    ///         let d = cx.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0).context("open")?;
    ///         cx.fchdir(d).context("fchdir")?;
    ///     } else {
    ///         cx.chdir(dir).context("chdir")?;
    ///     }
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.execve(c"/bin/pwd", argv, envp).context("execve")
    /// }
    ///
    /// let mut stack = Stack::new()?;
    /// for by_fd in [false, true] {
    ///     let (reader, writer) = std::io::pipe()?;
    ///     let spawned =
    ///         aspawn::spawn!(stack, pwd_in, ("/usr", by_fd, &writer, &["pwd", "-P"], Envp::empty()))?;
    ///     let (mut child, back) = spawned.wait_released()?;
    ///     drop(writer);
    ///     assert!(child.wait()?.success());
    ///     assert_eq!(std::io::read_to_string(reader)?, "/usr\n");
    ///     stack = back;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/chdir.2.html)
    #[inline]
    pub fn chdir(&self, path: CStrRef) -> Result<(), Errno> {
        // SAFETY: placed or static C string.
        unit(unsafe { call(k::__NR_chdir, [path.as_ptr() as usize, 0, 0, 0, 0, 0]) })
    }

    /// `fchdir(fd)`—Changes the working directory to an open directory.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::chdir`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/fchdir.2.html)
    #[inline]
    pub fn fchdir(&self, fd: Fd) -> Result<(), Errno> {
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_fchdir, [fd.as_raw() as usize, 0, 0, 0, 0, 0]) })
    }

    /// `read(fd, buf)`—Reads into `buf`; returns the number of bytes read (0 at end of file).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::pipe2`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/read.2.html)
    #[inline]
    pub fn read(&self, fd: Fd, buf: &mut [u8]) -> Result<usize, Errno> {
        // SAFETY: `buf` is a live, writable slice of `buf.len()` bytes.
        unsafe {
            call(
                k::__NR_read,
                [fd.as_raw() as usize, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0],
            )
        }
    }

    /// `write(fd, buf)`—Writes from `buf`; returns the number of bytes written. The report fd is
    /// refused with `EBADF` (a byte in it would fake the parent's wake-up).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::pipe2`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/write.2.html)
    #[inline]
    pub fn write(&self, fd: Fd, buf: &[u8]) -> Result<usize, Errno> {
        self.guard(fd)?;
        // SAFETY: `buf` is a live slice of `buf.len()` bytes.
        unsafe {
            call(k::__NR_write, [fd.as_raw() as usize, buf.as_ptr() as usize, buf.len(), 0, 0, 0])
        }
    }

    /// Writes all of `buf`, retrying on `EINTR` and short writes; a write of 0 bytes is `EIO`. The
    /// report fd is refused with `EBADF`, as by [`Ctx::write`].
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::openat`].
    #[doc(alias = "write")]
    #[inline]
    pub fn write_all(&self, fd: Fd, buf: &[u8]) -> Result<(), Errno> {
        let mut rest = buf;
        while !rest.is_empty() {
            match self.write(fd, rest) {
                Ok(0) => return Err(Errno::IO),
                Ok(n) => match rest.get(n..) {
                    Some(r) => rest = r,
                    None => return Err(Errno::IO),
                },
                Err(Errno::INTR) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// `close_range(first, last, flags)`—Closes (or, with `CLOSE_RANGE_CLOEXEC`, marks close-on-exec)
    /// every fd in `first..=last`, except the engine's report fd, which is skipped.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    /// use std::os::fd::AsRawFd;
    ///
    /// // Keeps `keep` open across the exec (clears its close-on-exec flag), and closes every other
    /// // fd above 2, so that the program gets exactly 0, 1, 2 and `keep`: also `other`, whose
    /// // flag is cleared too, to show that `close_range` (not the exec) closes it.
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, keep: Fd, other: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.set_cloexec(keep, false).context("fcntl keep")?;
    ///     cx.set_cloexec(other, false).context("fcntl other")?;
    ///     let k = keep.as_raw() as u32;
    ///     if k > 3 {
    ///         cx.close_range(3, k - 1, 0).context("close_range below")?;
    ///     }
    ///     cx.close_range(k + 1, u32::MAX, 0).context("close_range above")?;
    ///     cx.execve(c"/bin/sh", argv, envp).context("execve")
    /// }
    ///
    /// let (reader, writer) = std::io::pipe()?;
    /// let other = std::fs::File::open("/dev/null")?;
    /// let script = format!(
    ///     "echo hi >&{} && {{ true <&{}; }} 2>/dev/null || exit 9",
    ///     writer.as_raw_fd(),
    ///     other.as_raw_fd()
    /// );
    /// let argv = ["sh", "-c", script.as_str()];
    /// let spawned = aspawn::spawn!(Stack::new()?, run, (&writer, &other, &argv, Envp::inherit()))?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert_eq!(child.wait()?.code(), Some(9)); // `other` was closed
    /// assert_eq!(std::io::read_to_string(reader)?, "hi\n"); // `writer` was kept
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/close_range.2.html)
    #[inline]
    pub fn close_range(&self, first: u32, last: u32, flags: u32) -> Result<(), Errno> {
        if flags & crate::consts::CLOSE_RANGE_CLOEXEC == 0 {
            self.epolls.forget(first, last);
        }
        let r = self.report_fd as u32;
        let one = |a: u32, b: u32| {
            // SAFETY: no pointers.
            unit(unsafe {
                call(k::__NR_close_range, [a as usize, b as usize, flags as usize, 0, 0, 0])
            })
        };
        if first <= r && r <= last {
            if r > first {
                one(first, r - 1)?;
            }
            if r < last {
                one(r + 1, last)?;
            }
            Ok(())
        } else {
            one(first, last)
        }
    }

    /// Sets or clears `FD_CLOEXEC` on `fd` (`fcntl(F_SETFD)`). The report fd is refused.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::close_range`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    #[doc(alias = "fcntl")]
    #[inline]
    pub fn set_cloexec(&self, fd: Fd, on: bool) -> Result<(), Errno> {
        self.guard(fd)?;
        let flag = if on { k::FD_CLOEXEC as usize } else { 0 };
        // SAFETY: no pointers.
        unit(unsafe {
            call(k::__NR_fcntl, [fd.as_raw() as usize, k::F_SETFD as usize, flag, 0, 0, 0])
        })
    }

    /// `setresuid(ruid, euid, suid)`—Sets the user ids (`u32::MAX` leaves one unchanged).
    ///
    /// A credential change makes the kernel mark the memory this child shares with its parent
    /// non-dumpable; the parent's flag is set back once no child that changed credentials runs in
    /// its memory any more (after the release), never earlier.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// // Sets every user and group id to the given ones, then runs `id -u; id -g`. Setting the ids
    /// // the process already has needs no privilege; root may set any.
    /// #[aspawn::child]
    /// fn run_as(cx: &Ctx, uid: u32, gid: u32, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.setresgid(gid, gid, gid).context("setresgid")?; // groups first: it needs the uid
    ///     cx.setresuid(uid, uid, uid).context("setresuid")?;
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.execve(c"/bin/sh", argv, envp).context("execve")
    /// }
    ///
    /// let me = std::fs::metadata("/proc/self")?; // owned by our effective ids
    /// let (reader, writer) = std::io::pipe()?;
    /// let argv = ["sh", "-c", "id -u; id -g"];
    /// let spawned =
    ///     aspawn::spawn!(Stack::new()?, run_as, (me.uid(), me.gid(), &writer, &argv, Envp::inherit()))?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// assert_eq!(std::io::read_to_string(reader)?, format!("{}\n{}\n", me.uid(), me.gid()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setresuid.2.html)
    #[inline]
    pub fn setresuid(&self, ruid: u32, euid: u32, suid: u32) -> Result<(), Errno> {
        self.before_cred_change();
        // SAFETY: no pointers.
        unit(unsafe {
            call(k::__NR_setresuid, [ruid as usize, euid as usize, suid as usize, 0, 0, 0])
        })
    }

    /// `setresgid(rgid, egid, sgid)`—Sets the group ids (`u32::MAX` leaves one unchanged).
    ///
    /// A credential change makes the kernel mark the memory this child shares with its parent
    /// non-dumpable; the parent's flag is set back once no child that changed credentials runs in
    /// its memory any more (after the release), never earlier.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::setresuid`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setresgid.2.html)
    #[inline]
    pub fn setresgid(&self, rgid: u32, egid: u32, sgid: u32) -> Result<(), Errno> {
        self.before_cred_change();
        // SAFETY: no pointers.
        unit(unsafe {
            call(k::__NR_setresgid, [rgid as usize, egid as usize, sgid as usize, 0, 0, 0])
        })
    }

    /// `setgroups(groups)`—Sets the supplementary groups.
    ///
    /// A credential change makes the kernel mark the memory this child shares with its parent
    /// non-dumpable; the parent's flag is set back once no child that changed credentials runs in
    /// its memory any more (after the release), never earlier.
    ///
    /// # Examples
    ///
    /// In the examples of [`Groups`](crate::Groups) and [`GroupList`](crate::GroupList).
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setgroups.2.html)
    #[inline]
    pub fn setgroups(&self, groups: impl crate::arg::GroupList) -> Result<(), Errno> {
        let groups = groups.ids();
        self.before_cred_change();
        // SAFETY: `groups` is a live slice of gid_t (u32).
        unit(unsafe {
            call(k::__NR_setgroups, [groups.len(), groups.as_ptr() as usize, 0, 0, 0, 0])
        })
    }

    /// `setuid(uid)`—Sets the user id. Prefer `setresuid`, which leaves no id behind.
    ///
    /// A credential change makes the kernel mark the memory this child shares with its parent
    /// non-dumpable; the parent's flag is set back once no child that changed credentials runs in
    /// its memory any more (after the release), never earlier.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, ResultExt, Stack};
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// #[aspawn::child]
    /// fn become_(cx: &Ctx, uid: u32, gid: u32) -> ChildResult {
    ///     cx.setgid(gid).context("setgid")?;
    ///     cx.setuid(uid).context("setuid")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let me = std::fs::metadata("/proc/self")?;
    /// let spawned = aspawn::spawn!(Stack::new()?, become_, (me.uid(), me.gid()))?;
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setuid.2.html)
    #[inline]
    pub fn setuid(&self, uid: u32) -> Result<(), Errno> {
        self.before_cred_change();
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_setuid, [uid as usize, 0, 0, 0, 0, 0]) })
    }

    /// `setgid(gid)`—Sets the group id.
    ///
    /// A credential change makes the kernel mark the memory this child shares with its parent
    /// non-dumpable; the parent's flag is set back once no child that changed credentials runs in
    /// its memory any more (after the release), never earlier.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::setuid`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setgid.2.html)
    #[inline]
    pub fn setgid(&self, gid: u32) -> Result<(), Errno> {
        self.before_cred_change();
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_setgid, [gid as usize, 0, 0, 0, 0, 0]) })
    }

    /// `setsid()`—Starts a new session; returns its id.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// // Exits 0 when it leads a new session and a new process group of its own.
    /// #[aspawn::child]
    /// fn detach(cx: &Ctx) -> i32 {
    ///     let Ok(pid) = cx.getpid() else { return 1 };
    ///     let Ok(sid) = cx.setsid() else { return 2 };
    ///     // A session leader is already its group's leader: moving it is refused (`EPERM`).
    ///     match cx.setpgid(0, 0) {
    ///         Err(_) if sid == pid => 0,
    ///         _ => 3,
    ///     }
    /// }
    ///
    /// #[aspawn::child]
    /// fn own_group(cx: &Ctx) -> i32 {
    ///     match cx.setpgid(0, 0) {
    ///         Ok(()) => 0,
    ///         Err(e) => e.raw_os_error(),
    ///     }
    /// }
    ///
    /// let (mut child, stack) = aspawn::spawn!(Stack::new()?, detach, ())?.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(0));
    /// let (mut child, _stack) = aspawn::spawn!(stack, own_group, ())?.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setsid.2.html)
    #[inline]
    pub fn setsid(&self) -> Result<i32, Errno> {
        // SAFETY: no arguments.
        unsafe { call(k::__NR_setsid, [0; 6]) }.map(|v| v as i32)
    }

    /// `setpgid(pid, pgid)`—Moves process `pid` (0: this one) into group `pgid` (0: its own).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::setsid`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setpgid.2.html)
    #[inline]
    pub fn setpgid(&self, pid: i32, pgid: i32) -> Result<(), Errno> {
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_setpgid, [pid as usize, pgid as usize, 0, 0, 0, 0]) })
    }

    /// `getpid()`—This process's id. Never fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Ctx, Fd, Stack};
    ///
    /// // Writes its pid to `out`; exits 0 if its parent is `parent`.
    /// #[aspawn::child]
    /// fn report(cx: &Ctx, parent: i32, out: Fd) -> i32 {
    ///     let (Ok(pid), Ok(ppid)) = (cx.getpid(), cx.getppid()) else { return 1 };
    ///     let bytes = pid.to_ne_bytes();
    ///     match cx.write_all(out, &bytes) {
    ///         Ok(()) if ppid == parent => 0,
    ///         _ => 2,
    ///     }
    /// }
    ///
    /// let (mut reader, writer) = std::io::pipe()?;
    /// let me = std::process::id() as i32;
    /// let spawned = aspawn::spawn!(Stack::new()?, report, (me, &writer))?;
    /// let pid = spawned.pid();
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert_eq!(child.wait()?.code(), Some(0));
    /// let mut bytes = [0u8; 4];
    /// std::io::Read::read_exact(&mut reader, &mut bytes)?;
    /// assert_eq!(i32::from_ne_bytes(bytes), pid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/getpid.2.html)
    #[inline]
    pub fn getpid(&self) -> Result<i32, Errno> {
        // SAFETY: no arguments.
        unsafe { call(k::__NR_getpid, [0; 6]) }.map(|v| v as i32)
    }

    /// `getppid()`—The parent's process id. Never fails.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::getpid`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/getppid.2.html)
    #[inline]
    pub fn getppid(&self) -> Result<i32, Errno> {
        // SAFETY: no arguments.
        unsafe { call(k::__NR_getppid, [0; 6]) }.map(|v| v as i32)
    }

    /// `umask(mask)`—Sets the file mode creation mask; returns the old one. Never fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{O_CLOEXEC, O_CREAT, O_WRONLY};
    /// use aspawn::{CStrRef, ChildResult, Ctx, ResultExt, Stack};
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// #[aspawn::child]
    /// fn create_private(cx: &Ctx, path: CStrRef) -> ChildResult {
    ///     let _old = cx.umask(0o077).context("umask")?; // the child's own: the parent's is untouched
    ///     let fd = cx.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666).context("open")?;
    ///     cx.close(fd).context("close")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let path = std::env::temp_dir().join(format!("aspawn-doc-umask-{}", std::process::id()));
    /// let spawned = aspawn::spawn!(Stack::new()?, create_private, (&path))?;
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/umask.2.html)
    #[inline]
    pub fn umask(&self, mask: u32) -> Result<u32, Errno> {
        // SAFETY: no pointers.
        unsafe { call(k::__NR_umask, [mask as usize, 0, 0, 0, 0, 0]) }.map(|v| v as u32)
    }

    /// `setrlimit(resource, {soft, hard})`—Sets a resource limit of this process (through
    /// `prlimit64`). `u64::MAX` is `RLIM_INFINITY`.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::RLIMIT_NOFILE;
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    ///
    /// // Lowers the soft fd limit to 64 for the program only (the hard limit stays what it was).
    /// #[aspawn::child]
    /// fn limited(cx: &Ctx, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     let (_soft, hard) = cx.prlimit(0, RLIMIT_NOFILE, None).context("prlimit")?;
    ///     cx.setrlimit(RLIMIT_NOFILE, 64, hard).context("setrlimit")?;
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.execve(c"/bin/sh", argv, envp).context("execve")
    /// }
    ///
    /// let (reader, writer) = std::io::pipe()?;
    /// let spawned =
    ///     aspawn::spawn!(Stack::new()?, limited, (&writer, &["sh", "-c", "ulimit -n"], Envp::inherit()))?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// assert_eq!(std::io::read_to_string(reader)?, "64\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setrlimit.2.html)
    #[inline]
    pub fn setrlimit(&self, resource: u32, soft: u64, hard: u64) -> Result<(), Errno> {
        self.prlimit(0, resource, Some((soft, hard))).map(|_| ())
    }

    /// `prlimit64(pid, resource, new, old)`—Gets, and with `new` sets, a resource limit of `pid`
    /// (0: this process); returns the old `(soft, hard)`.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::setrlimit`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/prlimit.2.html)
    #[doc(alias = "prlimit64")]
    #[inline]
    pub fn prlimit(
        &self,
        pid: i32,
        resource: u32,
        new: Option<(u64, u64)>,
    ) -> Result<(u64, u64), Errno> {
        let new_lim = new.map(|(s, h)| k::rlimit64 { rlim_cur: s, rlim_max: h });
        let mut old = k::rlimit64 { rlim_cur: 0, rlim_max: 0 };
        let new_ptr = match &new_lim {
            Some(l) => l as *const k::rlimit64 as usize,
            None => 0,
        };
        // SAFETY: `new_ptr` is null or a live rlimit64; `old` is a live rlimit64.
        unsafe {
            call(
                k::__NR_prlimit64,
                [pid as usize, resource as usize, new_ptr, &mut old as *mut _ as usize, 0, 0],
            )
        }?;
        Ok((old.rlim_cur, old.rlim_max))
    }

    /// `getpriority(which, who)`—The nice value (-20..=19) of a process, group or user.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::setpriority`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/getpriority.2.html)
    #[inline]
    pub fn getpriority(&self, which: i32, who: i32) -> Result<i32, Errno> {
        // SAFETY: no pointers. The raw call returns `20 - nice`.
        unsafe { call(k::__NR_getpriority, [which as usize, who as usize, 0, 0, 0, 0]) }
            .map(|v| 20 - v as i32)
    }

    /// `setpriority(which, who, nice)`—Sets the nice value.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{PRIO_PROCESS, SCHED_BATCH};
    /// use aspawn::{ChildResult, Ctx, ResultExt, Stack};
    ///
    /// // Runs at the lowest priority: nice 19 (raising the nice value needs no privilege), under the
    /// // batch policy. Exits with the nice value it reads back.
    /// #[aspawn::child]
    /// fn background(cx: &Ctx) -> ChildResult {
    ///     cx.setpriority(PRIO_PROCESS, 0, 19).context("setpriority")?;
    ///     cx.sched_setscheduler(0, SCHED_BATCH, 0).context("sched_setscheduler")?;
    ///     let nice = cx.getpriority(PRIO_PROCESS, 0).context("getpriority")?;
    ///     cx.exit(nice)
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, background, ())?;
    /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(19));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/setpriority.2.html)
    #[inline]
    pub fn setpriority(&self, which: i32, who: i32, nice: i32) -> Result<(), Errno> {
        // SAFETY: no pointers.
        unit(unsafe {
            call(k::__NR_setpriority, [which as usize, who as usize, nice as usize, 0, 0, 0])
        })
    }

    /// `sched_setscheduler(pid, policy, {priority})`—Sets the scheduling policy.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::setpriority`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/sched_setscheduler.2.html)
    #[inline]
    pub fn sched_setscheduler(&self, pid: i32, policy: i32, priority: i32) -> Result<(), Errno> {
        let param: i32 = priority;
        // SAFETY: `param` is a live `struct sched_param` (one int).
        unit(unsafe {
            call(
                k::__NR_sched_setscheduler,
                [pid as usize, policy as usize, &param as *const i32 as usize, 0, 0, 0],
            )
        })
    }

    /// `rt_sigprocmask(how, set)`—Changes the signal mask (bit `n - 1` is signal `n`); returns the
    /// old mask. The child starts with every signal blocked, or with the parent's mask where no
    /// block is needed (see [`Ctx::restore_sigmask`]). Once
    /// the child has set a mask here (`SIG_SETMASK`, or a non-empty `set`), the exec helpers keep
    /// it instead of restoring the parent's.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{SIG_BLOCK, SIGUSR1};
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    ///
    /// // Blocks SIGUSR1 for the program: a mask the child sets itself is kept across the exec.
    /// #[aspawn::child]
    /// fn blocked(cx: &Ctx, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.restore_sigmask().context("restore")?; // start from the caller's mask
    ///     cx.sigprocmask(SIG_BLOCK, 1 << (SIGUSR1 - 1)).context("sigprocmask")?;
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.execve(c"/bin/grep", argv, envp).context("execve")
    /// }
    ///
    /// let (reader, writer) = std::io::pipe()?;
    /// let argv = ["grep", "^SigBlk", "/proc/self/status"];
    /// let spawned = aspawn::spawn!(Stack::new()?, blocked, (&writer, &argv, Envp::empty()))?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// let line = std::io::read_to_string(reader)?;
    /// let mask = u64::from_str_radix(line.trim_start_matches("SigBlk:").trim(), 16)?;
    /// assert_ne!(mask & (1 << (SIGUSR1 - 1)), 0, "{line}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/sigprocmask.2.html)
    #[doc(alias = "rt_sigprocmask")]
    #[inline]
    pub fn sigprocmask(&self, how: u32, set: u64) -> Result<u64, Errno> {
        let mut old = 0u64;
        sys::sigprocmask(how, Some(&set), Some(&mut old))?;
        if self.saved_mask.get().is_none() {
            // The mask we started with was the spawning thread's: keep it for restore_sigmask.
            self.saved_mask.set(Some(old));
        }
        if how == k::SIG_SETMASK || set != 0 {
            self.mask_set.set(true);
        }
        Ok(old)
    }

    /// Restores the signal mask the parent thread had when it spawned this child.
    ///
    /// Where a signal could do harm before the child has reset the handlers (a `clone` or
    /// `clone3` without `CLONE_CLEAR_SIGHAND`, or a kernel older than 5.16, where a core dump
    /// of the child killed its parent too), the engine blocks every signal from before the
    /// clone, and the child starts with all of them blocked. On Linux ≥ 5.16 with
    /// `CLONE_CLEAR_SIGHAND` it does not: the child starts with the parent's mask and this
    /// makes no system call unless the child changed its mask with [`Ctx::sigprocmask`].
    ///
    /// The exec helpers ([`Ctx::execve`], [`Ctx::execveat`], [`Ctx::fexecve`],
    /// [`Ctx::execvp`]) call this as their last step unless the child set a mask itself, so the
    /// program starts with the parent's mask, as std's children do; call it earlier to have
    /// signals delivered (with default dispositions) before the exec.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::SIGTERM;
    /// use aspawn::{Ctx, Stack};
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// // With the caller's mask back, a signal is delivered before the exec (here: to itself).
    /// #[aspawn::child]
    /// fn terminate_self(cx: &Ctx) -> i32 {
    ///     if cx.restore_sigmask().is_err() {
    ///         return 1;
    ///     }
    ///     let Ok(me) = cx.getpid() else { return 2 };
    ///     let _ = cx.kill(me, SIGTERM);
    ///     3 // not reached: SIGTERM's default action ends the child
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, terminate_self, ())?;
    /// assert_eq!(spawned.wait_released()?.0.wait()?.signal(), Some(SIGTERM));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn restore_sigmask(&self) -> Result<(), Errno> {
        if let Some(mask) = self.saved_mask.get() {
            sys::sigprocmask(k::SIG_SETMASK, Some(&mask), None)?;
        }
        self.mask_set.set(true);
        Ok(())
    }

    /// Sets the disposition of `sig` to `SIG_DFL` (`rt_sigaction`).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::signal_ignore`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/sigaction.2.html)
    #[doc(alias = "sigaction")]
    #[inline]
    pub fn signal_default(&self, sig: i32) -> Result<(), Errno> {
        sys::set_disposition(sig, sys::SIG_DFL)
    }

    /// Sets the disposition of `sig` to `SIG_IGN` (kept across `execve`).
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{SIGINT, SIGTERM};
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// // The program starts with SIGTERM ignored (kept across `execve`) and SIGINT at its default.
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.signal_ignore(SIGTERM).context("ignore")?;
    ///     cx.signal_default(SIGINT).context("default")?;
    ///     cx.execve(c"/bin/sh", argv, envp).context("execve")
    /// }
    ///
    /// // Survives its own SIGTERM, then exits 7.
    /// let argv = ["sh", "-c", "kill -TERM $$; exit 7"];
    /// let spawned = aspawn::spawn!(Stack::new()?, run, (&argv, Envp::inherit()))?;
    /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/sigaction.2.html)
    #[doc(alias = "sigaction")]
    #[inline]
    pub fn signal_ignore(&self, sig: i32) -> Result<(), Errno> {
        sys::set_disposition(sig, sys::SIG_IGN)
    }

    /// `kill(pid, sig)`—Sends a signal.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::restore_sigmask`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/kill.2.html)
    #[inline]
    pub fn kill(&self, pid: i32, sig: i32) -> Result<(), Errno> {
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_kill, [pid as usize, sig as usize, 0, 0, 0, 0]) })
    }

    /// `prctl(PR_SET_PDEATHSIG, sig)`—Asks for `sig` when the parent *thread* dies: the
    /// thread that spawned, not the whole process.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::SIGKILL;
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// // The program is killed if the thread that spawned it ends first.
    /// #[aspawn::child]
    /// fn tied(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.prctl_set_pdeathsig(SIGKILL).context("prctl")?;
    ///     cx.execve(c"/bin/true", argv, envp).context("execve")
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, tied, (&["true"], Envp::empty()))?;
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html)
    #[doc(alias = "prctl")]
    #[inline]
    pub fn prctl_set_pdeathsig(&self, sig: i32) -> Result<(), Errno> {
        // SAFETY: no pointers.
        unit(unsafe {
            call(
                k::__NR_prctl,
                [linux_raw_sys::prctl::PR_SET_PDEATHSIG as usize, sig as usize, 0, 0, 0, 0],
            )
        })
    }

    /// `ioctl(fd, TIOCSCTTY, force)`—Makes the terminal `fd` this session's controlling terminal.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Ctx, Errno, Fd, Stack};
    ///
    /// // A session leader takes `tty` as its controlling terminal and puts itself in the foreground.
    /// // Given a pipe instead of a terminal, both calls fail with `ENOTTY`: exit 0 says they did.
    /// #[aspawn::child]
    /// fn take_terminal(cx: &Ctx, tty: Fd) -> i32 {
    ///     let Ok(sid) = cx.setsid() else { return 1 };
    ///     let a = cx.ioctl_tiocsctty(tty, false);
    ///     let b = cx.tcsetpgrp(tty, sid);
    ///     match (a, b) {
    ///         (Err(Errno::NOTTY), Err(Errno::NOTTY)) => 0,
    ///         _ => 2,
    ///     }
    /// }
    ///
    /// let (not_a_tty, _w) = std::io::pipe()?;
    /// let spawned = aspawn::spawn!(Stack::new()?, take_terminal, (&not_a_tty))?;
    /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/TIOCSCTTY.2const.html)
    #[doc(alias = "ioctl")]
    #[inline]
    pub fn ioctl_tiocsctty(&self, fd: Fd, force: bool) -> Result<(), Errno> {
        // SAFETY: TIOCSCTTY takes an int by value.
        unit(unsafe {
            call(
                k::__NR_ioctl,
                [
                    fd.as_raw() as usize,
                    linux_raw_sys::ioctl::TIOCSCTTY as usize,
                    force as usize,
                    0,
                    0,
                    0,
                ],
            )
        })
    }

    /// `tcsetpgrp(fd, pgrp)` (`ioctl(TIOCSPGRP)`)—Makes `pgrp` the terminal's foreground group.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::ioctl_tiocsctty`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man3/tcsetpgrp.3.html)
    #[inline]
    pub fn tcsetpgrp(&self, fd: Fd, pgrp: i32) -> Result<(), Errno> {
        // SAFETY: TIOCSPGRP reads a pid_t through the pointer to our local.
        unit(unsafe {
            call(
                k::__NR_ioctl,
                [
                    fd.as_raw() as usize,
                    linux_raw_sys::ioctl::TIOCSPGRP as usize,
                    &pgrp as *const i32 as usize,
                    0,
                    0,
                    0,
                ],
            )
        })
    }

    /// `chroot(path)`—Changes the root directory.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Ctx, Errno, Stack};
    ///
    /// // Exits 0 if it could enter the new root, else with the errno (`EPERM` unprivileged).
    /// #[aspawn::child]
    /// fn enter_root(cx: &Ctx) -> i32 {
    ///     match cx.chroot(c"/") {
    ///         Ok(()) => match cx.chdir(c"/") {
    ///             Ok(()) => 0,
    ///             Err(e) => e.raw_os_error(),
    ///         },
    ///         Err(e) => e.raw_os_error(),
    ///     }
    /// }
    ///
    /// let code = aspawn::spawn!(Stack::new()?, enter_root, ())?.wait_released()?.0.wait()?.code();
    /// assert!(code == Some(0) || code == Some(Errno::PERM.raw_os_error()), "{code:?}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/chroot.2.html)
    #[inline]
    pub fn chroot(&self, path: CStrRef) -> Result<(), Errno> {
        // SAFETY: placed or static C string.
        unit(unsafe { call(k::__NR_chroot, [path.as_ptr() as usize, 0, 0, 0, 0, 0]) })
    }

    /// `unshare(flags)`—Moves this process into new namespaces (`CLONE_NEW*`).
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::CLONE_NEWUTS;
    /// use aspawn::{Ctx, Errno, Stack};
    ///
    /// // Its own hostname namespace: needs `CAP_SYS_ADMIN` (`EPERM` without).
    /// #[aspawn::child]
    /// fn own_uts(cx: &Ctx) -> i32 {
    ///     match cx.unshare(CLONE_NEWUTS) {
    ///         Ok(()) => 0,
    ///         Err(e) => e.raw_os_error(),
    ///     }
    /// }
    ///
    /// let code = aspawn::spawn!(Stack::new()?, own_uts, ())?.wait_released()?.0.wait()?.code();
    /// assert!(code == Some(0) || code == Some(Errno::PERM.raw_os_error()), "{code:?}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/unshare.2.html)
    #[inline]
    pub fn unshare(&self, flags: u32) -> Result<(), Errno> {
        // SAFETY: no pointers.
        unit(unsafe { call(k::__NR_unshare, [flags as usize, 0, 0, 0, 0, 0]) })
    }

    /// `epoll_create1(flags)`—Makes an epoll instance, which [`epoll_ctl`](Ctx::epoll_ctl) and
    /// [`epoll_pwait`](Ctx::epoll_pwait) then accept. A child holds at most 4 at once: a fifth is
    /// closed again and refused with `EMFILE`.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLLIN, O_CLOEXEC};
    /// use aspawn::{Ctx, Errno, Fd, Stack};
    ///
    /// // Waits on a pipe of its own with an epoll instance of its own; exits with the event's data.
    /// // The parent's epoll fd (`parents`) is refused.
    /// #[aspawn::child]
    /// fn poll_own(cx: &Ctx, parents: Fd) -> i32 {
    ///     let Ok((r, w)) = cx.pipe2(O_CLOEXEC) else { return 1 };
    ///     let Ok(ep) = cx.epoll_create1(EPOLL_CLOEXEC) else { return 2 };
    ///     if cx.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN, 42).is_err() {
    ///         return 3;
    ///     }
    ///     match cx.epoll_ctl(parents, EPOLL_CTL_ADD, r, EPOLLIN, 0) {
    ///         Err(Errno::BADF) => {}
    ///         _ => return 4,
    ///     }
    ///     if cx.write(w, b"x").is_err() {
    ///         return 5;
    ///     }
    ///     match cx.epoll_pwait(ep, 1000) {
    ///         Ok(Some((_events, data))) => data as i32,
    ///         _ => 6,
    ///     }
    /// }
    ///
    /// // Any fd stands in for an epoll fd the parent owns: the child may only use its own.
    /// let parents = std::fs::File::open("/dev/null")?;
    /// let spawned = aspawn::spawn!(Stack::new()?, poll_own, (&parents))?;
    /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(42));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/epoll_create1.2.html)
    #[inline]
    pub fn epoll_create1(&self, flags: u32) -> Result<Fd, Errno> {
        // SAFETY: no pointers.
        let fd = fd_ret(unsafe { call(k::__NR_epoll_create1, [flags as usize, 0, 0, 0, 0, 0]) })?;
        if self.epolls.add(fd.as_raw()) {
            Ok(fd)
        } else {
            // SAFETY: no pointers; `fd` is the instance just made.
            let _ = unsafe { call(k::__NR_close, [fd.as_raw() as usize, 0, 0, 0, 0, 0]) };
            Err(Errno::MFILE)
        }
    }

    /// `epoll_ctl(epfd, op, fd, {events, data})`—Adds, changes or removes an interest.
    ///
    /// `epfd` must be an epoll instance this child made with
    /// [`epoll_create1`](Ctx::epoll_create1) (and has not closed or `dup2`'d over): any other
    /// fd, one inherited from the parent above all, is refused with `EBADF`. An inherited epoll
    /// fd is the parent's own event loop, whose registrations carry values the parent uses as
    /// pointers into its memory; changing one from the child would corrupt the parent.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::epoll_create1`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/epoll_ctl.2.html)
    #[inline]
    pub fn epoll_ctl(
        &self,
        epfd: Fd,
        op: u32,
        fd: Fd,
        events: u32,
        data: u64,
    ) -> Result<(), Errno> {
        self.epolls.check(epfd)?;
        let ev = EpollEvent { events, data };
        // SAFETY: `ev` is a live epoll_event with this arch's layout.
        unit(unsafe {
            call(
                k::__NR_epoll_ctl,
                [
                    epfd.as_raw() as usize,
                    op as usize,
                    fd.as_raw() as usize,
                    &ev as *const _ as usize,
                    0,
                    0,
                ],
            )
        })
    }

    /// `epoll_pwait(epfd, 1 event, timeout_ms, NULL)`—Waits for one event; `None` on timeout.
    ///
    /// As for [`epoll_ctl`](Ctx::epoll_ctl), `epfd` must be an epoll instance this child made:
    /// taking an event from the parent's event loop is refused with `EBADF`.
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::epoll_create1`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/epoll_pwait.2.html)
    #[inline]
    pub fn epoll_pwait(&self, epfd: Fd, timeout_ms: i32) -> Result<Option<(u32, u64)>, Errno> {
        self.epolls.check(epfd)?;
        let mut ev = EpollEvent { events: 0, data: 0 };
        // SAFETY: room for one event in `ev`; no signal mask.
        let n = unsafe {
            call(
                k::__NR_epoll_pwait,
                [epfd.as_raw() as usize, &mut ev as *mut _ as usize, 1, timeout_ms as usize, 0, 8],
            )
        }?;
        let (events, data) = (ev.events, ev.data);
        Ok(if n == 0 { None } else { Some((events, data)) })
    }

    /// `execve(path, argv, envp)`—Replaces this process with the program at `path`. Returns only
    /// on failure. A child that has not set its signal mask gets the parent's back first (see
    /// [`Ctx::restore_sigmask`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.execve(prog, argv, envp).context("execve")
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, run, ("/bin/sh", &["sh", "-c", "exit 5"], Envp::empty()))?;
    /// let (mut child, stack) = spawned.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(5));
    /// // A program that is not there: the errno comes back, named by the step.
    /// let spawned = aspawn::spawn!(stack, run, ("/no/such/program", &["x"], Envp::empty()))?;
    /// assert_eq!(spawned.wait_released().unwrap_err().to_string(),
    ///     "child failed before exec: execve: No such file or directory (os error 2)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/execve.2.html)
    #[inline]
    pub fn execve(&self, path: CStrRef, argv: Argv, envp: Envp) -> Result<Infallible, Errno> {
        self.mask_for_exec();
        self.tell_parent(NESTED_AT_EXEC);
        // SAFETY: placed, NULL-terminated arrays of placed C strings.
        let r = unsafe {
            call(
                k::__NR_execve,
                [path.as_ptr() as usize, argv.as_ptr() as usize, envp.as_ptr() as usize, 0, 0, 0],
            )
        };
        self.tell_parent(NESTED_RUNNING);
        Err(r.err().unwrap_or(Errno::IO))
    }

    /// `execveat(dirfd, path, argv, envp, flags)`—`execve` relative to a directory fd
    /// (`AT_EMPTY_PATH` with an empty `path` runs `dirfd` itself). Restores the parent's signal
    /// mask first, as [`Ctx::execve`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::consts::{O_CLOEXEC, O_DIRECTORY, O_PATH, O_RDONLY};
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// // `true` relative to an open `/bin`, then the same program through an fd of its own.
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, by_fd: bool, argv: Argv, envp: Envp) -> ChildResult {
    ///     let bin = cx.open(c"/bin", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0).context("open /bin")?;
    ///     if by_fd {
    ///         let prog = cx.openat(bin, c"true", O_PATH | O_CLOEXEC, 0).context("openat")?;
    ///         cx.fexecve(prog, argv, envp).context("fexecve")
    ///     } else {
    ///         cx.execveat(bin, c"true", argv, envp, 0).context("execveat")
    ///     }
    /// }
    ///
    /// let mut stack = Stack::new()?;
    /// for by_fd in [false, true] {
    ///     let spawned = aspawn::spawn!(stack, run, (by_fd, &["true"], Envp::empty()))?;
    ///     let (mut child, back) = spawned.wait_released()?;
    ///     assert!(child.wait()?.success());
    ///     stack = back;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/execveat.2.html)
    #[inline]
    pub fn execveat(
        &self,
        dirfd: Fd,
        path: CStrRef,
        argv: Argv,
        envp: Envp,
        flags: u32,
    ) -> Result<Infallible, Errno> {
        self.mask_for_exec();
        self.tell_parent(NESTED_AT_EXEC);
        // SAFETY: as in `execve`.
        let r = unsafe {
            call(
                k::__NR_execveat,
                [
                    dirfd.as_raw() as usize,
                    path.as_ptr() as usize,
                    argv.as_ptr() as usize,
                    envp.as_ptr() as usize,
                    flags as usize,
                    0,
                ],
            )
        };
        self.tell_parent(NESTED_RUNNING);
        Err(r.err().unwrap_or(Errno::IO))
    }

    /// `fexecve(fd, argv, envp)`—Runs the program open at `fd` (`execveat(fd, "", …, AT_EMPTY_PATH)`).
    ///
    /// # Examples
    ///
    /// In the example of [`Ctx::execveat`].
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man3/fexecve.3.html)
    #[inline]
    pub fn fexecve(&self, fd: Fd, argv: Argv, envp: Envp) -> Result<Infallible, Errno> {
        self.execveat(fd, CStrRef::from_static(c""), argv, envp, k::AT_EMPTY_PATH)
    }

    /// `execvp(file, argv, envp)`—Runs `file`, searched in the `PATH` of `envp` (`/bin:/usr/bin`
    /// when it has none), with glibc's rules: a `file` containing `/` is used as is; `EACCES` is remembered and returned only
    /// if nothing else worked; `ENOENT`, `ENOTDIR`, `ESTALE`, `ENODEV` and `ETIMEDOUT` move on to
    /// the next directory (the last of them is returned if nothing worked); any other error
    /// stops the search, `ENAMETOOLONG` for a candidate longer than `PATH_MAX` included. A
    /// directory entry that alone is `PATH_MAX` bytes or longer is skipped. No allocation: each
    /// candidate path is built in a `PATH_MAX` buffer on the child's stack. Restores the
    /// parent's signal mask first, as [`Ctx::execve`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, file: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.execvp(file, argv, envp).context("execvp")
    /// }
    ///
    /// // `sh` is found in the PATH the child's environment gives.
    /// let env = ["PATH=/nonexistent:/usr/bin:/bin"];
    /// let spawned = aspawn::spawn!(Stack::new()?, run, ("sh", &["sh", "-c", "exit 4"], &env))?;
    /// let (mut child, stack) = spawned.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(4));
    /// let spawned = aspawn::spawn!(stack, run, ("no-such-program", &["x"], &env))?;
    /// assert_eq!(spawned.wait_released().unwrap_err().errno(), aspawn::Errno::NOENT);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man3/execvp.3.html)
    #[inline(never)]
    pub fn execvp(&self, file: CStrRef, argv: Argv, envp: Envp) -> Result<Infallible, Errno> {
        let name = file.bytes();
        if name.is_empty() {
            return Err(Errno::NOENT);
        }
        if name.contains(&b'/') {
            return self.execve(file, argv, envp);
        }
        let path = find_path(envp);
        let mut buf = [0u8; PATH_MAX];
        let mut seen_eacces = false;
        let mut last = Errno::NOENT;
        for dir in path.split(|&b| b == b':') {
            if dir.len() >= PATH_MAX {
                continue; // glibc skips an entry it could not hold either
            }
            // An empty entry means the current directory.
            let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
            // Too long for the kernel: what its `execve` would say, which stops glibc too.
            let Some(candidate) = join(&mut buf, dir, name) else {
                return Err(Errno::NAMETOOLONG);
            };
            match self.execve(candidate, argv, envp) {
                Err(Errno::ACCESS) => seen_eacces = true,
                // Missing here, or the odd answers of network file systems (AFS, NFS): glibc
                // goes on to the next directory.
                Err(
                    e @ (Errno::NOENT
                    | Errno::NOTDIR
                    | Errno::STALE
                    | Errno::NODEV
                    | Errno::TIMEDOUT),
                ) => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(if seen_eacces { Errno::ACCESS } else { last })
    }

    /// `exit_group(code)`—Ends the child with `code`, without running any destructor or handler.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Stack};
    ///
    /// // Leaves with a code of its own: no destructor, no handler, no exec.
    /// #[aspawn::child]
    /// fn done(cx: &Ctx, code: i32) -> ChildResult {
    ///     cx.exit(code)
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, done, (12))?;
    /// assert_eq!(spawned.wait_released()?.0.wait()?.code(), Some(12));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/exit_group.2.html)
    #[doc(alias = "exit_group")]
    #[inline]
    pub fn exit(&self, code: i32) -> ! {
        self.tell_parent(NESTED_EXITING);
        sys::exit_group(code)
    }
}

/// `struct epoll_event`: packed on x86_64, naturally aligned elsewhere.
#[cfg_attr(target_arch = "x86_64", repr(C, packed))]
#[cfg_attr(not(target_arch = "x86_64"), repr(C))]
struct EpollEvent {
    events: u32,
    data: u64,
}

/// The value of `PATH` in `envp`, or the default `/bin:/usr/bin`.
#[inline(always)]
fn find_path(envp: Envp) -> &'static [u8] {
    let mut i = 0;
    while let Some(entry) = envp.get(i) {
        if let Some(rest) = entry.bytes().strip_prefix(b"PATH=") {
            // SAFETY: the placed strings live as long as the stack, i.e. for the child's lifetime;
            // `'static` here never escapes the child.
            return unsafe { core::slice::from_raw_parts(rest.as_ptr(), rest.len()) };
        }
        i += 1;
    }
    b"/bin:/usr/bin"
}

/// Writes `dir/name\0` into `buf`; `None` if it does not fit.
#[inline(always)]
fn join(buf: &mut [u8; PATH_MAX], dir: &[u8], name: &[u8]) -> Option<CStrRef> {
    let total = dir.len().checked_add(name.len())?.checked_add(2)?;
    if total > buf.len() {
        return None;
    }
    let p = buf.as_mut_ptr();
    // SAFETY: `total <= buf.len()`, so every write below is inside `buf`; sources are live slices
    // that do not overlap `buf`.
    unsafe {
        core::ptr::copy_nonoverlapping(dir.as_ptr(), p, dir.len());
        p.add(dir.len()).write(b'/');
        core::ptr::copy_nonoverlapping(name.as_ptr(), p.add(dir.len() + 1), name.len());
        p.add(total - 1).write(0);
        Some(CStrRef::from_placed(core::ptr::NonNull::new_unchecked(p), total - 1))
    }
}
