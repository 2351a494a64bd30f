//! Handles: [`Spawned`] (a child that may still run on our stack), [`Child`] (a running process,
//! waited by pid, or through its pidfd when the spawn took one) and [`ChildFailed`] (the child's typed report of why it did not exec).
//!
//! # Safety
//!
//! `Spawned` owns the stack while the child may use it. It hands the stack back only after the
//! kernel has cleared the `CLONE_CHILD_CLEARTID` word (`soundness` item 9), and when dropped before
//! that it parks the stack in a graveyard that unmaps it later, once the word is clear — never
//! while the child may still read it (item 8). `mem::forget` on a `Spawned` only leaks.
#![allow(unsafe_code)]

use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustix::process::{Signal, WaitId, WaitIdOptions};

#[allow(unused_imports)] // named by the docs
pub use crate::child::Child;
use crate::child::pid_of;
use crate::contract::ChildFn;
use crate::engine::{CloneMode, Started};
use crate::error::{Errno, Failure};
use crate::placer::Placer;
use crate::spawn_error::SpawnError;
use crate::stack::{Launch, Stack};

/// A child that has been cloned and may not have exec'd yet. Returned by `spawn!` at once.
///
/// The child runs on the [`Stack`] this handle owns. [`Spawned::wait_released`] (or
/// [`Spawned::try_released`], or `released().await` with the `tokio` feature) gives back the
/// [`Child`] and the stack once the child has exec'd or exited — or a [`ChildFailed`] when it
/// reported a failure. [`Spawned::wait`] gives the same once the child has exited, reaped,
/// in one sleep where only the status matters.
///
/// Until it execs, the child holds a copy of every fd the parent had at the clone, `O_CLOEXEC` or
/// not, as a forked child does: a pipe's write end stays open (no EOF yet), and a file another
/// thread was writing cannot be exec'd (`ETXTBSY`) until the child has exec'd or exited.
///
/// By default the spawn made no fd at all: the release is waited for on the futex word the kernel
/// clears at the child's exec or exit, and the child by pid. [`Stack::with_pidfd`] and
/// [`Stack::with_release_fd`] ask for a pidfd and for the wake-up fd of event loops.
///
/// Dropping a `Spawned` before its release neither waits nor unmaps: the stack is parked and
/// freed (or returned to its pool) by a later spawn once the child has exec'd or exited, and a
/// child that exits is reaped then.
///
/// ```
/// use aspawn::{Ctx, Stack};
///
/// #[aspawn::child]
/// fn exit_with(_cx: &Ctx, code: i32) -> i32 {
///     code
/// }
///
/// let spawned = aspawn::spawn!(Stack::new()?, exit_with, (4))?;
/// let (mut child, stack) = spawned.wait_released()?; // the child has exited: released
/// assert_eq!(child.wait()?.code(), Some(4));
/// // The same stack serves the next spawn.
/// let (mut child, _stack) = aspawn::spawn!(stack, exit_with, (5))?.wait_released()?;
/// assert_eq!(child.wait()?.code(), Some(5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a Spawned owns the child's stack: wait for its release to reuse the stack"]
pub struct Spawned {
    pid: i32,
    pidfd: Option<OwnedFd>,
    /// The wake-up pipe's read end, with [`Stack::with_release_fd`]; the parent's copy of the
    /// write end was closed right after the clone, so the child holds the only one.
    report_r: Option<OwnedFd>,
    stack: Option<Stack>,
    mode: CloneMode,
}

/// What a release gives: the running (or exited) child and the stack, or the child's failure.
///
/// A child is *released* once it has exec'd or exited: it no longer runs on the stack, which
/// then comes back to the caller.
///
/// ```
/// use aspawn::{ChildResult, Ctx, Errno, Released, Stack};
///
/// #[aspawn::child]
/// fn fail(_cx: &Ctx) -> ChildResult {
///     Err(aspawn::Failure::new(Errno::PERM, "my step"))
/// }
///
/// let released: Released = aspawn::spawn!(Stack::new()?, fail, ())?.wait_released();
/// match released {
///     Ok((mut child, _stack)) => panic!("exec'd or exited: {:?}", child.wait()),
///     Err(failed) => assert_eq!((failed.errno(), failed.step()), (Errno::PERM, "my step")),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Released = Result<(Child, Stack), ChildFailed>;

impl Spawned {
    /// Frees what dropped, unreleased `Spawned`s left behind, then starts `F` through the
    /// engine, with the arguments `place` puts into the stack.
    pub(crate) fn launch<F, P>(launch: impl Into<Launch>, place: P) -> Result<Spawned, SpawnError>
    where
        F: ChildFn,
        P: FnOnce(&mut Placer<'_>) -> Result<F::Args, SpawnError>,
    {
        // One load when no unreleased `Spawned` was dropped.
        sweep_graveyard();
        let Started { pid, pidfd, report_r, stack, mode } =
            crate::engine::spawn::<F, P>(launch, place)?;
        Ok(Spawned { pid, pidfd, report_r, stack: Some(stack), mode })
    }

    /// The child's process id, known at once.
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, exit_0, ())?;
    /// let pid = spawned.pid();
    /// let (child, _stack) = spawned.wait_released()?;
    /// assert_eq!(child.pid(), pid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The child's pidfd (`CLONE_PIDFD`): pollable, immune to pid reuse. `None` when the spawn
    /// took none (it does with [`Stack::with_pidfd`] only), and once [`Spawned::try_released`]
    /// has returned `Some`: the pidfd then belongs to the [`Child`] (or [`ChildFailed`]) it gave.
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let plain = aspawn::spawn!(Stack::new()?, exit_0, ())?;
    /// assert!(plain.pidfd().is_none()); // no fd made by default
    /// let with = aspawn::spawn!(Stack::new()?.with_pidfd(), exit_0, ())?;
    /// assert!(with.pidfd().is_some());
    /// for spawned in [plain, with] {
    ///     assert!(spawned.wait_released()?.0.wait()?.success());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.pidfd.as_ref().map(|fd| fd.as_fd())
    }

    /// Which clone the engine used for this child: the first of the [`CloneMode`]s the kernel
    /// accepted, or the one `ASPAWN_CLONE_MODE` forced (see the crate docs).
    ///
    /// ```
    /// use aspawn::{CloneMode, Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, exit_0, ())?;
    /// let mode = spawned.clone_mode();
    /// assert!(matches!(mode, CloneMode::Clone3ClearSighand | CloneMode::Clone3 | CloneMode::Legacy));
    /// assert!(spawned.wait_released()?.0.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clone_mode(&self) -> CloneMode {
        self.mode
    }

    /// The fd that becomes readable (`POLLHUP`) when the child has exec'd or exited, for event
    /// loops; after it fires, [`Spawned::try_released`] returns `Some`. `None` unless the spawn
    /// made it ([`Stack::with_release_fd`]): without it, wait with [`Spawned::wait_released`],
    /// [`Spawned::wait_released_timeout`] or poll [`Spawned::try_released`].
    ///
    /// Nothing but the child's exec or exit fires it: the parent kept no copy of the write end
    /// (so no process cloned or forked later holds one), and the child's `Ctx` refuses to write
    /// it, duplicate it, close it or replace it (`EBADF`); the copy it holds is close-on-exec.
    /// One window remains, as for every pipe a spawn makes (std's stdio pipes too): a process
    /// that *another thread* forks or clones while this spawn is under way, between the pipe's
    /// creation and the close of the parent's copy (microseconds), holds a copy until it execs
    /// or exits, and the wake-up waits for that too. It never fires early.
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    /// use std::io::Read;
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let mut spawned = aspawn::spawn!(Stack::new()?.with_release_fd(), exit_0, ())?;
    /// // An event loop would poll the fd; a blocking read of it ends (0 bytes) at the hang-up.
    /// let fd = spawned.release_fd().expect("asked for").try_clone_to_owned()?;
    /// assert_eq!(std::fs::File::from(fd).read(&mut [0u8; 1])?, 0);
    /// let (mut child, _stack) = spawned.try_released().expect("the fd hung up")?;
    /// assert!(child.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn release_fd(&self) -> Option<BorrowedFd<'_>> {
        self.report_r.as_ref().map(|fd| fd.as_fd())
    }

    fn is_released(&self) -> bool {
        match &self.stack {
            Some(s) => s.header().busy_word().is_none(),
            None => true,
        }
    }

    /// `Some` once the child has exec'd or exited, and so has every task it made with
    /// `Ctx::spawn` that could still run on the stack (at most once: the handle is spent after).
    ///
    /// ```
    /// use aspawn::{Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let mut spawned = aspawn::spawn!(Stack::new()?, exit_0, ())?;
    /// let (mut child, _stack) = loop {
    ///     match spawned.try_released() {
    ///         Some(released) => break released?,
    ///         None => std::thread::yield_now(), // still before its exec or exit: do other work
    ///     }
    /// };
    /// assert!(spawned.try_released().is_none()); // spent
    /// assert!(child.wait()?.success());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_released(&mut self) -> Option<Released> {
        if self.stack.is_none() || !self.is_released() {
            return None;
        }
        Some(self.take_released())
    }

    /// Blocks until the child has exec'd or exited; gives back the child and the stack, or the
    /// child's reported failure.
    ///
    /// A child that never execs (blocked forever before `execve`) makes this wait forever: use
    /// [`Spawned::wait_released_timeout`] and [`Spawned::kill`] where that can happen.
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, CStrRef, Ctx, Envp, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.execve(prog, argv, envp).context("execve")
    /// }
    ///
    /// // Released at the exec: the child and the stack come back.
    /// let spawned = aspawn::spawn!(Stack::new()?, run, (c"/bin/true", &["true"], Envp::empty()))?;
    /// let (mut child, stack) = spawned.wait_released()?;
    /// assert!(child.wait()?.success());
    ///
    /// // A failed exec comes back typed, with the stack.
    /// let spawned = aspawn::spawn!(stack, run, (c"/nonexistent", &["x"], Envp::empty()))?;
    /// let failed = spawned.wait_released().unwrap_err();
    /// assert_eq!((failed.errno(), failed.step()), (Errno::NOENT, "execve"));
    /// let _stack = failed.into_stack();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_released(mut self) -> Released {
        self.wait_word(None);
        self.take_released()
    }

    /// Waits for the child to *exit* and reaps it, then gives back what
    /// [`Spawned::wait_released`] gives: the stack, or the child's reported failure. The
    /// [`Child`] in it is already reaped, so its [`Child::wait`] returns the status at once.
    ///
    /// Where only the status matters, this sleeps once, where `wait_released` followed by
    /// `Child::wait` sleeps twice (woken at the exec, then at the exit). A spawn right after a
    /// double sleep was measured 0.6 µs slower in its `clone3` here, the parent's caches colder.
    ///
    /// The wait goes through the child's pidfd when the spawn took one, else by pid, with the
    /// exposure [`Child`] describes: if a foreign reaper (`SIGCHLD = SIG_IGN`, another
    /// library's `waitpid(-1)`) took the child first, the returned child's `wait` fails with
    /// `ECHILD`, as std's would; the stack still comes back, once every task that ran on it is
    /// gone. A child that never exits makes this wait forever.
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, CStrRef, Ctx, Envp, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.execve(prog, argv, envp).context("execve")
    /// }
    ///
    /// let spawned = aspawn::spawn!(Stack::new()?, run, (c"/bin/sh", &["sh", "-c", "exit 3"], Envp::empty()))?;
    /// let (mut child, stack) = spawned.wait()?;
    /// assert_eq!(child.wait()?.code(), Some(3)); // reaped already: no syscall
    ///
    /// // A failed exec still comes back typed, its child reaped too.
    /// let spawned = aspawn::spawn!(stack, run, (c"/nonexistent", &["x"], Envp::empty()))?;
    /// let mut failed = spawned.wait().unwrap_err();
    /// assert_eq!((failed.errno(), failed.step()), (Errno::NOENT, "execve"));
    /// assert_eq!(failed.child().wait()?.code(), Some(127));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait(mut self) -> Released {
        let mut child = Child::new(self.pid, self.pidfd.take());
        // An error (`ECHILD`: taken by a foreign reaper) is the child's to report again.
        let _ = child.wait();
        // Usually clear already: the kernel clears the word at the exit. A grandchild made with
        // `Ctx::spawn` can still run on the stack after a killed child, so wait for every level.
        self.wait_word(None);
        self.take_released_as(child)
    }

    /// Waits at most `timeout` for the release; `Err(self)` if the child is still before exec.
    ///
    /// ```
    /// use aspawn::{Ctx, Fd, Stack};
    /// use std::time::Duration;
    ///
    /// // Blocks in `read` until the parent writes a byte (or closes the pipe).
    /// #[aspawn::child]
    /// fn wait_for_byte(cx: &Ctx, input: Fd) -> i32 {
    ///     let mut buf = [0u8; 1];
    ///     match cx.read(input, &mut buf) {
    ///         Ok(1) => 0,
    ///         _ => 1,
    ///     }
    /// }
    ///
    /// let (reader, mut writer) = std::io::pipe()?;
    /// let spawned = aspawn::spawn!(Stack::new()?, wait_for_byte, (&reader))?;
    /// let spawned = spawned.wait_released_timeout(Duration::from_millis(10)).unwrap_err();
    /// std::io::Write::write_all(&mut writer, b"x")?; // now it can go on and exit
    /// let (mut child, _stack) = spawned.wait_released_timeout(Duration::MAX).expect("released")?;
    /// assert_eq!(child.wait()?.code(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_released_timeout(mut self, timeout: Duration) -> Result<Released, Spawned> {
        if self.wait_word(Some(timeout)) { Ok(self.take_released()) } else { Err(self) }
    }

    /// Sends `SIGKILL` to the child, through its pidfd when it has one, else by pid (the child
    /// is not reaped before its release is taken, so the pid is still its own unless a foreign
    /// reaper took it: see [`Child`]). The stack comes back once the child has exited and every
    /// grandchild it made with `Ctx::spawn` has exec'd or exited (a grandchild is not killed
    /// with it). Once [`Spawned::try_released`] has returned `Some`, fails with `ESRCH`: use the
    /// [`Child`] it gave.
    ///
    /// ```
    /// use aspawn::{Ctx, Fd, Stack};
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// #[aspawn::child]
    /// fn block_in_read(cx: &Ctx, input: Fd) -> i32 {
    ///     let mut buf = [0u8; 1];
    ///     let _ = cx.read(input, &mut buf);
    ///     0
    /// }
    ///
    /// let (reader, _writer) = std::io::pipe()?; // kept open: the read never ends by itself
    /// let spawned = aspawn::spawn!(Stack::new()?, block_in_read, (&reader))?;
    /// spawned.kill()?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// assert_eq!(child.wait()?.signal(), Some(9)); // SIGKILL
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kill(&self) -> io::Result<()> {
        if self.stack.is_none() {
            return Err(io::Error::from_raw_os_error(Errno::SRCH.raw_os_error()));
        }
        match self.pidfd() {
            Some(pidfd) => rustix::process::pidfd_send_signal(pidfd, Signal::KILL),
            None => rustix::process::kill_process(pid_of(self.pid), Signal::KILL),
        }
        .map_err(Into::into)
    }

    /// Futex-waits on the header words (a shared futex: the kernel's wake at exec/exit is
    /// shared), in level order, until every one is clear. A timeout too large for an `Instant`
    /// waits without limit, as std's `recv_timeout` does.
    fn wait_word(&self, timeout: Option<Duration>) -> bool {
        let Some(stack) = &self.stack else { return true };
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            let Some(word) = stack.header().busy_word() else { return true };
            let v = word.load(Ordering::Acquire);
            if v == 0 {
                continue;
            }
            let left = match deadline {
                None => None,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return false,
                },
            };
            let ts = left.map(|l| rustix::thread::futex::Timespec {
                tv_sec: l.as_secs() as _,
                tv_nsec: l.subsec_nanos() as _,
            });
            // EAGAIN (the word changed), EINTR and ETIMEDOUT all lead back to the check above.
            let _ = rustix::thread::futex::wait(
                word,
                rustix::thread::futex::Flags::empty(),
                v,
                ts.as_ref(),
            );
        }
    }

    fn take_released(&mut self) -> Released {
        let child = Child::new(self.pid, self.pidfd.take());
        self.take_released_as(child)
    }

    /// [`Spawned::take_released`] with the child handle already made (and maybe reaped).
    fn take_released_as(&mut self, child: Child) -> Released {
        let stack = self.stack.take().expect("released only once");
        let h = stack.header();
        // Every task that ran on the stack is gone from our memory.
        crate::engine::dumpable::settle(h.cred_marks.swap(0, Ordering::Relaxed));
        let raw = h.errno.load(Ordering::Acquire);
        if raw == 0 {
            return Ok((child, stack));
        }
        let ptr = h.step_ptr.load(Ordering::Relaxed) as *const u8;
        let len = h.step_len.load(Ordering::Relaxed);
        // SAFETY: the child stored a `&'static str` of this same address space (CLONE_VM) into
        // the header before exiting, and nothing else writes there.
        let step = unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(ptr, len)) };
        let errno =
            if (1..4096).contains(&raw) { Errno::from_raw_os_error(raw) } else { Errno::IO };
        Err(ChildFailed {
            failure: Failure::new(errno, step),
            child: Some(child),
            stack: Some(stack),
        })
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let Some(stack) = self.stack.take() else { return };
        // A child without a pidfd gets one now, while it is still unreaped (so its pid is its
        // own, unless a foreign reaper took it): the sweeps that reap it later must not reap
        // another child that reused the pid meanwhile. Gone already (`ESRCH`): nothing to reap.
        // No fd free: reap by pid, as a wait by pid would.
        let (pidfd, reap) = match self.pidfd.take() {
            Some(fd) => (Some(fd), true),
            None => match rustix::process::pidfd_open(
                pid_of(self.pid),
                rustix::process::PidfdFlags::empty(),
            ) {
                Ok(fd) => (Some(fd), true),
                Err(Errno::SRCH) => (None, false),
                Err(_) => (None, true),
            },
        };
        let grave = Grave { stack: Some(stack), pid: self.pid, pidfd, reap, tries: 0 };
        let mut graveyard = GRAVEYARD.lock().unwrap_or_else(|e| e.into_inner());
        graveyard.push(grave);
        graveyard.retain_mut(Grave::still_busy);
        GRAVES.store(graveyard.len(), Ordering::Release);
    }
}

/// A dropped, unreleased `Spawned`: its stack, unmapped (or pooled) once no task runs on it
/// (never before, `soundness` item 8), and its child, reaped once it has exited.
struct Grave {
    stack: Option<Stack>,
    pid: i32,
    /// The child's pidfd: the spawn's, or one opened at the drop; otherwise it is reaped by pid.
    pidfd: Option<OwnedFd>,
    /// The child is still to be reaped (within `tries` sweeps once the stack is free).
    reap: bool,
    /// Sweeps left to reap the child once its stack is free.
    tries: u8,
}

impl Grave {
    /// Frees what can be freed; `true` while something is left.
    ///
    /// Once the stack is free, the child has exec'd, or exited, or been killed. One that left
    /// through its own exit (it said so in the header) is a zombie within moments: it is reaped
    /// by one of the next sweeps. Otherwise one attempt reaps a child that was killed; one that
    /// has exec'd is let go unreaped, as dropping a std `Child` does. Each grave costs at most a
    /// few `waitid`s.
    fn still_busy(&mut self) -> bool {
        if let Some(stack) = &self.stack {
            let h = stack.header();
            if h.busy_word().is_some() {
                return true;
            }
            crate::engine::dumpable::settle(h.cred_marks.swap(0, Ordering::Relaxed));
            self.tries = if h.exit_state.load(Ordering::Acquire) == crate::stack::NESTED_EXITING {
                64
            } else {
                1
            };
            self.stack = None;
        }
        if self.reap {
            let id = match &self.pidfd {
                Some(pidfd) => WaitId::PidFd(pidfd.as_fd()),
                None => WaitId::Pid(pid_of(self.pid)),
            };
            match rustix::process::waitid(id, WaitIdOptions::EXITED | WaitIdOptions::NOHANG) {
                // Not exited yet.
                Ok(Some(st)) if st.raw_signo() == 0 => {}
                Ok(None) | Err(Errno::INTR) => {}
                // Reaped, or not ours to reap any more (ECHILD: someone else's waitpid).
                _ => self.tries = 0,
            }
            self.tries = self.tries.saturating_sub(1);
            if self.tries == 0 {
                self.pidfd = None;
                self.reap = false;
            }
        }
        self.reap
    }
}

/// Dropped, unreleased `Spawned`s, swept whenever one is dropped, on every spawn and on every
/// [`StackPool::get`](crate::StackPool::get).
static GRAVEYARD: Mutex<Vec<Grave>> = Mutex::new(Vec::new());
/// `GRAVEYARD.len()`, read without the lock so that a spawn with an empty graveyard pays one load.
static GRAVES: AtomicUsize = AtomicUsize::new(0);

/// Frees the stacks of dropped `Spawned`s whose tasks are gone and reaps their exited children.
#[inline]
pub(crate) fn sweep_graveyard() {
    if GRAVES.load(Ordering::Acquire) == 0 {
        return;
    }
    sweep_slow();
}

#[cold]
fn sweep_slow() {
    // `try_lock`: a sweep is never worth waiting for.
    let Ok(mut graveyard) = GRAVEYARD.try_lock() else { return };
    graveyard.retain_mut(Grave::still_busy);
    GRAVES.store(graveyard.len(), Ordering::Release);
}

impl fmt::Debug for Spawned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawned")
            .field("pid", &self.pid)
            .field("released", &self.is_released())
            .finish_non_exhaustive()
    }
}

/// A child's report that it gave up before `execve`: the errno, the step (from `.context`), the
/// child (already exiting with status 127) and the stack, ready for reuse.
///
/// Dropping it reaps the child, so a failed spawn leaves no zombie.
///
/// ```
/// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
///
/// #[aspawn::child]
/// fn enter(cx: &Ctx) -> ChildResult {
///     cx.chdir(c"/nonexistent").context("chdir")?;
///     cx.exit(0)
/// }
///
/// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
/// assert_eq!(failed.to_string(), "child failed before exec: chdir: No such file or directory (os error 2)");
/// let io: std::io::Error = failed.into(); // the errno, for `?` in io::Result code
/// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ChildFailed {
    failure: Failure,
    child: Option<Child>,
    stack: Option<Stack>,
}

impl ChildFailed {
    /// The errno of the failed step.
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// assert_eq!(failed.errno(), Errno::NOENT);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn errno(&self) -> Errno {
        self.failure.errno()
    }

    /// The step that failed, as named by `.context(…)` in the child.
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// assert_eq!(failed.step(), "chdir");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn step(&self) -> &'static str {
        self.failure.step()
    }

    /// The failure (errno and step).
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// assert_eq!(failed.failure(), aspawn::Failure::new(Errno::NOENT, "chdir"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn failure(&self) -> Failure {
        self.failure
    }

    /// The child process, exiting (status 127).
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let mut failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// assert_eq!(failed.child().wait()?.code(), Some(127));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("present until taken")
    }

    /// Takes the stack back for reuse; the child is reaped when `self` is dropped.
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// let stack = failed.into_stack();
    /// assert_eq!(stack.size(), Stack::DEFAULT_SIZE);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_stack(mut self) -> Stack {
        self.stack.take().expect("present until taken")
    }

    /// Splits into the child (not yet reaped) and the stack.
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// let (mut child, _stack) = failed.into_parts();
    /// assert_eq!(child.wait()?.code(), Some(127)); // ours to reap now
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_parts(mut self) -> (Child, Stack) {
        (self.child.take().expect("present"), self.stack.take().expect("present"))
    }
}

impl Drop for ChildFailed {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.wait();
        }
    }
}

impl fmt::Debug for ChildFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildFailed")
            .field("errno", &self.failure.errno())
            .field("step", &self.failure.step())
            .field("pid", &self.child.as_ref().map(|c| c.pid()))
            .finish()
    }
}

impl fmt::Display for ChildFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "child failed before exec: {}", self.failure)
    }
}

impl std::error::Error for ChildFailed {}

impl From<ChildFailed> for io::Error {
    fn from(e: ChildFailed) -> io::Error {
        io::Error::from_raw_os_error(e.errno().raw_os_error())
    }
}
