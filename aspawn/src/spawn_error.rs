//! Why a spawn did not start a child ([`SpawnError`], [`SpawnErrorKind`]): the parent's errors,
//! which hand the stack back.

use core::fmt;
use std::io;

use crate::error::Errno;
use crate::stack::Stack;

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
