//! [`PidFd`]: a file descriptor that names one process, in the shape of std's (unstable,
//! `linux_pidfd`) `std::os::linux::process::PidFd`.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::process::ExitStatus;

use rustix::io::Errno;
use rustix::process::{Signal, WaitId, WaitIdOptions};

use crate::exit_status::to_exit_status;

/// A pidfd: a file descriptor that refers to one process, and to no other even after that
/// process has been reaped and its pid reused (`pidfd_open(2)`). std's unstable
/// `std::os::linux::process::PidFd`, on stable.
///
/// Get one from a [`Child`](crate::Child) spawned with
/// [`Command::create_pidfd(true)`](crate::Command::create_pidfd) (or `spawn!` with
/// [`Stack::with_pidfd`](crate::Stack::with_pidfd)): borrowed with
/// [`Child::pidfd`](crate::Child::pidfd), owned with
/// [`Child::into_pidfd`](crate::Child::into_pidfd). It is close-on-exec, readable (`poll`)
/// once the process has exited, and closed when dropped.
///
/// Unlike the [`Child`](crate::Child)'s own methods, its waits do not remember a status:
/// waiting again after the process was reaped fails with `ECHILD`, and killing it then fails
/// with `ESRCH` (the pidfd knows that its process is gone, so nothing is sent elsewhere), as
/// std's `PidFd` does.
///
/// ```
/// use aspawn::Command;
/// use std::os::unix::process::ExitStatusExt;
///
/// let child = Command::new("sleep").arg("10").create_pidfd(true).spawn()?;
/// let pidfd = child.into_pidfd().expect("asked for a pidfd");
/// assert!(pidfd.try_wait()?.is_none());
/// pidfd.kill()?;
/// assert_eq!(pidfd.wait()?.signal(), Some(9));
/// assert_eq!(pidfd.wait().unwrap_err().raw_os_error(), Some(10)); // ECHILD: reaped already
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct PidFd {
    fd: OwnedFd,
}

impl PidFd {
    /// Sends `SIGKILL` to the process (`pidfd_send_signal`). Fails with `ESRCH` once the
    /// process has been reaped; a process that has exited but is not yet reaped takes it
    /// without effect (`Ok`).
    ///
    /// ```
    /// let pidfd = aspawn::Command::new("sleep").arg("10").create_pidfd(true).spawn()?
    ///     .into_pidfd().expect("asked for a pidfd");
    /// pidfd.kill()?;
    /// pidfd.kill()?; // killed, not yet reaped: still Ok
    /// pidfd.wait()?;
    /// assert_eq!(pidfd.kill().unwrap_err().raw_os_error(), Some(3)); // ESRCH
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill(&self) -> io::Result<()> {
        rustix::process::pidfd_send_signal(&self.fd, Signal::KILL).map_err(Into::into)
    }

    /// Waits for the process to exit and reaps it (`waitid(P_PIDFD)`, retried on `EINTR`).
    /// Unlike [`Child::wait`](crate::Child::wait), it neither closes a stdin pipe nor remembers
    /// the status: once the process has been reaped (here, by the `Child`, or by anyone else),
    /// it fails with `ECHILD`.
    ///
    /// ```
    /// let pidfd = aspawn::Command::new("sh").args(["-c", "exit 4"]).create_pidfd(true).spawn()?
    ///     .into_pidfd().expect("asked for a pidfd");
    /// assert_eq!(pidfd.wait()?.code(), Some(4));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait(&self) -> io::Result<ExitStatus> {
        loop {
            match rustix::process::waitid(WaitId::PidFd(self.fd.as_fd()), WaitIdOptions::EXITED) {
                Ok(Some(st)) => return Ok(to_exit_status(&st)),
                Ok(None) | Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Reaps the process if it has exited (`waitid(P_PIDFD, WNOHANG)`): `Ok(None)` while it
    /// runs, and, unlike [`Child::try_wait`](crate::Child::try_wait), `ECHILD` once it has
    /// been reaped.
    ///
    /// ```
    /// let pidfd = aspawn::Command::new("sleep").arg("10").create_pidfd(true).spawn()?
    ///     .into_pidfd().expect("asked for a pidfd");
    /// assert!(pidfd.try_wait()?.is_none());
    /// pidfd.kill()?;
    /// pidfd.wait()?;
    /// assert_eq!(pidfd.try_wait().unwrap_err().raw_os_error(), Some(10)); // ECHILD
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_wait(&self) -> io::Result<Option<ExitStatus>> {
        let opts = WaitIdOptions::EXITED | WaitIdOptions::NOHANG;
        match rustix::process::waitid(WaitId::PidFd(self.fd.as_fd()), opts) {
            // `waitid` with `WNOHANG` leaves `si_signo` at 0 when nothing has exited.
            Ok(Some(st)) if st.raw_signo() != 0 => Ok(Some(to_exit_status(&st))),
            Ok(_) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

impl AsFd for PidFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for PidFd {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl IntoRawFd for PidFd {
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

#[allow(unsafe_code)]
impl std::os::fd::FromRawFd for PidFd {
    /// Takes ownership of `fd`, which should be a pidfd (see `From<OwnedFd>`), as std's.
    ///
    /// # Safety
    ///
    /// `fd` must be an open file descriptor that nothing else owns or closes (the contract of
    /// `OwnedFd`'s [`from_raw_fd`](std::os::fd::FromRawFd::from_raw_fd)).
    unsafe fn from_raw_fd(fd: RawFd) -> PidFd {
        // SAFETY: the caller hands over an open fd that nothing else owns, which is
        // `OwnedFd::from_raw_fd`'s contract.
        PidFd { fd: unsafe { OwnedFd::from_raw_fd(fd) } }
    }
}

/// Takes an fd that must be a pidfd (from `pidfd_open`, `CLONE_PIDFD`, …), as std's
/// `From<OwnedFd> for PidFd`; the methods fail (`EINVAL`, `EBADF`) on any other fd.
impl From<OwnedFd> for PidFd {
    fn from(fd: OwnedFd) -> PidFd {
        PidFd { fd }
    }
}

impl From<PidFd> for OwnedFd {
    fn from(p: PidFd) -> OwnedFd {
        p.fd
    }
}
