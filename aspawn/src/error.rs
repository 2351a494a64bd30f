//! Errors: the child's typed failure ([`Failure`], [`ChildResult`], [`ResultExt`]) and the
//! parent's [`SpawnError`].

use core::convert::Infallible;
use core::fmt;
use std::io;

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
