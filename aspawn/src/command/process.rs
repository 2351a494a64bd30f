//! The handles of a spawned [`Command`](super::Command): [`PendingChild`] (before exec) and
//! [`Child`] (std's `Child` surface).

use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::process::{ChildStderr, ChildStdin, ChildStdout, ExitStatus, Output};

use rustix::event::{PollFd, PollFlags};

use super::stdio::Pipes;
use crate::spawned::{self, Spawned};

/// A command spawned with [`Command::spawn_nowait`](super::Command::spawn_nowait): the child
/// may not have exec'd yet.
///
/// [`PendingChild::wait_released`] (or [`PendingChild::try_released`] after
/// [`PendingChild::release_fd`] has become readable, or `released().await` with the `tokio`
/// feature) gives the [`Child`], or the error [`Command::spawn`](super::Command::spawn) would
/// have returned. Dropping it never frees memory the child may still use; an unreleased child
/// is neither killed nor reaped.
#[must_use = "wait for the release to get the Child (or the spawn error)"]
pub struct PendingChild {
    pub(crate) spawned: Spawned,
    pub(crate) pipes: Option<Pipes>,
}

impl PendingChild {
    pub(crate) fn new(spawned: Spawned, pipes: Pipes) -> PendingChild {
        PendingChild { spawned, pipes: Some(pipes) }
    }

    /// The child's process id, known at once.
    pub fn id(&self) -> u32 {
        self.spawned.pid() as u32
    }

    /// The child's pidfd (`Command` takes one unless no fd was free); `None` once
    /// [`PendingChild::try_released`] has returned `Some` (the [`Child`] it gave has it then).
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.spawned.pidfd()
    }

    /// The fd that becomes readable when the child has exec'd or exited, for event loops
    /// ([`Command::spawn_nowait`](super::Command::spawn_nowait) always makes it; see
    /// [`Spawned::release_fd`]).
    pub fn release_fd(&self) -> Option<BorrowedFd<'_>> {
        self.spawned.release_fd()
    }

    /// The [`Child`] (or the spawn error) once the child has exec'd or exited; `None` before.
    /// After it returned `Some`, the handle is spent.
    pub fn try_released(&mut self) -> Option<io::Result<Child>> {
        let r = self.spawned.try_released()?;
        Some(finish(self.pipes.take(), r))
    }

    /// Blocks until the child has exec'd (or failed) and gives the [`Child`], or the error
    /// `spawn` would have given.
    pub fn wait_released(self) -> io::Result<Child> {
        let PendingChild { spawned, pipes } = self;
        finish(pipes, spawned.wait_released())
    }

    /// Sends `SIGKILL` to the child (through its pidfd); fails with `ESRCH` once
    /// [`PendingChild::try_released`] has returned `Some` (kill the [`Child`] instead).
    pub fn kill(&self) -> io::Result<()> {
        self.spawned.kill()
    }

    /// The engine's handle and the parent's pipe ends.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn into_parts(self) -> (Spawned, Option<Pipes>) {
        (self.spawned, self.pipes)
    }

    /// The engine's handle, for what `PendingChild` does not forward.
    pub fn spawned(&mut self) -> &mut Spawned {
        &mut self.spawned
    }
}

/// The `Child` with its pipes, or the spawn error (std's: the errno as an `io::Error`).
pub(crate) fn finish(pipes: Option<Pipes>, r: spawned::Released) -> io::Result<Child> {
    let pipes = pipes.unwrap_or_default();
    match r {
        Ok((inner, _stack)) => {
            Ok(Child { inner, stdin: pipes.stdin, stdout: pipes.stdout, stderr: pipes.stderr })
        }
        // Dropping the failure reaps the child; the stack goes back to its pool.
        Err(failed) => Err(failed.into()),
    }
}

impl std::fmt::Debug for PendingChild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingChild").field("spawned", &self.spawned).finish_non_exhaustive()
    }
}

/// A running (or exited) child of a [`Command`](super::Command), with std's `Child` surface:
/// the parent's ends of the pipes in `stdin`/`stdout`/`stderr` (std's own types), `id`, `wait`,
/// `try_wait`, `kill`, `wait_with_output`. It waits through its pidfd, which `Command` takes at
/// the clone unless no fd is free (then it spawns without one, as std does, and waits by pid:
/// see [`spawned::Child`] for what a foreign reaper can do then).
///
/// As with std, dropping a `Child` neither kills nor reaps the process.
#[derive(Debug)]
pub struct Child {
    inner: spawned::Child,
    /// The write end of the child's stdin, with [`Stdio::piped`](super::Stdio::piped).
    pub stdin: Option<ChildStdin>,
    /// The read end of the child's stdout, with [`Stdio::piped`](super::Stdio::piped).
    pub stdout: Option<ChildStdout>,
    /// The read end of the child's stderr, with [`Stdio::piped`](super::Stdio::piped).
    pub stderr: Option<ChildStderr>,
}

impl Child {
    /// The process id.
    pub fn id(&self) -> u32 {
        self.inner.pid() as u32
    }

    /// The pidfd; `None` if the spawn found no free fd for one.
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.inner.pidfd()
    }

    /// Waits for the child to exit (closing `stdin` first, as std does, so a child reading it
    /// sees end of file).
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.inner.wait()
    }

    /// The exit status if the child has exited, without blocking.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner.try_wait()
    }

    /// Sends `SIGKILL` (std's `kill`); `Ok` without effect once the child has been reaped.
    pub fn kill(&mut self) -> io::Result<()> {
        self.inner.kill()
    }

    /// Sends signal `sig`.
    pub fn signal(&self, sig: i32) -> io::Result<()> {
        self.inner.signal(sig)
    }

    /// Closes `stdin`, reads `stdout` and `stderr` to the end (both at once, so neither pipe
    /// fills up), and waits.
    pub fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (stdout, stderr) = match (self.stdout.take(), self.stderr.take()) {
            (None, None) => (Vec::new(), Vec::new()),
            (Some(mut out), None) => {
                let mut v = Vec::new();
                out.read_to_end(&mut v)?;
                (v, Vec::new())
            }
            (None, Some(mut err)) => {
                let mut v = Vec::new();
                err.read_to_end(&mut v)?;
                (Vec::new(), v)
            }
            (Some(out), Some(err)) => read2(out, err)?,
        };
        let status = self.wait()?;
        Ok(Output { status, stdout, stderr })
    }

    /// The engine's child handle.
    pub fn as_inner(&mut self) -> &mut spawned::Child {
        &mut self.inner
    }

    /// The engine's child handle and the pipes.
    pub fn into_parts(
        self,
    ) -> (spawned::Child, Option<ChildStdin>, Option<ChildStdout>, Option<ChildStderr>) {
        (self.inner, self.stdin, self.stdout, self.stderr)
    }
}

/// Reads two pipes to their ends at once with `poll`, as std's `read2`.
fn read2(out: ChildStdout, err: ChildStderr) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let (mut out, mut err) = (out, err);
    rustix::io::ioctl_fionbio(&out, true)?;
    rustix::io::ioctl_fionbio(&err, true)?;
    let (mut ov, mut ev) = (Vec::new(), Vec::new());
    let (mut out_open, mut err_open) = (true, true);
    while out_open || err_open {
        let mut fds = Vec::with_capacity(2);
        if out_open {
            fds.push(PollFd::new(&out, PollFlags::IN));
        }
        if err_open {
            fds.push(PollFd::new(&err, PollFlags::IN));
        }
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
        let ready: Vec<i32> =
            fds.iter().filter(|f| !f.revents().is_empty()).map(|f| f.as_fd().as_raw_fd()).collect();
        drop(fds);
        if out_open && ready.contains(&out.as_raw_fd()) {
            out_open = drain(&mut out, &mut ov)?;
        }
        if err_open && ready.contains(&err.as_raw_fd()) {
            err_open = drain(&mut err, &mut ev)?;
        }
    }
    Ok((ov, ev))
}

/// Reads what is there; `false` at end of file.
fn drain(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    match r.read_to_end(buf) {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(true),
        Err(e) => Err(e),
    }
}
