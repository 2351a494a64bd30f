//! [`AsyncChild`]: a child with tokio's pipe types, awaited in the reactor, reaped when dropped.

use std::future::{Future, poll_fn};
use std::io;
use std::os::fd::BorrowedFd;
use std::pin::{Pin, pin};
use std::process::{ExitStatus, Output};
use std::task::Poll;

use ::tokio::io::{AsyncRead, ReadBuf};
use ::tokio::process::{ChildStderr, ChildStdin, ChildStdout};

use super::reaper::{self, Orphan};
use crate::child::Child;
use crate::command::PendingChild;

/// A child spawned with [`Command::spawn_async`](crate::Command::spawn_async) (or
/// [`aspawn::tokio::Command::spawn`](super::Command::spawn), whose `Child` it is): tokio's
/// pipe types, an async `wait`, tokio's `id`, `kill`, `start_kill`, `try_wait` and
/// `wait_with_output`.
///
/// Dropping it before it has been reaped does what dropping a tokio `Child` does: the process
/// is killed first if the command had `kill_on_drop(true)` (with `SIGKILL`, through its
/// pidfd), and it is reaped once it exits, on a best-effort basis, so that no zombie stays.
/// The reaping is a task of the tokio runtime current at the drop, awaiting the pidfd in the
/// reactor (no thread, no `SIGCHLD` handler); it runs whenever that runtime runs tasks (a
/// `current_thread` runtime: during its next `block_on`). With no runtime current at the
/// drop, or if that runtime shuts down before the child exits, the child is queued, and the
/// next spawn through this crate's tokio API reaps it (or hands it to its own runtime). A
/// process that never spawns that way again keeps it a zombie until the process itself
/// exits; tokio too reaps its orphans only from a runtime (at a later `SIGCHLD`).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use aspawn::{Command, Stdio};
/// use tokio::io::AsyncReadExt;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// rt.block_on(async {
///     let mut child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn_async().await?;
///     assert!(child.id().is_some());
///     let mut s = String::new();
///     child.stdout.take().unwrap().read_to_string(&mut s).await?;
///     assert_eq!(s, "hi\n");
///     assert!(child.wait().await?.success());
///     assert_eq!(child.id(), None); // reaped
///     Ok(())
/// })
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncChild {
    /// `None` only inside `drop`.
    inner: Option<Child>,
    kill_on_drop: bool,
    /// The write end of the child's stdin, with [`Stdio::piped`](crate::Stdio::piped).
    pub stdin: Option<ChildStdin>,
    /// The read end of the child's stdout, with [`Stdio::piped`](crate::Stdio::piped).
    pub stdout: Option<ChildStdout>,
    /// The read end of the child's stderr, with [`Stdio::piped`](crate::Stdio::piped).
    pub stderr: Option<ChildStderr>,
}

impl AsyncChild {
    /// Takes over `child` and converts its pipes to tokio's (which needs a runtime with IO:
    /// tokio panics outside one). On an error the child is adopted by the reaper.
    pub(crate) fn from_child(mut child: Child, kill_on_drop: bool) -> io::Result<AsyncChild> {
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let mut this = AsyncChild {
            inner: Some(child),
            kill_on_drop,
            stdin: None,
            stdout: None,
            stderr: None,
        };
        this.stdin = stdin.map(ChildStdin::from_std).transpose()?;
        this.stdout = stdout.map(ChildStdout::from_std).transpose()?;
        this.stderr = stderr.map(ChildStderr::from_std).transpose()?;
        Ok(this)
    }

    /// Awaits the release of `pending` (its exec, or its spawn error) in the reactor and gives
    /// the child. Cancel-safe: a future dropped before the release adopts the child (killing
    /// it first with `kill_on_drop`).
    pub(crate) async fn release(
        pending: PendingChild,
        kill_on_drop: bool,
    ) -> io::Result<AsyncChild> {
        let mut slot = Unreleased { pending: Some(pending), kill_on_drop };
        let child = slot.released().await?;
        AsyncChild::from_child(child, kill_on_drop)
    }

    fn inner(&self) -> &Child {
        self.inner.as_ref().expect("present until drop")
    }

    fn inner_mut(&mut self) -> &mut Child {
        self.inner.as_mut().expect("present until drop")
    }

    /// The process id while the child has not been reaped; `None` once a `wait`, `try_wait`
    /// or `kill().await` has reaped it (the pid may name another process then), as tokio's.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("true").spawn_async().await?;
    ///     assert!(child.id().is_some());
    ///     child.wait().await?;
    ///     assert_eq!(child.id(), None);
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn id(&self) -> Option<u32> {
        let c = self.inner();
        (!c.is_reaped()).then(|| c.id())
    }

    /// The child's pidfd, if the spawn took one (a [`Command`](crate::Command) does unless no
    /// fd was free). An aspawn extra: tokio's `Child` has none.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::fd::AsRawFd;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::tokio::Command::new("true").spawn()?;
    ///     let fd = child.pidfd().expect("a pidfd").as_raw_fd();
    ///     let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"))?;
    ///     assert!(info.contains(&format!("Pid:\t{}", child.id().unwrap())));
    ///     child.wait().await?;
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.inner().any_pidfd()
    }

    /// Closes `stdin` and awaits the exit (on the pidfd), then reaps the child; later calls give
    /// the same status. Cancel-safe.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("sh").args(["-c", "exit 3"]).spawn_async().await?;
    ///     assert_eq!(child.wait().await?.code(), Some(3));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.inner_mut().wait_async().await
    }

    /// Reaps the child if it has exited, without waiting.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("sleep").arg("10").spawn_async().await?;
    ///     assert!(child.try_wait()?.is_none()); // still running
    ///     child.kill().await?;
    ///     assert_eq!(child.try_wait()?.and_then(|s| s.signal()), Some(9));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner_mut().try_wait()
    }

    /// Sends `SIGKILL` without waiting (await [`AsyncChild::wait`] after to reap it). Succeeds
    /// without effect once the child has been reaped.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("sleep").arg("10").spawn_async().await?;
    ///     child.start_kill()?;
    ///     assert_eq!(child.wait().await?.signal(), Some(9));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        self.inner_mut().kill()
    }

    /// Sends `SIGKILL` and awaits the exit (which reaps the child), as tokio's `kill`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("sleep").arg("10").spawn_async().await?;
    ///     child.kill().await?;
    ///     assert_eq!(child.id(), None); // reaped
    ///     assert_eq!(child.wait().await?.signal(), Some(9));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Closes `stdin`, reads `stdout` and `stderr` to the end concurrently, awaits the exit.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use aspawn::{Command, Stdio};
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let child = Command::new("sh")
    ///         .args(["-c", "echo out; echo err >&2"])
    ///         .stdout(Stdio::piped())
    ///         .stderr(Stdio::piped())
    ///         .spawn_async()
    ///         .await?;
    ///     let out = child.wait_with_output().await?;
    ///     assert!(out.status.success());
    ///     assert_eq!((out.stdout, out.stderr), (b"out\n".to_vec(), b"err\n".to_vec()));
    ///     Ok(())
    /// })
    /// # }
    /// ```
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
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::Command::new("sh").args(["-c", "exit 5"]).spawn_async().await?;
    ///     assert_eq!(Some(child.as_inner().id()), child.id());
    ///     assert_eq!(child.as_inner().wait()?.code(), Some(5)); // the blocking wait, here
    ///     assert_eq!(child.id(), None);
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn as_inner(&mut self) -> &mut Child {
        self.inner_mut()
    }
}

impl Drop for AsyncChild {
    fn drop(&mut self) {
        let Some(child) = self.inner.take() else { return };
        if child.is_reaped() {
            return;
        }
        let orphan = Orphan::Child(child);
        if self.kill_on_drop {
            orphan.kill();
        }
        reaper::adopt(orphan);
    }
}

/// A `PendingChild` awaited for its release; adopted by the reaper if dropped before.
struct Unreleased {
    pending: Option<PendingChild>,
    kill_on_drop: bool,
}

impl Unreleased {
    async fn released(&mut self) -> io::Result<Child> {
        let p = self.pending.as_mut().expect("present until released");
        if let Some(r) = p.try_released() {
            self.pending = None;
            return r;
        }
        // `Command` makes the wake-up fd for every async spawn.
        let fd = p.release_fd().expect("an async spawn has a release fd");
        crate::async_io::readable(fd).await?;
        // Readable means hung up, which comes after the kernel cleared the word.
        if let Some(r) = p.try_released() {
            self.pending = None;
            return r;
        }
        // Should a wake-up ever come first, the futex wait is the truth: finish on a blocking
        // thread (a hung-up pipe gives no second edge).
        let p = self.pending.take().expect("present until released");
        reaper::release_blocking(p, self.kill_on_drop).await
    }
}

impl Drop for Unreleased {
    fn drop(&mut self) {
        if let Some(p) = self.pending.take() {
            let orphan = Orphan::Pending(p);
            if self.kill_on_drop {
                orphan.kill();
            }
            reaper::adopt(orphan);
        }
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
