//! Errors: the child's typed failure ([`Failure`], [`ChildResult`], [`ResultExt`]) and the
//! parent's [`SpawnError`].

use core::convert::Infallible;
use core::fmt;
use std::io;

use crate::stack::Stack;

/// An error number (`ENOENT`, `EPERM`, …): what every [`Ctx`](crate::Ctx) method returns on
/// failure, and what a [`Failure`] carries. It is rustix's `Errno`: constants without the `E`
/// (`Errno::NOENT`), [`raw_os_error`](Errno::raw_os_error) for the number, `From` into
/// [`std::io::Error`].
///
/// ```
/// use aspawn::{Ctx, Errno, Stack};
///
/// // Exits with the errno of a failed `open`.
/// #[aspawn::child]
/// fn open_missing(cx: &Ctx) -> i32 {
///     match cx.open(c"/nonexistent", aspawn::consts::O_RDONLY, 0) {
///         Ok(_) => 0,
///         Err(e) => e.raw_os_error(),
///     }
/// }
///
/// let spawned = aspawn::spawn!(Stack::new()?, open_missing, ())?;
/// let code = spawned.wait_released()?.0.wait()?.code();
/// assert_eq!(code, Some(Errno::NOENT.raw_os_error()));
/// assert_eq!(std::io::Error::from(Errno::NOENT).kind(), std::io::ErrorKind::NotFound);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use rustix::io::Errno;

/// What a child reports when it gives up before `execve`: an errno and the step that failed.
///
/// Made in the child with [`ResultExt::context`] or [`Failure::new`], carried to the parent through
/// the stack, and read back as a [`ChildFailed`](crate::ChildFailed).
///
/// ```
/// use aspawn::{Errno, Failure};
/// let f = Failure::new(Errno::NOENT, "execve");
/// assert_eq!(f.errno(), Errno::NOENT);
/// assert_eq!(f.step(), "execve");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    errno: Errno,
    step: &'static str,
}

impl Failure {
    /// A failure of `step` with `errno`: what a child returns for a failure of its own making.
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, Failure, Stack};
    ///
    /// #[aspawn::child]
    /// fn refuse(_cx: &Ctx, allowed: bool) -> ChildResult {
    ///     if !allowed {
    ///         return Err(Failure::new(Errno::ACCESS, "policy check"));
    ///     }
    ///     Err(Failure::new(Errno::NOSYS, "nothing to exec"))
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, refuse, (false))?.wait_released().unwrap_err();
    /// assert_eq!(failed.failure(), Failure::new(Errno::ACCESS, "policy check"));
    /// assert_eq!(failed.failure().to_string(), "policy check: Permission denied (os error 13)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub const fn new(errno: Errno, step: &'static str) -> Self {
        Self { errno, step }
    }

    /// The errno the failed step returned.
    ///
    /// ```
    /// use aspawn::{Errno, Failure};
    /// assert_eq!(Failure::new(Errno::NOENT, "execve").errno(), Errno::NOENT);
    /// ```
    #[inline]
    pub const fn errno(&self) -> Errno {
        self.errno
    }

    /// The step that failed, as given to [`ResultExt::context`].
    ///
    /// ```
    /// use aspawn::{Errno, Failure};
    /// assert_eq!(Failure::new(Errno::NOENT, "execve").step(), "execve");
    /// ```
    #[inline]
    pub const fn step(&self) -> &'static str {
        self.step
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure").field("errno", &self.errno).field("step", &self.step).finish()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.step, io::Error::from_raw_os_error(self.errno.raw_os_error()))
    }
}

/// The return type of a child function that only ever leaves through `execve` or a [`Failure`].
///
/// `Ok` is uninhabited: the child either becomes another program or reports why it could not.
///
/// ```
/// use aspawn::{Argv, ChildResult, Ctx, Envp, ResultExt, Stack};
///
/// #[aspawn::child]
/// fn run(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
///     cx.execve(c"/bin/true", argv, envp).context("execve") // only returns on failure
/// }
///
/// let spawned = aspawn::spawn!(Stack::new()?, run, (&["true"], Envp::empty()))?;
/// assert!(spawned.wait_released()?.0.wait()?.success());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type ChildResult = Result<Infallible, Failure>;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Adds a step name to a raw [`Errno`], making a [`Failure`] the parent can read.
///
/// ```
/// use aspawn::{Errno, ResultExt};
/// let r: Result<(), Errno> = Err(Errno::ACCESS);
/// let f = r.context("open config").unwrap_err();
/// assert_eq!((f.errno(), f.step()), (Errno::ACCESS, "open config"));
/// ```
pub trait ResultExt<T>: sealed::Sealed {
    /// Names the step that produced this result; an `Err(errno)` becomes `Err(Failure)`.
    ///
    /// ```
    /// use aspawn::{ChildResult, Ctx, Errno, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn enter(cx: &Ctx) -> ChildResult {
    ///     cx.chdir(c"/nonexistent").context("chdir to the work dir")?;
    ///     cx.exit(0)
    /// }
    ///
    /// let failed = aspawn::spawn!(Stack::new()?, enter, ())?.wait_released().unwrap_err();
    /// assert_eq!((failed.errno(), failed.step()), (Errno::NOENT, "chdir to the work dir"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn context(self, step: &'static str) -> Result<T, Failure>;
}

impl<T> sealed::Sealed for Result<T, Errno> {}

impl<T> ResultExt<T> for Result<T, Errno> {
    #[inline]
    fn context(self, step: &'static str) -> Result<T, Failure> {
        match self {
            Ok(v) => Ok(v),
            Err(errno) => Err(Failure::new(errno, step)),
        }
    }
}

/// Why `spawn` did not start a child. The stack comes back with it ([`SpawnError::into_stack`]).
///
/// ```
/// use aspawn::{CStrRef, Ctx, SpawnErrorKind, Stack};
///
/// #[aspawn::child]
/// fn len(_cx: &Ctx, s: CStrRef) -> i32 {
///     s.len() as i32
/// }
///
/// let err = aspawn::spawn!(Stack::new()?, len, ("nul\0inside")).unwrap_err();
/// assert_eq!(err.kind(), &SpawnErrorKind::InteriorNul { what: "string" });
/// assert_eq!(err.to_string(), "spawn: string argument contains an interior NUL byte");
/// let io: std::io::Error = err.into(); // `?` in io::Result code
/// assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SpawnError {
    kind: SpawnErrorKind,
    stack: Option<Stack>,
}

/// The kinds of [`SpawnError`].
///
/// ```
/// use aspawn::{Argv, Ctx, SpawnErrorKind, Stack};
///
/// #[aspawn::child]
/// fn count(_cx: &Ctx, argv: Argv) -> i32 {
///     argv.len() as i32
/// }
///
/// let huge = vec!["y".repeat(4096); 64]; // 256 KiB: more than a default stack holds
/// match aspawn::spawn!(Stack::new()?, count, (&huge)).unwrap_err().kind() {
///     SpawnErrorKind::StackTooSmall { needed, available } => assert!(needed > available),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpawnErrorKind {
    /// A string argument had a NUL byte inside it; `what` says which argument.
    InteriorNul {
        /// Which kind of argument: `"program"`, `"argv"`, `"envp"`, ….
        what: &'static str,
    },
    /// The arguments do not fit in the stack with room left for the child to run.
    StackTooSmall {
        /// Bytes the arguments and the minimum child stack need.
        needed: usize,
        /// Usable bytes of the stack.
        available: usize,
    },
    /// A system call in the parent failed (`pipe2` for fd exhaustion, `clone3`, `mmap`, …).
    Os {
        /// The errno.
        errno: Errno,
        /// The call that failed.
        call: &'static str,
    },
    /// The spawn asked for what the clone this process can use cannot do, and started no
    /// child: [`Launch::with_cgroup`](crate::Launch::with_cgroup) (`CLONE_INTO_CGROUP`) needs
    /// `clone3` on Linux ≥ 5.7, and the spawn would have used legacy `clone` (`clone3` refused,
    /// by a seccomp filter or an older kernel, or legacy `clone` forced with
    /// `ASPAWN_CLONE_MODE=legacy`). Converted to an `io::Error`, it is of kind
    /// `ErrorKind::Unsupported`.
    Unsupported {
        /// What was asked for: `"CLONE_INTO_CGROUP"`.
        feature: &'static str,
        /// What `clone3` returned in this spawn before the engine gave up on it (`ENOSYS` or
        /// `EPERM` from a seccomp filter, `EINVAL` or `E2BIG` from a kernel before 5.7); `None`
        /// when the spawn did not try `clone3` (legacy `clone` forced, or chosen by an earlier
        /// spawn of the process).
        clone3_errno: Option<Errno>,
    },
}

impl SpawnError {
    pub(crate) fn new(kind: SpawnErrorKind) -> Self {
        Self { kind, stack: None }
    }

    pub(crate) fn os(errno: Errno, call: &'static str) -> Self {
        Self::new(SpawnErrorKind::Os { errno, call })
    }

    pub(crate) fn with_stack(mut self, stack: Stack) -> Self {
        self.stack = Some(stack);
        self
    }

    /// What went wrong.
    ///
    /// ```
    /// use aspawn::{CStrRef, Ctx, SpawnErrorKind, Stack};
    ///
    /// #[aspawn::child]
    /// fn len(_cx: &Ctx, s: CStrRef) -> i32 {
    ///     s.len() as i32
    /// }
    ///
    /// let err = aspawn::spawn!(Stack::new()?, len, ("a\0b")).unwrap_err();
    /// assert!(matches!(err.kind(), SpawnErrorKind::InteriorNul { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> &SpawnErrorKind {
        &self.kind
    }

    /// The errno, for an [`SpawnErrorKind::Os`] error (`None` for the others).
    ///
    /// ```
    /// use aspawn::{CStrRef, Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn len(_cx: &Ctx, s: CStrRef) -> i32 {
    ///     s.len() as i32
    /// }
    ///
    /// // A placement error made no system call: no errno.
    /// let err = aspawn::spawn!(Stack::new()?, len, ("a\0b")).unwrap_err();
    /// assert_eq!(err.errno(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn errno(&self) -> Option<Errno> {
        match self.kind {
            SpawnErrorKind::Os { errno, .. } => Some(errno),
            _ => None,
        }
    }

    /// The stack the spawn was given, to reuse for the next one.
    ///
    /// ```
    /// use aspawn::{CStrRef, Ctx, Stack};
    ///
    /// #[aspawn::child]
    /// fn len(_cx: &Ctx, s: CStrRef) -> i32 {
    ///     s.len() as i32
    /// }
    ///
    /// let err = aspawn::spawn!(Stack::new()?, len, ("a\0b")).unwrap_err();
    /// let stack = err.into_stack().expect("handed back");
    /// let (mut child, _stack) = aspawn::spawn!(stack, len, ("abc"))?.wait_released()?;
    /// assert_eq!(child.wait()?.code(), Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_stack(self) -> Option<Stack> {
        self.stack
    }
}

impl fmt::Debug for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpawnError").field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SpawnErrorKind::InteriorNul { what } => {
                write!(f, "spawn: {what} argument contains an interior NUL byte")
            }
            SpawnErrorKind::StackTooSmall { needed, available } => write!(
                f,
                "spawn: the arguments need {needed} bytes of stack but only {available} are usable \
                 (use Stack::with_size)"
            ),
            SpawnErrorKind::Os { errno, call } => {
                write!(f, "spawn: {call}: {}", io::Error::from_raw_os_error(errno.raw_os_error()))
            }
            SpawnErrorKind::Unsupported { feature, clone3_errno } => {
                write!(
                    f,
                    "spawn: {feature} needs clone3 (Linux >= 5.7), and this spawn uses legacy clone"
                )?;
                match clone3_errno {
                    Some(e) => {
                        write!(f, " (clone3: {})", io::Error::from_raw_os_error(e.raw_os_error()))
                    }
                    None => write!(f, " (forced, or chosen by an earlier spawn)"),
                }
            }
        }
    }
}

impl std::error::Error for SpawnError {}

impl From<SpawnError> for io::Error {
    fn from(e: SpawnError) -> io::Error {
        match e.kind {
            SpawnErrorKind::Os { errno, .. } => io::Error::from_raw_os_error(errno.raw_os_error()),
            SpawnErrorKind::InteriorNul { .. } => io::Error::new(io::ErrorKind::InvalidInput, e),
            SpawnErrorKind::StackTooSmall { .. } => io::Error::new(io::ErrorKind::InvalidInput, e),
            SpawnErrorKind::Unsupported { .. } => io::Error::new(io::ErrorKind::Unsupported, e),
        }
    }
}
