//! [`Command`]'s async front door (feature `tokio`): `spawn_async`, `status_async`,
//! `output_async`, and `kill_on_drop` for what they start.

use std::future::Future;
use std::io;
use std::process::{ExitStatus, Output};

use super::AsyncChild;
use crate::command::Command;

impl Command {
    /// Whether a dropped [`AsyncChild`] of this command (or a cancelled `spawn_async`,
    /// `status_async` or `output_async` future) kills its child first: `SIGKILL`, through the
    /// pidfd. tokio's `Command::kill_on_drop`. The default, `false`, lets the child run on;
    /// either way a dropped child is reaped once it exits (see [`AsyncChild`]). The setting
    /// does nothing for the blocking [`Command::spawn`], whose [`Child`](crate::Child), like std's, is
    /// neither killed nor reaped when dropped.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use aspawn::Command;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let child = Command::new("sleep").arg("1000").kill_on_drop(true).spawn_async().await?;
    ///     let pidfd = child.pidfd().unwrap().try_clone_to_owned()?;
    ///     drop(child); // killed
    ///     let mut fds = [rustix::event::PollFd::new(&pidfd, rustix::event::PollFlags::IN)];
    ///     assert_eq!(rustix::event::poll(&mut fds, None)?, 1); // it has exited
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The setting of [`Command::kill_on_drop`] (tokio's `get_kill_on_drop`).
    ///
    /// ```
    /// let mut cmd = aspawn::Command::new("true");
    /// assert!(!cmd.get_kill_on_drop());
    /// assert!(cmd.kill_on_drop(true).get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Spawns the child now and gives a future of it, which awaits its `execve` in tokio's
    /// reactor (the thread is never parked); the pipes come back as tokio's types. The future
    /// borrows nothing (it owns the spawned child), so it can be joined or sent to a task
    /// while the `Command` goes away. Spawn errors (a missing program, a bad working
    /// directory …) come out of the future, as std's `io::Error`s.
    ///
    /// Dropping the future before it is done does not leak the child: it is reaped once it
    /// exits, and killed first with [`Command::kill_on_drop`] (see [`AsyncChild`]).
    ///
    /// ```
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
    /// ```
    pub fn spawn_async(
        &mut self,
    ) -> impl Future<Output = io::Result<AsyncChild>> + Send + 'static + use<> {
        crate::tokio::reaper::sweep();
        let kill = self.kill_on_drop;
        let pending = self.spawn_nowait();
        async move { AsyncChild::release(pending?, kill).await }
    }

    /// Runs the command (streams inherited) and awaits its exit status. Spawns now; the future
    /// owns the child, as [`Command::spawn_async`]'s. The parent's ends of streams set to
    /// [`Stdio::piped`](crate::Stdio::piped) are closed at once, as tokio's `status` does (a child
    /// writing to one gets `EPIPE` rather than blocking on a pipe nobody reads).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let status = rt.block_on(aspawn::Command::new("sh").args(["-c", "exit 3"]).status_async())?;
    /// assert_eq!(status.code(), Some(3));
    /// # Ok(())
    /// # }
    /// ```
    pub fn status_async(
        &mut self,
    ) -> impl Future<Output = io::Result<ExitStatus>> + Send + 'static + use<> {
        let child = self.spawn_async();
        async move {
            let mut child = child.await?;
            // As tokio's: a stream set to `piped` is closed at once (nobody would read it).
            drop((child.stdout.take(), child.stderr.take()));
            child.wait().await
        }
    }

    /// Runs the command and awaits its output (stdout and stderr piped, stdin `/dev/null`
    /// unless set), as [`Command::output`]. Spawns now; the future owns the child, as
    /// [`Command::spawn_async`]'s.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use aspawn::Command;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     // Temporaries are fine: the futures borrow no `Command`.
    ///     let (a, b) = tokio::join!(
    ///         Command::new("echo").arg("one").output_async(),
    ///         Command::new("echo").arg("two").output_async(),
    ///     );
    ///     assert_eq!((a?.stdout, b?.stdout), (b"one\n".to_vec(), b"two\n".to_vec()));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn output_async(
        &mut self,
    ) -> impl Future<Output = io::Result<Output>> + Send + 'static + use<> {
        crate::tokio::reaper::sweep();
        let kill = self.kill_on_drop;
        let pending = self.spawn_nowait_output();
        async move { AsyncChild::release(pending?, kill).await?.wait_with_output().await }
    }
}
