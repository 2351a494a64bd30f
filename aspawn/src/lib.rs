//! Spawn processes on Linux without parking the caller: no thread is blocked until the child has
//! called `execve`.
//!
//! aspawn starts a child with `clone(CLONE_VM)` onto a small, reusable [`Stack`] and returns at
//! once: no thread waits for the child's `execve`, unlike `posix_spawn`, `vfork` or
//! `std::process::Command`. Between clone and exec the child runs *your* code — a function marked
//! [`#[aspawn::child]`](macro@child), which the attribute checks at compile time: only the system
//! calls of [`Ctx`], only *placed* data (the [`ChildArg`] values `spawn!` deep-copied into the
//! child's stack before the clone), no allocation, no TLS, no panics. The child is *released*
//! once it has exec'd or exited: it no longer runs on the stack, and [`Spawned::wait_released`]
//! (or [`try_released`](Spawned::try_released), or `released().await`) hands the stack back
//! with the [`Child`].
//!
//! ```
//! use aspawn::{Argv, ChildResult, CStrRef, Ctx, Envp, Fd, ResultExt, Stack};
//! # use std::io::Read;
//!
//! #[aspawn::child]
//! fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
//!     cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
//!     cx.restore_sigmask().context("sigprocmask")?;
//!     cx.execve(prog, argv, envp).context("execve")
//! }
//!
//! let (mut r, w) = std::io::pipe()?;
//! let stack = Stack::new()?;
//! let spawned = aspawn::spawn!(stack, run, (c"/bin/echo", &["echo", "hi"], Envp::inherit(), &w))?;
//! drop(w);
//! let (mut child, _stack) = spawned.wait_released()?;    // exec happened; the stack is ours again
//! assert!(child.wait()?.success());
//! let mut out = String::new();
//! r.read_to_string(&mut out)?;
//! assert_eq!(out, "hi\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The [`soundness`] module lists every way a `CLONE_VM` child could corrupt its parent and what
//! this crate does about each.
//!
//! # Platform
//!
//! Linux ≥ 5.3 (`clone3`, pidfds) on x86_64 and aarch64, with a legacy `clone` path for seccomp
//! profiles that refuse `clone3`. A child that crashes only kills itself on Linux ≥ 5.16; on
//! older kernels a core-dumping signal in a `CLONE_VM` child killed every process sharing its
//! memory. Sanitizers (MSan, TSan), coverage instrumentation and `LD_PRELOAD` interposers are not
//! supported on the child's path.
//!
//! # Environment variables
//!
//! `ASPAWN_CLONE_MODE`, read once, at the first spawn of the process, forces the clone that every
//! spawn uses ([`Spawned::clone_mode`] tells which one a child got):
//!
//! - `clone3-clear-sighand`: `clone3` with `CLONE_CLEAR_SIGHAND` (Linux ≥ 5.5), where the kernel
//!   resets the child's signal handlers;
//! - `clone3`: `clone3` without that flag (Linux 5.3 and 5.4); the child resets its handlers
//!   itself before running your code;
//! - `legacy`: the `clone` system call, for seccomp profiles that refuse `clone3` (several
//!   container runtimes' default profiles make it fail with `ENOSYS` or `EPERM`).
//!
//! Without it, the first spawn tries `clone3-clear-sighand` and falls down that list when the
//! kernel or a seccomp filter refuses a call (`ENOSYS`, `EPERM`, `EINVAL`, `E2BIG`), and later
//! spawns use what worked. A forced mode never falls back: a refused clone is the spawn's error.
//! Any other value is ignored. Set it to run your own tests on the path a restricted production
//! environment would take, without that environment: `ASPAWN_CLONE_MODE=legacy cargo test`
//! exercises the same code as a host whose seccomp profile refuses `clone3`.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![warn(missing_docs)]

// Generated code names `::aspawn::…`; this lets the crate's own `#[aspawn::child]` fns compile.
extern crate self as aspawn;

#[cfg(not(target_os = "linux"))]
compile_error!("aspawn supports Linux only");
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("aspawn supports x86_64 and aarch64 only");

mod arg;
#[cfg(feature = "tokio")]
mod async_io;
mod child;
pub mod command;
pub mod consts;
mod contract;
mod ctx;
mod engine;
mod environ;
mod error;
mod exit_status;
mod pidfd;
mod placer;
mod pool;
mod spawn_error;
mod spawned;
mod stack;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;

/// What a `CLONE_VM` child could break in its parent, and how this crate prevents each hazard.
///
/// This module has no items: it is the crate's hazard list, the same text as
/// [`docs/SOUNDNESS.md`](https://github.com/aspawn-rs/aspawn/blob/main/aspawn/docs/SOUNDNESS.md)
/// in the repository. Paths in it (`tests/ui/…`, `engine_lifetime.rs`, `engine/dumpable.rs`)
/// name files of [the repository](https://github.com/aspawn-rs/aspawn): the tests under `tests/`
/// and the sources under `aspawn/src/`. Item numbers are what the crate's source comments cite.
///
#[doc = include_str!("../docs/SOUNDNESS.md")]
pub mod soundness {}

#[doc(hidden)]
pub mod __private {
    pub use crate::private::*;
}
mod private;

#[cfg(feature = "tokio")]
pub use crate::tokio::AsyncChild;
pub use arg::Groups;
pub use arg::{Argv, CStrRef, CStrSource, ChildArg, EnvSource, Envp, Fd, GroupList};
pub use aspawn_macros::{child, spawn};
pub use child::Child;
pub use command::{Command, PendingChild, Stdio};
pub use ctx::Ctx;
pub use engine::CloneMode;
pub use environ::EnvBlock;
pub use error::{ChildResult, Errno, Failure, ResultExt};
pub use pidfd::PidFd;
pub use placer::Placer;
pub use pool::StackPool;
pub use spawn_error::{SpawnError, SpawnErrorKind};
pub use spawned::{ChildFailed, Released, Spawned};
pub use stack::{Launch, MIN_CHILD_STACK, Stack};

/// The package README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
