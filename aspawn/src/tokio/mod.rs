//! tokio's `tokio::process` names over aspawn (feature `tokio`): change
//! `use tokio::process::Command;` into `use aspawn::tokio::Command;` and the rest of the code
//! stays as it was.
//!
//! ```
//! # fn main() -> std::io::Result<()> {
//! use aspawn::tokio::Command;
//! use std::process::Stdio;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! rt.block_on(async {
//!     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
//!     child.stdin.take().unwrap().write_all(b"hello").await?; // dropped: end of file for cat
//!     let mut s = String::new();
//!     child.stdout.take().unwrap().read_to_string(&mut s).await?;
//!     assert_eq!(s, "hello");
//!     assert!(child.wait().await?.success());
//!
//!     let out = Command::new("echo").arg("hi").output().await?;
//!     assert_eq!(out.stdout, b"hi\n");
//!     Ok(())
//! })
//! # }
//! ```
//!
//! - [`Command`]: tokio's builder (the setters aspawn has, `kill_on_drop`, a synchronous
//!   `spawn`, `output()` and `status()` futures), delegating to [`crate::Command`];
//! - [`Child`]: tokio's `Child` ([`AsyncChild`]): public `stdin`/`stdout`/`stderr` of tokio's
//!   own [`ChildStdin`]/[`ChildStdout`]/[`ChildStderr`] types (re-exported here), `id() ->
//!   Option<u32>`, `wait`, `try_wait`, `kill`, `start_kill`, `wait_with_output`.
//!
//! # Where this differs from tokio
//!
//! - **Reaping**: a child is awaited on its pidfd in tokio's reactor; there is no `SIGCHLD`
//!   handler (tokio installs one). A dropped, unreaped child is reaped by a task of the runtime
//!   current at the drop, or, without one, by a later spawn through this module (tokio reaps
//!   its orphans at a later `SIGCHLD`): best effort in both, see [`AsyncChild`].
//! - **No `as_std`/`as_std_mut`/`into_std`**: the command underneath is aspawn's, not std's:
//!   [`Command::as_aspawn`], [`Command::as_aspawn_mut`], [`Command::into_aspawn`]. The getters
//!   (`get_program`, `get_args`, …) and aspawn's extras (`setsid`, `rlimit`, `child_hook`, …)
//!   are there.
//! - **No `pre_exec`**: tokio's is an `unsafe` closure run after `fork`; aspawn's child code is
//!   a checked `#[aspawn::child]` function, given with
//!   [`crate::Command::child_hook`] through [`Command::as_aspawn_mut`].
//! - **Stdio**: `stdin`/`stdout`/`stderr` take anything that converts into [`crate::Stdio`],
//!   which includes `std::process::Stdio` (what tokio takes) and `OwnedFd`s.
//! - **Extras**: [`AsyncChild::pidfd`] (tokio's `Child` has no pidfd).
//! - **`spawn` waits for the exec**, synchronously, as tokio's `spawn` does (so that a missing
//!   program is its error); [`crate::Command::spawn_async`] gives a future that waits for the
//!   exec in the reactor instead, and `output()`/`status()` use that.
//! - **Outside a runtime**: a spawn with a piped stream panics there, as tokio's does (tokio's
//!   pipe types need a reactor); a spawn without pipes does not need a runtime, awaiting the
//!   child does.

mod child;
mod command;
pub(crate) mod reaper;
mod spawn;

pub use ::tokio::process::{ChildStderr, ChildStdin, ChildStdout};
pub use child::AsyncChild;
pub use command::Command;

/// tokio's `Child`: the handle [`Command::spawn`] gives, an [`AsyncChild`].
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// rt.block_on(async {
///     let mut child: aspawn::tokio::Child = aspawn::tokio::Command::new("true").spawn()?;
///     assert!(child.wait().await?.success());
///     Ok(())
/// })
/// # }
/// ```
pub type Child = AsyncChild;
