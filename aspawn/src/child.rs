//! [`Child`]: a running (or exited) process, in std's shape, whoever spawned it.

use core::fmt;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::process::{ChildStderr, ChildStdin, ChildStdout, ExitStatus, Output};

use rustix::event::{PollFd, PollFlags};
use rustix::process::{Signal, WaitId, WaitIdOptions};

use rustix::io::Errno;
use std::os::unix::process::ExitStatusExt;

/// A child process, in std's shape: what `spawn!`'s release and
/// [`Command::spawn`](crate::Command::spawn) both give. The parent's ends of the pipes that
/// [`Stdio::piped`](crate::Stdio::piped) made are in `stdin`/`stdout`/`stderr` (std's own types;
/// `None` for a child of `spawn!`, whose fds the child function set up itself); `id`, `wait`,
/// `try_wait`, `kill` and `wait_with_output` behave as std's. Dropping it neither kills nor
/// reaps the process, as with std.
///
/// # Waiting by pid, or through a pidfd
///
/// A child spawned with a pidfd ([`Stack::with_pidfd`](crate::Stack::with_pidfd); [`Command`](crate::Command) takes one by
/// default) is waited for (`waitid(P_PIDFD)`) and signalled (`pidfd_send_signal`) through it:
/// nothing another part of the process does can make it name another process.
///
/// Without one (the default of `spawn!`) it is waited for by pid (`waitid(P_PID)`) and
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
    pidfd: Option<OwnedFd>,
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
        Child { pid, pidfd, status: None, stdin: None, stdout: None, stderr: None }
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
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The process id, as std's `Child::id`.
    pub fn id(&self) -> u32 {
        self.pid as u32
    }

    /// The pidfd, if the spawn took one ([`Stack::with_pidfd`](crate::Stack::with_pidfd); `Command` does by default);
    /// `None` otherwise, and the child is waited for by pid (see [`Child`]).
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.pidfd.as_ref().map(|fd| fd.as_fd())
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
            self.pidfd = Some(fd);
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

    /// Sends `SIGKILL`. Like std, succeeds without effect once the child has been reaped.
    pub fn kill(&mut self) -> io::Result<()> {
        if self.status.is_some() {
            return Ok(());
        }
        self.signal(libc_sig::SIGKILL)
    }

    /// Sends signal `sig`: through the pidfd, or with `kill(pid)` while the child is not known
    /// reaped. Once a wait has reaped it, fails with `ESRCH` and sends nothing (the pid may
    /// name another process by then).
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
}

impl Child {
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
}

mod libc_sig {
    pub(super) const SIGKILL: i32 = linux_raw_sys::general::SIGKILL as i32;
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("pid", &self.pid)
            .field("pidfd", &self.pidfd.as_ref().map(|fd| fd.as_raw_fd()))
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

/// Converts `waitid`'s `siginfo` into std's wait-status encoding.
pub(crate) fn to_exit_status(st: &rustix::process::WaitIdStatus) -> ExitStatus {
    if let Some(code) = st.exit_status() {
        ExitStatus::from_raw((code & 0xff) << 8)
    } else if let Some(sig) = st.terminating_signal() {
        ExitStatus::from_raw((sig & 0x7f) | if st.dumped() { 0x80 } else { 0 })
    } else {
        ExitStatus::from_raw(0)
    }
}
