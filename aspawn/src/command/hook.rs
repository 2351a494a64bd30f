//! [`child_hook!`](crate::child_hook): a safe `pre_exec` for [`Command`](super::Command).
//!
//! A hook is an `#[aspawn::child]` helper, `fn hook(cx: &Ctx, a: A, …) -> Result<(), Failure>`.
//! The child language has no dynamic call (no fn pointers, no trait objects, no generics), so a
//! `Command` cannot call a hook it only knows at run time from its own, fixed child function.
//! Instead `child_hook!` writes, at the call site, one more `#[aspawn::child]` function — checked
//! like any other — that runs the command's [`prepare`](super::child::prepare), the hook, then
//! [`finish`](super::child::finish), and hands the `Command` the two ways to run it (spawn it,
//! or run it in this process for [`Command::exec`](super::Command::exec)).

use std::io;

use crate::error::SpawnError;
use crate::private::{ChildFn, ChildReturn};
use crate::spawned::Spawned;
use crate::stack::{Placer, Stack};

type SpawnFn = dyn Fn(Stack, &super::Prepared<'_>) -> Result<Spawned, SpawnError> + Send + Sync;
type ExecFn = dyn Fn(Stack, &super::Prepared<'_>) -> io::Error + Send + Sync;

/// A `Command`'s hook: its child function, spawned or run here.
pub(crate) struct Hook {
    pub(crate) spawn: Box<SpawnFn>,
    pub(crate) exec: Box<ExecFn>,
}

/// Runs the child function `F` in *this* process, for `Command::exec`: its arguments are placed
/// in `stack` as for a spawn, and its `Ctx` has no report fd. It returns only if `F` failed.
#[doc(hidden)]
pub fn run_here<F: ChildFn>(
    mut stack: Stack,
    place: impl FnOnce(&mut Placer<'_>) -> Result<F::Args, SpawnError>,
) -> io::Error {
    let args = {
        let mut p = stack.placer();
        match place(&mut p) {
            Ok(a) => a,
            Err(e) => return e.into(),
        }
    };
    let mut mask = 0u64;
    if let Err(e) = crate::engine::sys::sigprocmask(crate::consts::SIG_BLOCK, None, Some(&mut mask))
    {
        return e.into();
    }
    // std resets SIGPIPE (which Rust programs ignore) before its exec; the engine does it for a
    // spawned child.
    let _ =
        crate::engine::sys::set_disposition(crate::consts::SIGPIPE, crate::engine::sys::SIG_DFL);
    let cx = crate::ctx::Ctx::new(-1, mask);
    let err = match F::call(&cx, args).into_exit() {
        Err(failure) => io::Error::from_raw_os_error(failure.errno().raw_os_error()),
        Ok(_) => io::Error::other("the command's child function returned without exec"),
    };
    drop(stack);
    err
}

/// What `child_hook!` expands to uses these. Not public API.
#[doc(hidden)]
pub mod __hook {
    use crate::ctx::Ctx;
    use crate::error::Failure;
    use crate::private::ops::ChildCall;

    pub use super::super::Prepared;
    pub use super::super::child::{Plan, finish, prepare};
    pub use super::run_here;

    /// The argument tuple of a hook with `N` parameters after `cx`.
    pub trait HookArgs<const N: usize> {
        /// `(A, B, …)`.
        type Args;
    }
    impl<H> HookArgs<0> for H
    where
        H: ChildCall<Fn = fn(&Ctx) -> Result<(), Failure>>,
    {
        type Args = ();
    }
    impl<H, A> HookArgs<1> for H
    where
        H: ChildCall<Fn = fn(&Ctx, A) -> Result<(), Failure>>,
    {
        type Args = (A,);
    }
    impl<H, A, B> HookArgs<2> for H
    where
        H: ChildCall<Fn = fn(&Ctx, A, B) -> Result<(), Failure>>,
    {
        type Args = (A, B);
    }
    impl<H, A, B, C> HookArgs<3> for H
    where
        H: ChildCall<Fn = fn(&Ctx, A, B, C) -> Result<(), Failure>>,
    {
        type Args = (A, B, C);
    }
    impl<H, A, B, C, D> HookArgs<4> for H
    where
        H: ChildCall<Fn = fn(&Ctx, A, B, C, D) -> Result<(), Failure>>,
    {
        type Args = (A, B, C, D);
    }
}

/// Sets a *child hook* on a [`Command`](crate::Command): an `#[aspawn::child]` function the
/// child runs after every other setting (fds, ids, cwd, …) and just before `execve` — the safe
/// replacement for std's `unsafe` `CommandExt::pre_exec`.
///
/// `aspawn::child_hook!(cmd, hook_fn, (args…))`, where `hook_fn` is a helper
/// `#[aspawn::child] fn hook_fn(cx: &Ctx, a: A, …) -> Result<(), Failure>` in scope (by name),
/// with up to four parameters after `cx`, and `args` the parent-side values for them (as for
/// `spawn!`; each must be `Clone + Send + Sync + 'static`, since the `Command` keeps them for
/// every spawn: integers, `Fd`, `c"…"` literals, `&'static str` …). An `Err` from the hook fails
/// the spawn with its errno, as an `Err` from `pre_exec` does in std.
///
/// ```
/// use aspawn::{Command, Ctx, Failure, Fd, ResultExt};
/// use std::io::Read;
/// use std::os::fd::AsRawFd;
///
/// #[aspawn::child]
/// fn say_hello(cx: &Ctx, fd: Fd) -> Result<(), Failure> {
///     cx.write_all(fd, b"hello from the hook\n").context("write")
/// }
///
/// let (mut r, w) = std::io::pipe()?;
/// let mut cmd = Command::new("true");
/// aspawn::child_hook!(cmd, say_hello, (Fd::from_raw(w.as_raw_fd())));
/// cmd.status()?;
/// drop(w);
/// let mut s = String::new();
/// r.read_to_string(&mut s)?;
/// assert_eq!(s, "hello from the hook\n");
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// One hook per command: a later `child_hook!` replaces the earlier one (call several helpers
/// from one hook instead). It expands to `cmd.__set_hook(…)` and evaluates to `&mut Command`.
#[macro_export]
macro_rules! child_hook {
    ($cmd:expr, $hook:ident, ()) => {
        $crate::child_hook!(@go $cmd, $hook, 0, (), [])
    };
    ($cmd:expr, $hook:ident, ($a0:expr $(,)?)) => {
        $crate::child_hook!(@go $cmd, $hook, 1, ($a0,), [0])
    };
    ($cmd:expr, $hook:ident, ($a0:expr, $a1:expr $(,)?)) => {
        $crate::child_hook!(@go $cmd, $hook, 2, ($a0, $a1), [0 1])
    };
    ($cmd:expr, $hook:ident, ($a0:expr, $a1:expr, $a2:expr $(,)?)) => {
        $crate::child_hook!(@go $cmd, $hook, 3, ($a0, $a1, $a2), [0 1 2])
    };
    ($cmd:expr, $hook:ident, ($a0:expr, $a1:expr, $a2:expr, $a3:expr $(,)?)) => {
        $crate::child_hook!(@go $cmd, $hook, 4, ($a0, $a1, $a2, $a3), [0 1 2 3])
    };
    (@go $cmd:expr, $hook:ident, $n:literal, $args:expr, [$($i:tt)*]) => {{
        type __AspawnHookArgs = <$hook as $crate::command::__hook::HookArgs<$n>>::Args;

        #[$crate::child]
        fn __aspawn_hooked(
            cx: &$crate::Ctx,
            plan: $crate::command::__hook::Plan,
            hook_args: __AspawnHookArgs,
        ) -> $crate::ChildResult {
            $crate::command::__hook::prepare(cx, plan)?;
            $hook(cx $(, hook_args.$i)*)?;
            $crate::command::__hook::finish(cx, plan)
        }

        let args = $args;
        let exec_args = ::core::clone::Clone::clone(&args);
        $cmd.__set_hook(
            move |stack: $crate::Stack, plan: &$crate::command::__hook::Prepared<'_>| {
                $crate::spawn!(stack, __aspawn_hooked, (plan, ::core::clone::Clone::clone(&args)))
            },
            move |stack: $crate::Stack, plan: &$crate::command::__hook::Prepared<'_>| {
                $crate::command::__hook::run_here::<__aspawn_hooked>(stack, |p| {
                    <__aspawn_hooked>::__aspawn_place(
                        p,
                        plan,
                        ::core::clone::Clone::clone(&exec_args),
                    )
                })
            },
        )
    }};
}
