//! [`Stdio`]: what a child's standard input, output or error is connected to.

use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::process::{ChildStderr, ChildStdin, ChildStdout};

/// Describes what to do with a standard stream of a child process, as
/// [`std::process::Stdio`] does: [`Stdio::inherit`], [`Stdio::piped`], [`Stdio::null`], or any
/// open file descriptor (`Stdio::from(file)`, `Stdio::from(child_stdout)`, `Stdio::from(owned_fd)`,
/// `Stdio::from_raw_fd(n)`). A `std::process::Stdio` converts too (`Stdio::from(std_stdio)`, or
/// given straight to `Command::stdout` …), with the same setting.
///
/// Unlike std's, this `Stdio` is not consumed by a spawn: a `Command` can be spawned again with
/// the same configuration (an fd given with `From` stays open in the `Command` and is connected
/// to every child).
///
/// ```
/// use aspawn::{Command, Stdio};
///
/// let out = Command::new("echo").arg("piped").stdout(Stdio::piped()).output()?;
/// assert_eq!(out.stdout, b"piped\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Stdio(pub(crate) Kind);

impl std::fmt::Debug for Stdio {
    /// `Stdio { .. }`, as std's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stdio").finish_non_exhaustive()
    }
}

/// A stream setting printed as std's `Command` prints its own in `{:#?}`.
pub(crate) struct StdShape<'a>(pub(crate) &'a Kind);

impl std::fmt::Debug for StdShape<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct FileDesc<'a>(&'a OwnedFd);
        impl std::fmt::Debug for FileDesc<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple("FileDesc").field(self.0).finish()
            }
        }
        match self.0 {
            Kind::Inherit => f.write_str("Inherit"),
            Kind::Null => f.write_str("Null"),
            Kind::Piped => f.write_str("MakePipe"),
            Kind::Fd(fd) => f.debug_tuple("Fd").field(&FileDesc(fd)).finish(),
            Kind::Parent(n) => {
                let fd = if *n == 1 { super::io::stdout_fd() } else { super::io::stderr_fd() };
                f.debug_tuple("StaticFd").field(&fd).finish()
            }
            Kind::Unreadable => f.write_str("Unreadable"),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Kind {
    Inherit,
    Null,
    Piped,
    Fd(OwnedFd),
    /// The parent's own stdout (1) or stderr (2) (`Stdio::from(io::stdout())`), never closed.
    Parent(i32),
    /// A `std::process::Stdio` whose setting could not be read: fails every spawn.
    Unreadable,
}

impl Stdio {
    /// A new pipe: the parent's end comes back in the `Child` (`child.stdout`, …).
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    /// use std::io::Read;
    ///
    /// let mut child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn()?;
    /// let mut s = String::new();
    /// child.stdout.take().expect("piped").read_to_string(&mut s)?;
    /// assert_eq!(s, "hi\n");
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn piped() -> Stdio {
        Stdio(Kind::Piped)
    }

    /// The child uses the parent's stream (the default for `spawn` and `status`).
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// let mut child = Command::new("true").stdout(Stdio::inherit()).spawn()?;
    /// assert!(child.stdout.is_none()); // nothing to read: the child writes to our stdout
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn inherit() -> Stdio {
        Stdio(Kind::Inherit)
    }

    /// `/dev/null` (the default for `output`'s stdin).
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// // `cat` reads end of file at once from /dev/null.
    /// let out = Command::new("cat").stdin(Stdio::null()).output()?;
    /// assert!(out.status.success());
    /// assert!(out.stdout.is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn null() -> Stdio {
        Stdio(Kind::Null)
    }

    /// Whether this is [`Stdio::piped`].
    ///
    /// ```
    /// use aspawn::Stdio;
    ///
    /// assert!(Stdio::piped().makes_pipe());
    /// assert!(!Stdio::null().makes_pipe());
    /// assert!(!Stdio::inherit().makes_pipe());
    /// ```
    pub fn makes_pipe(&self) -> bool {
        matches!(self.0, Kind::Piped)
    }
}

impl From<OwnedFd> for Stdio {
    /// The child uses this fd.
    fn from(fd: OwnedFd) -> Stdio {
        Stdio(Kind::Fd(fd))
    }
}

#[allow(unsafe_code)]
impl std::os::fd::FromRawFd for Stdio {
    /// The child uses this fd, which the `Stdio` (and the `Command` it is given to) now owns and
    /// closes, as with std's `Stdio::from_raw_fd`.
    ///
    /// # Safety
    ///
    /// `fd` must be an open file descriptor that nothing else owns or closes (the contract of
    /// `OwnedFd`'s [`from_raw_fd`](std::os::fd::FromRawFd::from_raw_fd)).
    unsafe fn from_raw_fd(fd: std::os::fd::RawFd) -> Stdio {
        // SAFETY: the caller hands over an open fd that nothing else owns, which is
        // `OwnedFd::from_raw_fd`'s contract.
        Stdio(Kind::Fd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }
}

impl From<File> for Stdio {
    /// The child uses this file.
    fn from(f: File) -> Stdio {
        Stdio(Kind::Fd(f.into()))
    }
}

macro_rules! from_into_owned_fd {
    ($($t:ty => $doc:literal),* $(,)?) => {$(
        impl From<$t> for Stdio {
            #[doc = $doc]
            fn from(x: $t) -> Stdio {
                Stdio(Kind::Fd(OwnedFd::from(x)))
            }
        }
    )*};
}
from_into_owned_fd! {
    ChildStdin => "Another child's stdin pipe becomes this child's stream.",
    ChildStdout => "Another child's stdout pipe becomes this child's stream (a pipeline).",
    ChildStderr => "Another child's stderr pipe becomes this child's stream.",
    io::PipeReader => "The read end of an anonymous pipe.",
    io::PipeWriter => "The write end of an anonymous pipe.",
}

impl From<io::Stdout> for Stdio {
    /// The parent's standard output (fd 1), whatever the child's number for it.
    fn from(s: io::Stdout) -> Stdio {
        let _ = s;
        Stdio(Kind::Parent(1))
    }
}

impl From<io::Stderr> for Stdio {
    /// The parent's standard error (fd 2).
    fn from(s: io::Stderr) -> Stdio {
        let _ = s;
        Stdio(Kind::Parent(2))
    }
}

/// The parent-side ends of the pipes a spawn made.
#[derive(Default)]
pub(crate) struct Pipes {
    pub(crate) stdin: Option<ChildStdin>,
    pub(crate) stdout: Option<ChildStdout>,
    pub(crate) stderr: Option<ChildStderr>,
    /// `Command::create_pidfd(true)`: the `Child` shows its pidfd (else it is private).
    pub(crate) show_pidfd: bool,
}
