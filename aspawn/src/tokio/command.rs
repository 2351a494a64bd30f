//! [`Command`]: tokio's `Command`, delegating to [`crate::Command`].

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::path::Path;
use std::process::{ExitStatus, Output};

use super::AsyncChild;
use crate::Stdio;

/// tokio's `tokio::process::Command` over [`crate::Command`]: the same builder methods, as far
/// as aspawn has them, a synchronous [`Command::spawn`] giving a [`Child`](super::Child), and
/// [`Command::output`]/[`Command::status`] returning futures that borrow nothing. See the
/// [module docs](super) for where it differs from tokio's.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use aspawn::tokio::Command;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// rt.block_on(async {
///     let status = Command::new("sh").arg("-c").arg("exit 2").status().await?;
///     assert_eq!(status.code(), Some(2));
///     Ok(())
/// })
/// # }
/// ```
#[derive(Debug)]
pub struct Command {
    inner: crate::Command,
}

impl Command {
    /// A command for `program` (searched in `PATH` without a `/`), as tokio's `new`.
    ///
    /// ```
    /// let cmd = aspawn::tokio::Command::new("ls");
    /// assert_eq!(cmd.as_aspawn().get_program(), "ls");
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command { inner: crate::Command::new(program) }
    }

    /// The aspawn [`Command`](crate::Command) underneath (where tokio has `as_std`).
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("echo");
    /// cmd.arg("x");
    /// assert_eq!(cmd.as_aspawn().get_args().collect::<Vec<_>>(), ["x"]);
    /// ```
    pub fn as_aspawn(&self) -> &crate::Command {
        &self.inner
    }

    /// The aspawn [`Command`](crate::Command) underneath, for its extras (where tokio has
    /// `as_std_mut`).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let mut cmd = aspawn::tokio::Command::new("sh");
    /// cmd.args(["-c", "umask"]);
    /// cmd.as_aspawn_mut().umask(0o027);
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// assert_eq!(rt.block_on(cmd.output())?.stdout, b"0027\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn as_aspawn_mut(&mut self) -> &mut crate::Command {
        &mut self.inner
    }

    /// The aspawn [`Command`](crate::Command) (where tokio has `into_std`).
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("true").into_aspawn();
    /// assert!(cmd.status()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn into_aspawn(self) -> crate::Command {
        self.inner
    }

    /// Adds an argument.
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("echo");
    /// cmd.arg("-n").arg("hi");
    /// assert_eq!(cmd.as_aspawn().get_args().count(), 2);
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds arguments.
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("echo");
    /// cmd.args(["a", "b"]);
    /// assert_eq!(cmd.as_aspawn().get_args().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(
    ///     aspawn::tokio::Command::new("sh").args(["-c", "echo $X"]).env("X", "1").output(),
    /// )?;
    /// assert_eq!(out.stdout, b"1\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env<K: AsRef<OsStr>, V: AsRef<OsStr>>(&mut self, key: K, val: V) -> &mut Command {
        self.inner.env(key, val);
        self
    }

    /// Sets environment variables for the child.
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("env");
    /// cmd.envs([("A", "1"), ("B", "2")]);
    /// assert_eq!(cmd.as_aspawn().get_envs().count(), 2);
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("env");
    /// cmd.env_remove("HOME");
    /// assert_eq!(cmd.as_aspawn().get_envs().next(), Some(("HOME".as_ref(), None)));
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.inner.env_remove(key);
        self
    }

    /// Clears the child's environment (only what `env` sets afterwards is passed).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(
    ///     aspawn::tokio::Command::new("/usr/bin/env").env_clear().env("ONLY", "me").output(),
    /// )?;
    /// assert_eq!(out.stdout, b"ONLY=me\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.inner.env_clear();
        self
    }

    /// Sets the child's working directory.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(aspawn::tokio::Command::new("pwd").current_dir("/").output())?;
    /// assert_eq!(out.stdout, b"/\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// The child's stdin: an [`aspawn::Stdio`](crate::Stdio), or what converts into one (a
    /// `std::process::Stdio`, as tokio takes; an `OwnedFd`, a `File` …).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::process::Stdio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let status = rt.block_on(aspawn::tokio::Command::new("cat").stdin(Stdio::null()).status())?;
    /// assert!(status.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdin(cfg);
        self
    }

    /// The child's stdout, as [`Command::stdin`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::process::Stdio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(aspawn::tokio::Command::new("echo").stdout(Stdio::null()).output())?;
    /// assert!(out.stdout.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdout(cfg);
        self
    }

    /// The child's stderr, as [`Command::stdin`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::process::Stdio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(
    ///     aspawn::tokio::Command::new("sh").args(["-c", "echo e >&2"]).stderr(Stdio::piped()).output(),
    /// )?;
    /// assert_eq!(out.stderr, b"e\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`](super::Child) (or a pending `output`/`status` future)
    /// kills the process first (`SIGKILL`, through its pidfd), as tokio's. Either way it is
    /// reaped once it exits (see [`AsyncChild`]).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let child = aspawn::tokio::Command::new("sleep").arg("1000").kill_on_drop(true).spawn()?;
    ///     drop(child); // killed, then reaped by a task of this runtime
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.inner.kill_on_drop(kill_on_drop);
        self
    }

    /// The setting of [`Command::kill_on_drop`].
    ///
    /// ```
    /// let mut cmd = aspawn::tokio::Command::new("true");
    /// assert!(!cmd.get_kill_on_drop());
    /// assert!(cmd.kill_on_drop(true).get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.inner.get_kill_on_drop()
    }

    /// Sets the child's user id (`setuid`).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let me = rustix::process::getuid().as_raw();
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(aspawn::tokio::Command::new("id").arg("-u").uid(me).output())?;
    /// assert_eq!(out.stdout, format!("{me}\n").into_bytes());
    /// # Ok(())
    /// # }
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.inner.uid(id);
        self
    }

    /// Sets the child's group id (`setgid`).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let me = rustix::process::getgid().as_raw();
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(aspawn::tokio::Command::new("id").arg("-g").gid(me).output())?;
    /// assert_eq!(out.stdout, format!("{me}\n").into_bytes());
    /// # Ok(())
    /// # }
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.inner.gid(id);
        self
    }

    /// Sets the child's `argv[0]`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let out = rt.block_on(
    ///     aspawn::tokio::Command::new("sh").arg0("zero").args(["-c", "echo $0"]).output(),
    /// )?;
    /// assert_eq!(out.stdout, b"zero\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.inner.arg0(arg);
        self
    }

    /// Puts the child into process group `pgroup` (`0`: a new group led by the child).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let mut child = aspawn::tokio::Command::new("true").process_group(0).spawn()?;
    ///     assert!(child.wait().await?.success());
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.inner.process_group(pgroup);
        self
    }

    /// Spawns the child and returns once it has exec'd, synchronously, as tokio's `spawn`: a
    /// missing program, a bad working directory … are this call's `io::Error`s. Streams not set
    /// are inherited. A piped stream needs a tokio runtime (its tokio type panics outside
    /// one, as with tokio); the child is awaited with [`AsyncChild::wait`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let e = aspawn::tokio::Command::new("/nonexistent").spawn().unwrap_err();
    ///     assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    ///     let mut child = aspawn::tokio::Command::new("true").spawn()?;
    ///     assert!(child.wait().await?.success());
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn spawn(&mut self) -> io::Result<AsyncChild> {
        super::reaper::sweep();
        let kill = self.inner.get_kill_on_drop();
        AsyncChild::from_child(self.inner.spawn()?, kill)
    }

    /// Runs the command (streams inherited) and awaits its exit status: tokio's `status`. The
    /// child is spawned in this call; the future owns it and borrows nothing.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let status = rt.block_on(aspawn::tokio::Command::new("false").status())?;
    /// assert_eq!(status.code(), Some(1));
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(
        &mut self,
    ) -> impl Future<Output = io::Result<ExitStatus>> + Send + 'static + use<> {
        self.inner.status_async()
    }

    /// Runs the command and awaits its output: stdout and stderr piped, stdin `/dev/null`
    /// unless set, as tokio's `output`. The child is spawned in this call; the future owns it
    /// and borrows nothing.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use aspawn::tokio::Command;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// rt.block_on(async {
    ///     let (a, b) = tokio::join!(
    ///         Command::new("echo").arg("one").output(),
    ///         Command::new("echo").arg("two").output(),
    ///     );
    ///     assert_eq!((a?.stdout, b?.stdout), (b"one\n".to_vec(), b"two\n".to_vec()));
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + Send + 'static + use<> {
        self.inner.output_async()
    }
}

impl From<crate::Command> for Command {
    /// Wraps an aspawn [`Command`](crate::Command).
    ///
    /// ```
    /// let cmd = aspawn::tokio::Command::from(aspawn::Command::new("true"));
    /// assert_eq!(cmd.as_aspawn().get_program(), "true");
    /// ```
    fn from(inner: crate::Command) -> Command {
        Command { inner }
    }
}

impl From<std::process::Command> for Command {
    /// Converts a std `Command`, as `aspawn::Command::from` does (what std's getters and
    /// `Debug` show; not its `pre_exec` closures), as tokio's `From<std::process::Command>`.
    ///
    /// ```
    /// let mut std_cmd = std::process::Command::new("echo");
    /// std_cmd.arg("hi");
    /// let cmd = aspawn::tokio::Command::from(std_cmd);
    /// assert_eq!(cmd.as_aspawn().get_args().collect::<Vec<_>>(), ["hi"]);
    /// ```
    fn from(cmd: std::process::Command) -> Command {
        Command { inner: crate::Command::from(cmd) }
    }
}
