//! [`Command::child_hook`](super::Command::child_hook): a safe `pre_exec`.
//!
//! A hook is an `#[aspawn::child]` helper, `fn hook(cx: &Ctx, a: A, …) -> Result<(), Failure>`;
//! the attribute makes its name a unit value whose type carries the checked function
//! (`Approved`). `child_hook` takes that value and stores, type-erased, the two ways to run
//! [`Hooked<H, A>`] — the command's `prepare`, the hook, then `finish` — spawned, or in this process
//! for [`Command::exec`](super::Command::exec). `Hooked` is the one child entry point written by
//! hand (it is generic, which the attribute does not accept); it only sequences checked functions.
//!
//! # Safety
//!
//! `run_here` sets up a `Ctx` in the calling process (for `exec`) and the `unsafe impl ChildFn`
//! below vouches for the glue; each says why it holds.
#![allow(unsafe_code)]

use std::io;

use core::marker::PhantomData;

use super::child::{Plan, finish, prepare};
use crate::arg::{ChildArg, Place};
use crate::consts::{SIG_SETMASK, SIGPIPE};
use crate::ctx::Ctx;
use crate::engine::sys::{self, KernelSigaction};
use crate::error::{ChildResult, Failure};
use crate::placer::Placer;
use crate::private::ops::deeper;
use crate::private::{Approved, ChildFn, ChildReturn, Kit};
use crate::spawn_error::SpawnError;
use crate::spawned::Spawned;
use crate::stack::Stack;

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
    if let Err(e) = sys::sigprocmask(crate::consts::SIG_BLOCK, None, Some(&mut mask)) {
        return e.into();
    }
    // std resets SIGPIPE (which Rust programs ignore) before its exec; the engine does it for a
    // spawned child. The child function keeps this thread's mask (its `restore_sigmask` sets
    // `mask` again), as std's `exec` does.
    let mut pipe = KernelSigaction { handler: sys::SIG_IGN, flags: 0, restorer: 0, mask: 0 };
    let pipe_saved = sys::sigaction(SIGPIPE, None, Some(&mut pipe)).is_ok();
    let _ = sys::set_disposition(SIGPIPE, sys::SIG_DFL);
    // `in_place`: a `cx.spawn` of the hook blocks signals across its clone and has its grandchild
    // reset the handlers, which here are the caller's real ones.
    let cx = crate::ctx::Ctx::new(-1, mask, stack.header(), 0, true, core::ptr::null());
    let err = match F::call(&cx, args).into_exit() {
        Err(failure) => io::Error::from_raw_os_error(failure.errno().raw_os_error()),
        Ok(_) => io::Error::other("the command's child function returned without exec"),
    };
    // `execve` failed: give this thread its signal mask and SIGPIPE disposition back (std
    // leaves both reset), so a Rust program that goes on is not killed by its next EPIPE.
    if pipe_saved {
        let _ = sys::sigaction(SIGPIPE, Some(&pipe), None);
    }
    let _ = sys::sigprocmask(SIG_SETMASK, Some(&mask), None);
    drop(stack);
    err
}

/// A hook function's argument list, by arity: `()` for none, `A` for one, `(A, B, …)` for
/// more. Implemented for the function pointer types of
/// `#[aspawn::child]` helpers returning `Result<(), Failure>`; sealed by those types.
pub trait HookCall<Args>: Copy {
    /// Calls the hook.
    fn call_hook(self, cx: &Ctx, args: Args) -> Result<(), Failure>;
}

impl HookCall<()> for fn(&Ctx) -> Result<(), Failure> {
    #[inline(always)]
    fn call_hook(self, cx: &Ctx, (): ()) -> Result<(), Failure> {
        self(cx)
    }
}
impl<A> HookCall<A> for fn(&Ctx, A) -> Result<(), Failure> {
    #[inline(always)]
    fn call_hook(self, cx: &Ctx, a: A) -> Result<(), Failure> {
        self(cx, a)
    }
}
impl<A, B> HookCall<(A, B)> for fn(&Ctx, A, B) -> Result<(), Failure> {
    #[inline(always)]
    fn call_hook(self, cx: &Ctx, (a, b): (A, B)) -> Result<(), Failure> {
        self(cx, a, b)
    }
}
impl<A, B, C> HookCall<(A, B, C)> for fn(&Ctx, A, B, C) -> Result<(), Failure> {
    #[inline(always)]
    fn call_hook(self, cx: &Ctx, (a, b, c): (A, B, C)) -> Result<(), Failure> {
        self(cx, a, b, c)
    }
}
impl<A, B, C, D> HookCall<(A, B, C, D)> for fn(&Ctx, A, B, C, D) -> Result<(), Failure> {
    #[inline(always)]
    fn call_hook(self, cx: &Ctx, (a, b, c, d): (A, B, C, D)) -> Result<(), Failure> {
        self(cx, a, b, c, d)
    }
}

/// The child a `Command` with a hook runs: the command's `prepare`, the hook `H`, then `finish`.
pub(crate) struct Hooked<H, A>(PhantomData<fn() -> (H, A)>);

// SAFETY: `CALL` is the `ChildFn::call` below, audited by hand as said there; its chain is
// one call deeper than the deepest of `prepare`, `finish` and the hook.
unsafe impl<H, A> Approved for Hooked<H, A>
where
    H: Approved + 'static,
    H::Fn: HookCall<A>,
    A: ChildArg,
{
    type Kit = Kit;
    type Ctx = Ctx;
    type Fn = fn(&Ctx, (Plan, A)) -> ChildResult;
    const CALL: Self::Fn = <Self as ChildFn>::call;
    const DEPTH: usize = 1 + deeper(H::DEPTH, deeper(prepare::DEPTH, finish::DEPTH));
}

// SAFETY: `call` makes three calls and two `?`: `prepare` and `finish`, `#[aspawn::child]`
// functions of this crate reached through their checked `Approved::CALL`, and the hook's
// `H::CALL`, which `H: Approved` (`unsafe` to forge) vouches
// `#[aspawn::child]` checked. This glue is generic, which the attribute does not accept, so it is
// audited here by hand: no allocation, TLS or panic (the `aspawn_nopanic` link check covers it).
unsafe impl<H, A> ChildFn for Hooked<H, A>
where
    H: Approved + 'static,
    H::Fn: HookCall<A>,
    A: ChildArg,
{
    type Args = (Plan, A);
    type Output = ChildResult;
    #[inline(always)]
    fn call(cx: &Ctx, (plan, args): Self::Args) -> ChildResult {
        (<prepare as Approved>::CALL)(cx, plan)?;
        H::CALL.call_hook(cx, args)?;
        (<finish as Approved>::CALL)(cx, plan)
    }
}

impl super::Command {
    /// Sets a *child hook*: an `#[aspawn::child]` function the child runs after every other
    /// setting (fds, ids, cwd, …) and just before `execve` — the safe replacement for std's
    /// `unsafe` `CommandExt::pre_exec`.
    ///
    /// `hook_fn` is `#[aspawn::child] fn hook_fn(cx: &Ctx, a: A, …) -> Result<(), Failure>` with
    /// up to four parameters after `cx`; `args` are the parent-side values for them as for
    /// `spawn!` (`()` for none, `x` for one, `(x, y, …)` for more), kept by the `Command` for every spawn,
    /// so each must be `Clone + Send + Sync + 'static` (integers, `Fd`, `c"…"` literals,
    /// `&'static str`, …). An `Err` from the hook fails the spawn with its errno, as an `Err` from
    /// `pre_exec` does in std. One hook per command: a later call replaces the earlier one (call
    /// several helpers from one hook instead). `hook_fn` is passed by name: `#[aspawn::child]`
    /// makes the name a value, of the type `fn(HookToken<hook_fn>)`.
    ///
    /// For a closure, write `aspawn::child_hook!(cmd, move |cx| …)`: a method cannot check a
    /// closure's body, the macro does.
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
    /// Command::new("true").child_hook(say_hello, Fd::from_raw(w.as_raw_fd())).status()?;
    /// drop(w);
    /// let mut s = String::new();
    /// r.read_to_string(&mut s)?;
    /// assert_eq!(s, "hello from the hook\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "pre_exec")]
    pub fn child_hook<H, A, P>(
        &mut self,
        hook_fn: fn(crate::private::HookToken<H>),
        args: P,
    ) -> &mut super::Command
    where
        H: Approved + 'static,
        H::Fn: HookCall<A>,
        A: ChildArg,
        P: Place<A> + Clone + Send + Sync + 'static,
    {
        let _ = hook_fn; // its type names the hook
        let exec_args = args.clone();
        self.__set_hook(
            move |stack: Stack, plan: &super::Prepared<'_>| {
                crate::spawned::Spawned::launch::<Hooked<H, A>, _>(stack, |p| {
                    Ok((plan.place(p)?, args.clone().place(p)?))
                })
            },
            move |stack: Stack, plan: &super::Prepared<'_>| {
                run_here::<Hooked<H, A>>(stack, |p| {
                    Ok((plan.place(p)?, exec_args.clone().place(p)?))
                })
            },
        )
    }
}

/// `aspawn::child_hook!(cmd, move |cx| …)`: sets a *child closure* as the command's hook (a
/// method cannot check a closure's body, so this is a macro). Evaluates to `&mut Command`. A
/// hook that is a named `#[aspawn::child]` function goes to
/// [`cmd.child_hook(hook_fn, (args…))`](crate::Command::child_hook).
///
/// The closure returns `Result<(), Failure>` and is checked like the closure of
/// [`spawn!`](crate::spawn) (see its `# Safety`): its body by the rules of `#[aspawn::child]`,
/// its captures placed into the child's stack by the sealed placement, never borrowed. The
/// `Command` keeps the captured values for every spawn, so each must be
/// `Clone + Send + Sync + 'static` (integers, `Fd`, `c"…"` literals, `&'static str` …): a
/// borrowed fd is refused by the borrow checker (capture `Fd::from_raw(fd.as_raw_fd())` while
/// the fd stays open).
///
/// ```
/// use aspawn::{Command, ResultExt};
///
/// let nice = 5;
/// let mut cmd = Command::new("true");
/// aspawn::child_hook!(cmd, move |cx| {
///     cx.setpriority(aspawn::consts::PRIO_PROCESS, 0, nice).context("setpriority")
/// });
/// assert!(cmd.status()?.success());
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! child_hook {
    ($cmd:expr, move $($closure:tt)+) => {
        $crate::__private::__child_hook_closure!($cmd, move $($closure)+)
    };
    ($cmd:expr, |$($closure:tt)*) => {
        $crate::__private::__child_hook_closure!($cmd, |$($closure)*)
    };
    ($cmd:expr, || $($closure:tt)*) => {
        $crate::__private::__child_hook_closure!($cmd, || $($closure)*)
    };
}
