//! tokio support (feature `tokio`): wait for a release, a child's exit and a command's output
//! in tokio's reactor — through the report pipe and the pidfd, with no `SIGCHLD` handler and
//! no blocking thread.
//!
//! - [`Spawned::released`] and [`PendingChild::released`]: the release, awaited;
//! - [`Child::wait_async`](crate::Child::wait_async): the exit, awaited on the pidfd;
//! - the reactor wait every async handle uses ([`crate::Command::spawn_async`] and the rest
//!   are in `tokio/spawn.rs`, [`AsyncChild`](crate::AsyncChild) in `tokio/child.rs`).
//!
//! Everything here needs a tokio runtime with its IO driver (`enable_io`/`enable_all`); like
//! tokio's own types, it panics outside one.
//!
//! # Safety
//!
//! tokio's `AsyncFd::register_with_interest` is `unsafe`: the fd must stay open, and the same
//! file, while registered. Every registration here is a local of an `async fn` whose `&mut self`
//! (or `self`) owns the fd — the report pipe of a `Spawned`, the pidfd of a `Child` — or
//! which borrows the fd (`readable`, used by `AsyncChild` and its reaper), and the
//! registration is dropped before the function returns, so before its owner can close the fd.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::process::ExitStatus;

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use crate::command::{self, PendingChild};
use crate::spawned::{Child, Released, Spawned};
#[allow(unused_imports)] // named by the docs
use crate::stack::Stack;

/// An fd number registered with tokio without ownership; its owner outlives the registration.
struct Registered(RawFd);

/// Registers `fd` for readability.
///
/// # Safety
///
/// `fd` must stay open (and the same file) until the returned `AsyncFd` is dropped.
unsafe fn register(fd: RawFd) -> io::Result<AsyncFd<Registered>> {
    // SAFETY: the caller keeps `fd` open while the registration lives.
    unsafe { AsyncFd::register_with_interest(Registered(fd), Interest::READABLE) }
        .map_err(|e| e.into())
}

/// Waits until `fd` is readable (or hung up), in tokio's reactor. The registration lives
/// inside this future, which borrows `fd`: its owner keeps it open meanwhile.
pub(crate) async fn readable(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: `fd` is borrowed for as long as this future lives, and `afd` lives no longer.
    let afd = unsafe { register(fd.as_raw_fd()) }?;
    afd.readable().await.map(drop)
}

impl AsRawFd for Registered {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// Gives `done`'s value, waiting for `fd` to become readable (or hung up) while it has none.
///
/// `fd` must stay open until this returns (the caller owns it).
async fn ready_then<T>(
    fd: RawFd,
    mut done: impl FnMut() -> io::Result<Option<T>>,
) -> io::Result<T> {
    if let Some(v) = done()? {
        return Ok(v);
    }
    // SAFETY: the caller owns `fd` until this function returns; `afd` is dropped before.
    let afd = unsafe { register(fd) }?;
    loop {
        let mut guard = afd.readable().await?;
        if let Some(v) = done()? {
            return Ok(v);
        }
        guard.clear_ready();
    }
}

impl Spawned {
    /// Waits, in tokio's reactor, until the child has exec'd or exited: the async
    /// [`Spawned::wait_released`]. Dropping the future drops the handle (which never frees the
    /// stack under a running child).
    ///
    /// It waits in the reactor on the wake-up fd, so spawn with [`Stack::with_release_fd`]
    /// (`Command::spawn_async` does); without it, the wait runs on tokio's blocking pool.
    ///
    /// ```
    /// # #[cfg(feature = "tokio")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn run(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.restore_sigmask().context("sigprocmask")?;
    ///     cx.execve(c"/bin/true", argv, envp).context("execve")
    /// }
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let spawned =
    ///         aspawn::spawn!(Stack::new()?.with_release_fd(), run, (&["true"], Envp::inherit()))?;
    ///     let (mut child, _stack) = spawned.released().await?;
    ///     assert!(child.wait_async().await?.success());
    ///     Ok(())
    /// })
    /// # }
    /// # #[cfg(not(feature = "tokio"))]
    /// # fn main() {}
    /// ```
    pub async fn released(mut self) -> Released {
        if let Some(r) = self.try_released() {
            return r;
        }
        // Without the wake-up fd (a spawn without `with_release_fd`), a blocking thread waits.
        let Some(fd) = self.release_fd().map(|fd| fd.as_raw_fd()) else {
            return blocking(self).await;
        };
        // SAFETY: `self` owns the report pipe's read end and outlives `afd` (declared later,
        // dropped first, and dropped explicitly before `self` moves).
        let afd = match unsafe { register(fd) } {
            Ok(afd) => afd,
            // No reactor to register with: wait on a blocking thread instead.
            Err(_) => return blocking(self).await,
        };
        // Nothing writes to the pipe: readable means POLLHUP, which comes only after the kernel
        // cleared the word. Should a wake-up ever come first, the futex wait is the truth
        // (docs/SOUNDNESS.md item 9): finish on a blocking thread rather than wait for an edge that a
        // hung-up pipe never gives again.
        if afd.readable().await.is_ok()
            && let Some(r) = self.try_released()
        {
            return r;
        }
        drop(afd);
        blocking(self).await
    }
}

async fn blocking(s: Spawned) -> Released {
    match tokio::task::spawn_blocking(move || s.wait_released()).await {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl Child {
    /// Waits, in tokio's reactor, for the child to exit (its pidfd becomes readable), then
    /// reaps it: the async [`Child::wait`]. No `SIGCHLD` handler, no blocking thread.
    ///
    /// A child spawned without a pidfd gets one here (`pidfd_open`), before it is reaped: as
    /// exact as a wait by pid (see [`Child`]).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("sh").args(["-c", "exit 4"]).spawn()?;
    ///     assert_eq!(child.wait_async().await?.code(), Some(4));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub async fn wait_async(&mut self) -> io::Result<ExitStatus> {
        if let Some(s) = self.try_wait()? {
            return Ok(s);
        }
        // `self` owns the pidfd for as long as the registration lives.
        let fd = self.pidfd_or_open()?.as_raw_fd();
        ready_then(fd, || self.try_wait()).await
    }
}

impl PendingChild {
    /// Waits, in tokio's reactor, for the release: the async [`PendingChild::wait_released`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use aspawn::Command;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let pending = Command::new("sh").args(["-c", "exit 6"]).spawn_nowait()?;
    ///     let mut child = pending.released().await?;
    ///     assert_eq!(child.wait_async().await?.code(), Some(6));
    ///     let pending = Command::new("/nonexistent/aspawn-doc").spawn_nowait()?;
    ///     assert_eq!(pending.released().await.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub async fn released(self) -> io::Result<command::Child> {
        let (spawned, pipes) = self.into_parts();
        command::finish(pipes, spawned.released().await)
    }
}
