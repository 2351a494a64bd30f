//! [`Child`]: a running (or exited) process, in std's shape, whoever spawned it.

use core::fmt;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::process::{ChildStderr, ChildStdin, ChildStdout, ExitStatus, Output};
use std::time::{Duration, Instant};

use crate::exit_status::to_exit_status;
use crate::pidfd::PidFd;

use rustix::event::{PollFd, PollFlags};
use rustix::process::{Signal, WaitId, WaitIdOptions};

use rustix::io::Errno;

/// A child process, in std's shape: what `spawn!`'s release and
/// [`Command::spawn`](crate::Command::spawn) both give. The parent's ends of the pipes that
/// [`Stdio::piped`](crate::Stdio::piped) made are in `stdin`/`stdout`/`stderr` (std's own types;
/// `None` for a child of `spawn!`, whose fds the child function set up itself); `id`, `wait`,
/// `try_wait`, `kill` and `wait_with_output` behave as std's. Dropping it neither kills nor
/// reaps the process, as with std.
///
/// # Waiting by pid, or through a pidfd
///
/// A child spawned with a pidfd ([`Stack::with_pidfd`](crate::Stack::with_pidfd),
/// [`Command::create_pidfd(true)`](crate::Command::create_pidfd), or the private one
/// [`Command`](crate::Command) takes by default) is waited for (`waitid(P_PIDFD)`) and
/// signalled (`pidfd_send_signal`) through it: nothing another part of the process does can
/// make it name another process. [`Child::pidfd`] and [`Child::into_pidfd`] give the pidfd
/// only when it was asked for, as std's do.
///
/// Without one (the default of `spawn!`, and `Command::create_pidfd(false)`) it is waited for by pid (`waitid(P_PID)`) and
/// signalled with `kill(pid)`, as std's and tokio's children are. That is exact as long as only
/// this handle reaps the child. A *foreign reaper* — `SIGCHLD` set to `SIG_IGN` or
/// `SA_NOCLDWAIT` (the kernel reaps every child at its exit), or another thread's
/// `waitpid(-1)`/`wait()` — can reap it first. Then:
/// - [`Child::wait`] and [`Child::try_wait`] fail with `ECHILD`: the pid is no longer a child
///   of ours, so they can never return another process's status (a pid reused by a new child
///   of ours is the one exception, as with std);
/// - [`Child::signal`] and [`Child::kill`] before our own wait has succeeded send the signal to
///   whatever process holds the pid by then, possibly an unrelated one that reused it. After a
///   successful wait they send nothing (`kill` is `Ok`, as std's; `signal` fails with `ESRCH`).
///
/// Use [`Stack::with_pidfd`](crate::Stack::with_pidfd) where a foreign reaper can exist (a library that reaps, a
/// `SIGCHLD = SIG_IGN` caller): the pidfd is taken at the clone, before the child can exit, so
/// it names this child and no other whoever reaps it.
pub struct Child {
    pid: i32,
    pidfd: Option<PidFd>,
    /// The pidfd was asked for: [`Child::pidfd`] and [`Child::into_pidfd`] give it. A private
    /// one (`Command`'s default, `wait_async`'s) only serves the waits and signals.
    pidfd_shown: bool,
    status: Option<ExitStatus>,
    /// The write end of the child's stdin, with [`Stdio::piped`](crate::Stdio::piped).
    pub stdin: Option<ChildStdin>,
    /// The read end of the child's stdout, with [`Stdio::piped`](crate::Stdio::piped).
    pub stdout: Option<ChildStdout>,
    /// The read end of the child's stderr, with [`Stdio::piped`](crate::Stdio::piped).
    pub stderr: Option<ChildStderr>,
}

pub(crate) fn pid_of(pid: i32) -> rustix::process::Pid {
    rustix::process::Pid::from_raw(pid).expect("a child's pid is positive")
}

impl Child {
    /// Whether a wait has reaped the child (its status is known).
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn is_reaped(&self) -> bool {
        self.status.is_some()
    }

    pub(crate) fn new(pid: i32, pidfd: Option<OwnedFd>) -> Child {
        let pidfd_shown = pidfd.is_some();
        let pidfd = pidfd.map(PidFd::from);
        Child { pid, pidfd, pidfd_shown, status: None, stdin: None, stdout: None, stderr: None }
    }

    /// The child's pidfd, shown or private (the async handle waits and reaps through it).
    #[cfg(feature = "tokio")]
    pub(crate) fn any_pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.pidfd.as_ref().map(AsFd::as_fd)
    }

    /// The same child, its pidfd (if any) private: `Command` took it without being asked.
    pub(crate) fn hide_pidfd(mut self) -> Child {
        self.pidfd_shown = false;
        self
    }

    /// The same child with the parent's ends of its pipes.
    pub(crate) fn with_pipes(
        mut self,
        stdin: Option<ChildStdin>,
        stdout: Option<ChildStdout>,
        stderr: Option<ChildStderr>,
    ) -> Child {
        (self.stdin, self.stdout, self.stderr) = (stdin, stdout, stderr);
        self
    }

    /// The process id.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// let child = Command::new("sh").args(["-c", "echo $$"]).stdout(Stdio::piped()).spawn()?;
    /// let pid = child.pid();
    /// assert_eq!(child.wait_with_output()?.stdout, format!("{pid}\n").as_bytes());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The process id, as std's `Child::id`.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// let child = Command::new("sh").args(["-c", "echo $$"]).stdout(Stdio::piped()).spawn()?;
    /// let id = child.id();
    /// assert_eq!(child.wait_with_output()?.stdout, format!("{id}\n").as_bytes());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn id(&self) -> u32 {
        self.pid as u32
    }

    /// The child's [`PidFd`], as std's (unstable) `ChildExt::pidfd`: there when the spawn was
    /// asked for one ([`Command::create_pidfd(true)`](crate::Command::create_pidfd), or
    /// `spawn!` with [`Stack::with_pidfd`](crate::Stack::with_pidfd)); otherwise an error of
    /// kind `Other` saying "No pidfd was created." (std's message; std's kind, `Uncategorized`,
    /// is unstable). The private pidfd a `Command` takes by default is not shown, as std shows
    /// none by default.
    ///
    /// ```
    /// use aspawn::Command;
    /// use std::os::fd::AsRawFd;
    ///
    /// let mut child = Command::new("true").create_pidfd(true).spawn()?;
    /// assert!(child.pidfd()?.as_raw_fd() >= 0);
    /// child.wait()?;
    ///
    /// let mut child = Command::new("true").spawn()?;
    /// assert_eq!(child.pidfd().unwrap_err().to_string(), "No pidfd was created.");
    /// child.wait()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn pidfd(&self) -> io::Result<&PidFd> {
        match &self.pidfd {
            Some(fd) if self.pidfd_shown => Ok(fd),
            _ => Err(io::Error::other("No pidfd was created.")),
        }
    }

    /// The child's [`PidFd`], owned, as std's (unstable) `ChildExt::into_pidfd`: consumes the
    /// `Child` (its pipes are closed) so that nothing waits by pid any more; without a pidfd to
    /// give (see [`Child::pidfd`]), the `Child` itself comes back, unchanged.
    ///
    /// ```
    /// let child = aspawn::Command::new("sh").args(["-c", "exit 5"]).create_pidfd(true).spawn()?;
    /// let pidfd = child.into_pidfd().expect("asked for one");
    /// assert_eq!(pidfd.wait()?.code(), Some(5));
    ///
    /// let child = aspawn::Command::new("true").spawn()?;
    /// let mut child = child.into_pidfd().expect_err("none asked for");
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn into_pidfd(mut self) -> Result<PidFd, Child> {
        match self.pidfd.take() {
            Some(fd) if self.pidfd_shown => Ok(fd),
            other => {
                self.pidfd = other;
                Err(self)
            }
        }
    }

    /// The pidfd, opened now (`pidfd_open`) if the spawn took none: for `wait_async`. Before our
    /// own wait has reaped the child, its pid is still its own unless a foreign reaper took it
    /// (then the pidfd may name another process, and waiting on it fails with `ECHILD`).
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn pidfd_or_open(&mut self) -> io::Result<BorrowedFd<'_>> {
        if self.pidfd.is_none() {
            let fd = rustix::process::pidfd_open(
                pid_of(self.pid),
                rustix::process::PidfdFlags::empty(),
            )?;
            self.pidfd = Some(fd.into());
        }
        Ok(self.pidfd.as_ref().map(|fd| fd.as_fd()).expect("just set"))
    }

    fn wait_id(&self) -> WaitId<'_> {
        match &self.pidfd {
            Some(fd) => WaitId::PidFd(fd.as_fd()),
            None => WaitId::Pid(pid_of(self.pid)),
        }
    }

    /// Waits for the child to exit and reaps it; later calls return the same status. Closes
    /// `stdin` first, as std does, so a child reading it sees end of file. Without a pidfd,
    /// fails with `ECHILD` if a foreign reaper took the child first (see [`Child`]).
    ///
    /// ```
    /// let mut child = aspawn::Command::new("sh").args(["-c", "exit 3"]).spawn()?;
    /// assert_eq!(child.wait()?.code(), Some(3));
    /// assert_eq!(child.wait()?.code(), Some(3)); // the same status again
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        if let Some(s) = self.status {
            return Ok(s);
        }
        loop {
            match rustix::process::waitid(self.wait_id(), WaitIdOptions::EXITED) {
                Ok(Some(st)) => return Ok(*self.status.insert(to_exit_status(&st))),
                Ok(None) => continue,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Reaps the child if it has exited, without blocking.
    ///
    /// ```
    /// let mut child = aspawn::Command::new("sleep").arg("10").spawn()?;
    /// assert!(child.try_wait()?.is_none()); // still running
    /// child.kill()?;
    /// let status = child.wait()?;
    /// assert_eq!(child.try_wait()?, Some(status));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if let Some(s) = self.status {
            return Ok(Some(s));
        }
        match rustix::process::waitid(self.wait_id(), WaitIdOptions::EXITED | WaitIdOptions::NOHANG)
        {
            Ok(Some(st)) if st.raw_signo() != 0 => {
                Ok(Some(*self.status.insert(to_exit_status(&st))))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Waits for the child to exit for at most `timeout`: `Ok(Some(status))` once it has
    /// exited (and is reaped, like [`Child::wait`]), `Ok(None)` if it still runs when the time is
    /// up (it can be waited for or killed as before). Not std's (the `wait-timeout` crate's
    /// shape). Unlike `wait`, it leaves `stdin` open. Signals (`EINTR`) neither end the wait
    /// early nor fail it.
    ///
    /// With a pidfd (asked for, or `Command`'s private one) it `poll`s the pidfd, then reaps
    /// through it. Without one it opens a temporary pidfd (`pidfd_open(pid)`, closed before it
    /// returns) while the child is known unreaped, so the pid is still the child's unless a
    /// foreign reaper took it (see [`Child`]: the answer is then `ECHILD`, as from `wait`, and
    /// in the worst case only after the timeout, if the pid was reused meanwhile). If no fd is
    /// free for that pidfd it falls back to polling [`Child::try_wait`] with short sleeps
    /// (at most 10 ms apart).
    ///
    /// ```
    /// use aspawn::Command;
    /// use std::time::Duration;
    ///
    /// let mut child = Command::new("sleep").arg("10").spawn()?;
    /// assert!(child.wait_timeout(Duration::from_millis(20))?.is_none()); // still running
    /// child.kill()?;
    /// let status = child.wait_timeout(Duration::from_secs(60))?.expect("killed");
    /// assert!(!status.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "waitpid_timeout")]
    pub fn wait_timeout(&mut self, timeout: Duration) -> io::Result<Option<ExitStatus>> {
        if let Some(s) = self.status {
            return Ok(Some(s));
        }
        // A timeout no `Instant` can hold waits without limit.
        let deadline = Instant::now().checked_add(timeout);
        let temporary: Option<OwnedFd> = match &self.pidfd {
            Some(_) => None,
            None => match rustix::process::pidfd_open(
                pid_of(self.pid),
                rustix::process::PidfdFlags::empty(),
            ) {
                Ok(fd) => Some(fd),
                // Not ours any more (a foreign reaper): `try_wait` gives `ECHILD`.
                Err(Errno::SRCH) => return self.try_wait(),
                Err(Errno::MFILE | Errno::NFILE | Errno::NOMEM) => {
                    return self.wait_timeout_sleeping(deadline);
                }
                Err(e) => return Err(e.into()),
            },
        };
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let readable = {
                let fd = match (&self.pidfd, &temporary) {
                    (Some(fd), _) => fd.as_fd(),
                    (None, Some(fd)) => fd.as_fd(),
                    (None, None) => unreachable!("a pidfd was opened above"),
                };
                let ts = left.map(|l| rustix::event::Timespec {
                    tv_sec: l.as_secs().min(i64::MAX as u64) as i64,
                    tv_nsec: l.subsec_nanos().into(),
                });
                let mut fds = [PollFd::new(&fd, PollFlags::IN)];
                match rustix::event::poll(&mut fds, ts.as_ref()) {
                    Ok(n) => n > 0,
                    Err(Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                }
            };
            // Readable: exited (reaped now). Timed out: a last look, which also gives `ECHILD`
            // if the pid was not the child's any more.
            match self.try_wait()? {
                Some(s) => return Ok(Some(s)),
                None if readable => {
                    // Readable without an exit of ours: the temporary pidfd names a process
                    // that reused the pid; go on without it.
                    return self.wait_timeout_sleeping(deadline);
                }
                None if left.is_some_and(|l| l.is_zero()) => return Ok(None),
                None => {}
            }
        }
    }

    /// `wait_timeout` without a pidfd: `try_wait` with growing sleeps, up to 10 ms.
    fn wait_timeout_sleeping(
        &mut self,
        deadline: Option<Instant>,
    ) -> io::Result<Option<ExitStatus>> {
        let mut nap = Duration::from_micros(100);
        loop {
            if let Some(s) = self.try_wait()? {
                return Ok(Some(s));
            }
            let now = Instant::now();
            let left = match deadline {
                Some(d) if d <= now => return Ok(None),
                Some(d) => d - now,
                None => nap,
            };
            std::thread::sleep(nap.min(left));
            nap = (nap * 2).min(Duration::from_millis(10));
        }
    }

    /// Sends `SIGKILL`. Like std, succeeds without effect once the child has been reaped.
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let mut child = aspawn::Command::new("sleep").arg("10").spawn()?;
    /// child.kill()?;
    /// assert_eq!(child.wait()?.signal(), Some(9));
    /// child.kill()?; // reaped: nothing sent, no error
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill(&mut self) -> io::Result<()> {
        if self.status.is_some() {
            return Ok(());
        }
        self.signal(libc_sig::SIGKILL)
    }

    /// Sends signal `sig`: through the pidfd, or with `kill(pid)` while the child is not known
    /// reaped. Once a wait has reaped it, fails with `ESRCH` and sends nothing (the pid may
    /// name another process by then).
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let mut child = aspawn::Command::new("sleep").arg("10").spawn()?;
    /// child.signal(15)?; // SIGTERM
    /// assert_eq!(child.wait()?.signal(), Some(15));
    /// let err = child.signal(15).unwrap_err(); // reaped
    /// assert_eq!(err.raw_os_error(), Some(aspawn::Errno::SRCH.raw_os_error()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn signal(&self, sig: i32) -> io::Result<()> {
        let sig = Signal::from_named_raw(sig)
            .ok_or_else(|| io::Error::from_raw_os_error(Errno::INVAL.raw_os_error()))?;
        match &self.pidfd {
            Some(fd) => rustix::process::pidfd_send_signal(fd.as_fd(), sig),
            None if self.status.is_some() => Err(Errno::SRCH),
            None => rustix::process::kill_process(pid_of(self.pid), sig),
        }
        .map_err(Into::into)
    }

    /// Sends signal `sig` to the whole process group the child leads (`kill(-pgid)`): the
    /// child and every process still in its group, such as the background jobs of a shell, even
    /// after the child itself has exited (but not been reaped). The child must lead its own
    /// group: spawned with [`Command::process_group(0)`](crate::Command::process_group) or
    /// [`Command::setsid(true)`](crate::Command::setsid) (or by a child function that called
    /// `setpgid(0, 0)`/`setsid`). Not std's; what the `process-wrap` crate and `pueue` build
    /// by hand.
    ///
    /// Fails, sending nothing, with `InvalidInput` if the child is not its group's leader (it
    /// would signal the parent's own group), and with `ESRCH` once a wait of this `Child`
    /// has reaped it: the group's id is the child's pid, which may name another group by then.
    /// So signal the group *before* waiting. Processes that left the group (a shell's jobs
    /// moved to groups of their own, `setsid` in a grandchild) are not reached; for a session
    /// leader this is the session's first group. Without a pidfd, a foreign reaper (see
    /// [`Child`]) could make the pid, and thus the group id, name another group, as with
    /// [`Child::signal`]; with one, the child is checked unreaped after its group is read.
    ///
    /// ```
    /// use aspawn::Command;
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let mut child = Command::new("sh").args(["-c", "sleep 10 & wait"]).process_group(0).spawn()?;
    /// child.signal_group(15)?; // SIGTERM to the shell and its `sleep`
    /// assert_eq!(child.wait()?.signal(), Some(15));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn signal_group(&self, sig: i32) -> io::Result<()> {
        let sig = Signal::from_named_raw(sig)
            .ok_or_else(|| io::Error::from_raw_os_error(Errno::INVAL.raw_os_error()))?;
        if self.status.is_some() {
            return Err(Errno::SRCH.into());
        }
        let pid = pid_of(self.pid);
        let pgid = rustix::process::getpgid(Some(pid))?;
        if let Some(fd) = &self.pidfd {
            // The group was read from the pid: make sure it was still our child's then.
            let opts = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
            rustix::process::waitid(WaitId::PidFd(fd.as_fd()), opts)?;
        }
        if pgid != pid {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the child does not lead its own process group: spawn it with \
                 process_group(0) or setsid(true) to signal its group",
            ));
        }
        rustix::process::kill_process_group(pid, sig).map_err(Into::into)
    }

    /// Sends `SIGKILL` to the whole process group the child leads: see
    /// [`Child::signal_group`], whose errors it has. Then [`Child::wait`] reaps the child (the
    /// group's other members are not its children to reap).
    ///
    /// ```
    /// use aspawn::Command;
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let mut child = Command::new("sh").args(["-c", "sleep 10 & wait"]).setsid(true).spawn()?;
    /// child.kill_group()?;
    /// assert_eq!(child.wait()?.signal(), Some(9));
    ///
    /// let mut alone = Command::new("sleep").arg("10").spawn()?; // in our own group
    /// assert_eq!(alone.kill_group().unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// alone.kill()?;
    /// alone.wait()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill_group(&mut self) -> io::Result<()> {
        self.signal_group(libc_sig::SIGKILL)
    }
}

impl Child {
    /// Closes `stdin`, reads `stdout` and `stderr` to the end (both at once, so neither pipe
    /// fills up), and waits.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// let child = Command::new("sh")
    ///     .args(["-c", "echo out; echo err >&2; exit 1"])
    ///     .stdout(Stdio::piped())
    ///     .stderr(Stdio::piped())
    ///     .spawn()?;
    /// let out = child.wait_with_output()?;
    /// assert_eq!((out.stdout, out.stderr), (b"out\n".to_vec(), b"err\n".to_vec()));
    /// assert_eq!(out.status.code(), Some(1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
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
}

mod libc_sig {
    pub(super) const SIGKILL: i32 = linux_raw_sys::general::SIGKILL as i32;
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("pid", &self.pid)
            .field("pidfd", &self.pidfd.as_ref().map(|fd| fd.as_raw_fd()))
            .field("pidfd_shown", &self.pidfd_shown)
            .field("status", &self.status)
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
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
