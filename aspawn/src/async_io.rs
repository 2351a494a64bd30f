//! tokio support (feature `tokio`): wait for a release, a child's exit and a command's output
//! in tokio's reactor — through the report pipe and the pidfd, with no `SIGCHLD` handler and
//! no blocking thread.
//!
//! - [`Spawned::released`] and [`PendingChild::released`]: the release, awaited;
//! - [`Child::wait_async`](crate::Child::wait_async): the exit, awaited on the pidfd;
//! - [`Command::spawn_async`], [`Command::status_async`], [`Command::output_async`], and
//!   [`AsyncChild`] with tokio's own `ChildStdin`/`ChildStdout`/`ChildStderr`.
//!
//! Everything here needs a tokio runtime with its IO driver (`enable_io`/`enable_all`); like
//! tokio's own types, it panics outside one.
//!
//! # Safety
//!
//! tokio's `AsyncFd::register_with_interest` is `unsafe`: the fd must stay open, and the same
//! file, while registered. Every registration here is a local of an `async fn` whose `&mut self`
//! (or `self`) owns the fd — the report pipe of a `Spawned`, the pidfd of a `Child` — and the
//! registration is dropped before the function returns, so before its owner can close the fd.
#![allow(unsafe_code)]

use std::future::{Future, poll_fn};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::{Pin, pin};
use std::process::{ExitStatus, Output};
use std::task::Poll;

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, Interest, ReadBuf};

use crate::command::{self, Command, PendingChild};
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
    pub async fn released(self) -> io::Result<command::Child> {
        let (spawned, pipes) = self.into_parts();
        command::finish(pipes, spawned.released().await)
    }
}

impl Command {
    /// Spawns the child and awaits its `execve` in tokio's reactor (the thread is never
    /// parked); the pipes come back as tokio's types.
    ///
    /// ```
    /// # #[cfg(feature = "tokio")]
    /// # fn main() -> std::io::Result<()> {
    /// use aspawn::{Command, Stdio};
    /// use tokio::io::AsyncReadExt;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = Command::new("echo").arg("async").stdout(Stdio::piped()).spawn_async().await?;
    ///     let mut s = String::new();
    ///     child.stdout.take().unwrap().read_to_string(&mut s).await?;
    ///     assert_eq!(s, "async\n");
    ///     assert!(child.wait().await?.success());
    ///     Ok(())
    /// })
    /// # }
    /// # #[cfg(not(feature = "tokio"))]
    /// # fn main() {}
    /// ```
    pub async fn spawn_async(&mut self) -> io::Result<AsyncChild> {
        let child = self.spawn_nowait()?.released().await?;
        AsyncChild::from_child(child)
    }

    /// Runs the command (streams inherited) and awaits its exit status.
    pub async fn status_async(&mut self) -> io::Result<ExitStatus> {
        let mut child = self.spawn_nowait()?.released().await?;
        drop(child.stdin.take());
        child.wait_async().await
    }

    /// Runs the command and awaits its output (stdout and stderr piped, stdin `/dev/null`
    /// unless set), as [`Command::output`].
    pub async fn output_async(&mut self) -> io::Result<Output> {
        let child = self.spawn_nowait_output()?.released().await?;
        AsyncChild::from_child(child)?.wait_with_output().await
    }
}

/// A child spawned with [`Command::spawn_async`]: tokio's pipe types, an async `wait`.
///
/// As with std and tokio, dropping it neither kills nor reaps the process.
#[derive(Debug)]
pub struct AsyncChild {
    inner: Child,
    /// The write end of the child's stdin, with [`Stdio::piped`](crate::Stdio::piped).
    pub stdin: Option<tokio::process::ChildStdin>,
    /// The read end of the child's stdout, with [`Stdio::piped`](crate::Stdio::piped).
    pub stdout: Option<tokio::process::ChildStdout>,
    /// The read end of the child's stderr, with [`Stdio::piped`](crate::Stdio::piped).
    pub stderr: Option<tokio::process::ChildStderr>,
}

impl AsyncChild {
    fn from_child(mut child: command::Child) -> io::Result<AsyncChild> {
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let inner = child;
        Ok(AsyncChild {
            inner,
            stdin: stdin.map(tokio::process::ChildStdin::from_std).transpose()?,
            stdout: stdout.map(tokio::process::ChildStdout::from_std).transpose()?,
            stderr: stderr.map(tokio::process::ChildStderr::from_std).transpose()?,
        })
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.inner.pid() as u32
    }

    /// Closes `stdin` and awaits the exit (on the pidfd).
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.inner.wait_async().await
    }

    /// The exit status if the child has exited, without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner.try_wait()
    }

    /// Sends `SIGKILL` (does not wait; await [`AsyncChild::wait`] after).
    pub fn start_kill(&mut self) -> io::Result<()> {
        self.inner.kill()
    }

    /// Sends `SIGKILL` and awaits the exit.
    pub async fn kill(&mut self) -> io::Result<()> {
        self.inner.kill()?;
        self.wait().await.map(|_| ())
    }

    /// Closes `stdin`, reads `stdout` and `stderr` to the end concurrently, awaits the exit.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let out = read_opt(self.stdout.take());
        let err = read_opt(self.stderr.take());
        let (mut out, mut err) = (pin!(out), pin!(err));
        let (mut o, mut e) = (None, None);
        poll_fn(|cx| {
            if o.is_none()
                && let Poll::Ready(v) = out.as_mut().poll(cx)
            {
                o = Some(v);
            }
            if e.is_none()
                && let Poll::Ready(v) = err.as_mut().poll(cx)
            {
                e = Some(v);
            }
            if o.is_some() && e.is_some() { Poll::Ready(()) } else { Poll::Pending }
        })
        .await;
        let (stdout, stderr) = (o.expect("ready")?, e.expect("ready")?);
        let status = self.wait().await?;
        Ok(Output { status, stdout, stderr })
    }

    /// The engine's child handle.
    pub fn as_inner(&mut self) -> &mut Child {
        &mut self.inner
    }
}

/// Reads `r` to its end (empty for `None`): tokio's `read_to_end`, written out so that the
/// `tokio` feature does not need tokio's `io-util` feature for this one loop.
async fn read_opt<R: AsyncRead + Unpin>(r: Option<R>) -> io::Result<Vec<u8>> {
    const CHUNK: usize = 8192;
    let mut v = Vec::new();
    let Some(mut r) = r else { return Ok(v) };
    poll_fn(|cx| {
        loop {
            let len = v.len();
            v.resize(len + CHUNK, 0);
            let mut buf = ReadBuf::new(&mut v[len..]);
            let res = Pin::new(&mut r).poll_read(cx, &mut buf);
            let n = buf.filled().len();
            v.truncate(len + n);
            match res {
                Poll::Ready(Ok(())) if n == 0 => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    })
    .await?;
    Ok(v)
}
