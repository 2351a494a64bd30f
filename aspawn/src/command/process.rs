//! The handles of a spawned [`Command`](super::Command): [`PendingChild`] (before exec) and
//! [`Child`] (std's `Child` surface).

use std::io;
use std::os::fd::BorrowedFd;

use super::stdio::Pipes;
pub use crate::child::Child;
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
    ///
    /// ```
    /// let pending = aspawn::Command::new("true").spawn_nowait()?;
    /// let pid = pending.id(); // before the child's exec
    /// let mut child = pending.wait_released()?;
    /// assert_eq!(child.id(), pid);
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn id(&self) -> u32 {
        self.spawned.pid() as u32
    }

    /// The child's pidfd (`Command` takes one unless no fd was free, or
    /// [`Command::create_pidfd(false)`](super::Command::create_pidfd) said not to); `None` once
    /// [`PendingChild::try_released`] has returned `Some` (the [`Child`] it gave has it then).
    ///
    /// ```
    /// use std::os::fd::AsRawFd;
    ///
    /// let pending = aspawn::Command::new("true").spawn_nowait()?;
    /// let fd = pending.pidfd().expect("taken by default").as_raw_fd();
    /// let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"))?;
    /// assert!(info.contains(&format!("Pid:\t{}", pending.id())));
    /// assert!(pending.wait_released()?.wait()?.success());
    ///
    /// let pending = aspawn::Command::new("true").create_pidfd(false).spawn_nowait()?;
    /// assert!(pending.pidfd().is_none());
    /// assert!(pending.wait_released()?.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.spawned.pidfd()
    }

    /// The fd that becomes readable when the child has exec'd or exited, for event loops
    /// ([`Command::spawn_nowait`](super::Command::spawn_nowait) always makes it; see
    /// [`Spawned::release_fd`]).
    ///
    /// ```
    /// use std::io::Read;
    ///
    /// let mut pending = aspawn::Command::new("true").spawn_nowait()?;
    /// // An event loop would poll the fd; a blocking read of it ends (0 bytes) at the hang-up.
    /// let fd = pending.release_fd().expect("spawn_nowait makes one").try_clone_to_owned()?;
    /// assert_eq!(std::fs::File::from(fd).read(&mut [0u8; 1])?, 0);
    /// let mut child = pending.try_released().expect("the fd hung up")?;
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn release_fd(&self) -> Option<BorrowedFd<'_>> {
        self.spawned.release_fd()
    }

    /// The [`Child`] (or the spawn error) once the child has exec'd or exited; `None` before.
    /// After it returned `Some`, the handle is spent.
    ///
    /// ```
    /// let mut pending = aspawn::Command::new("/nonexistent/aspawn-doc").spawn_nowait()?;
    /// let released = loop {
    ///     match pending.try_released() {
    ///         Some(r) => break r,
    ///         None => std::thread::yield_now(), // not exec'd yet: do other work
    ///     }
    /// };
    /// assert_eq!(released.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    /// assert!(pending.try_released().is_none()); // spent
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_released(&mut self) -> Option<io::Result<Child>> {
        let r = self.spawned.try_released()?;
        Some(finish(self.pipes.take(), r))
    }

    /// Blocks until the child has exec'd (or failed) and gives the [`Child`], or the error
    /// `spawn` would have given.
    ///
    /// ```
    /// use aspawn::Command;
    ///
    /// let mut child = Command::new("sh").args(["-c", "exit 4"]).spawn_nowait()?.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(4));
    /// let pending = Command::new("/nonexistent/aspawn-doc").spawn_nowait()?;
    /// assert_eq!(pending.wait_released().unwrap_err().kind(), std::io::ErrorKind::NotFound);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait_released(self) -> io::Result<Child> {
        let PendingChild { spawned, pipes } = self;
        finish(pipes, spawned.wait_released())
    }

    /// Waits for the child to *exit* and gives it, reaped (its [`Child::wait`] returns the
    /// status at once), or the error `spawn` would have given. The parent's end of a piped
    /// stdin is closed first, as [`Child::wait`] does, so a child reading it sees end of file.
    ///
    /// Where only the status matters this sleeps once, where `wait_released` followed by
    /// `Child::wait` sleeps twice (woken at the exec, then at the exit);
    /// [`Command::status`](crate::Command::status) waits this way.
    ///
    /// ```
    /// use aspawn::Command;
    ///
    /// let mut child = Command::new("sh").args(["-c", "exit 4"]).spawn_nowait()?.wait()?;
    /// assert_eq!(child.wait()?.code(), Some(4)); // reaped already
    /// let pending = Command::new("/nonexistent/aspawn-doc").spawn_nowait()?;
    /// assert_eq!(pending.wait().unwrap_err().kind(), std::io::ErrorKind::NotFound);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait(self) -> io::Result<Child> {
        let PendingChild { spawned, mut pipes } = self;
        if let Some(p) = pipes.as_mut() {
            drop(p.stdin.take());
        }
        finish(pipes, spawned.wait())
    }

    /// Sends `SIGKILL` to the child (through its pidfd); fails with `ESRCH` once
    /// [`PendingChild::try_released`] has returned `Some` (kill the [`Child`] instead).
    ///
    /// ```
    /// use std::io::Read;
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let pending = aspawn::Command::new("sleep").arg("10").spawn_nowait()?;
    /// // Wait for the exec (the release fd hangs up), so that the kill reaches `sleep`.
    /// let fd = pending.release_fd().expect("spawn_nowait makes one").try_clone_to_owned()?;
    /// std::fs::File::from(fd).read(&mut [0u8; 1])?;
    /// pending.kill()?;
    /// let mut child = pending.wait_released()?;
    /// assert_eq!(child.wait()?.signal(), Some(9));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill(&self) -> io::Result<()> {
        self.spawned.kill()
    }

    /// The engine's handle and the parent's pipe ends.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn into_parts(self) -> (Spawned, Option<Pipes>) {
        (self.spawned, self.pipes)
    }

    /// The engine's handle, for what `PendingChild` does not forward.
    ///
    /// ```
    /// let mut pending = aspawn::Command::new("true").spawn_nowait()?;
    /// assert_eq!(pending.spawned().pid() as u32, pending.id());
    /// assert!(pending.wait_released()?.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawned(&mut self) -> &mut Spawned {
        &mut self.spawned
    }
}

/// The `Child` with its pipes, or the spawn error (std's: the errno as an `io::Error`).
pub(crate) fn finish(pipes: Option<Pipes>, r: spawned::Released) -> io::Result<Child> {
    let pipes = pipes.unwrap_or_default();
    match r {
        Ok((inner, _stack)) => {
            let child = inner.with_pipes(pipes.stdin, pipes.stdout, pipes.stderr);
            // A pidfd the `Command` took without being asked serves its waits only, as std
            // shows none by default.
            Ok(if pipes.show_pidfd { child } else { child.hide_pidfd() })
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
