//! `cx.spawn(f, args)`: a grandchild on the free part of the child's own stack
//! (`CLONE_VM | CLONE_VFORK`), the C seed's `aspawn_rec`. The child, never the caller of
//! `spawn!`, waits until the grandchild has exec'd or exited.
#![allow(unsafe_code)]

use core::sync::atomic::{AtomicU32, Ordering};

use linux_raw_sys::general as k;

use super::arch;
use super::sys::{self, reset_signals};
use crate::contract::{ChildFn, ChildReturn};
use crate::ctx::Ctx;
use crate::error::{Errno, Failure};
use crate::stack::{Header, NESTED_RUNNING};

impl Ctx {
    /// Spawns a grandchild running the `#[aspawn::child]` function `F` with `args` (the seed's
    /// `aspawn_rec`): written `cx.spawn(f, (a, b))` in a child body.
    ///
    /// The grandchild runs on the free part of this child's own stack with
    /// `clone(CLONE_VM | CLONE_VFORK)`: this child — never the thread that called `spawn!` — is
    /// suspended until the grandchild execs or exits. The grandchild inherits this child's
    /// state: signal handlers reset, this child's current signal mask (its `restore_sigmask`
    /// restores the original caller's mask), the same fds.
    ///
    /// What it guarantees:
    /// - **Returns** the grandchild's pid (a child of this process, inherited by the program it
    ///   execs) once the grandchild has exec'd, or has left through its own `exit` (a function
    ///   returning an `i32`); its [`Failure`] if it reported one (it is reaped then); a failure
    ///   of step `"killed before exec"` with `EINTR` if a signal ended it before it reached an
    ///   exec (reaped too; a signal that lands inside a successful `execve` counts as after it);
    ///   a failure of step `"clone"` if it could not be made (`EAGAIN` past 15 nested levels).
    /// - **Never returns while a task it made can still run on the stack**: if the grandchild
    ///   was killed while its own `Ctx::spawn` child ran, this waits for that one too.
    /// - **The stack outlives every task on it**: the release seen by the parent
    ///   ([`Spawned::wait_released`](crate::Spawned::wait_released) and the other ways) waits for
    ///   the child and for every grandchild, at every level, to have exec'd or exited — also when
    ///   the child is killed ([`Spawned::kill`](crate::Spawned::kill), the OOM killer, a
    ///   `pdeathsig`) while its grandchild still runs. A killed child does not kill its
    ///   grandchildren, so a grandchild blocked forever pins the stack.
    ///
    /// # Examples
    ///
    /// ```
    /// use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
    ///
    /// #[aspawn::child]
    /// fn say(cx: &Ctx, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    ///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
    ///     cx.execve(c"/bin/echo", argv, envp).context("execve")
    /// }
    ///
    /// // Starts `say` as a grandchild, on the free part of its own stack; once that has exec'd, it
    /// // runs `echo` itself.
    /// #[aspawn::child]
    /// fn two(cx: &Ctx, out: Fd, first: Argv, second: Argv, envp: Envp) -> ChildResult {
    ///     cx.spawn(say, (out, first, envp))?;
    ///     say(cx, out, second, envp)
    /// }
    ///
    /// let (reader, writer) = std::io::pipe()?;
    /// let spawned = aspawn::spawn!(
    ///     Stack::new()?,
    ///     two,
    ///     (&writer, &["echo", "first"], &["echo", "second"], Envp::empty())
    /// )?;
    /// let (mut child, _stack) = spawned.wait_released()?;
    /// drop(writer);
    /// assert!(child.wait()?.success());
    /// // The grandchild has exec'd before `spawn` returned, but may print after its parent.
    /// let text = std::io::read_to_string(reader)?;
    /// let mut lines: Vec<&str> = text.lines().collect();
    /// lines.sort();
    /// assert_eq!(lines, ["first", "second"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - [Linux](https://man7.org/linux/man-pages/man2/clone.2.html)
    #[doc(alias = "aspawn_rec")]
    #[doc(alias = "clone")]
    #[inline]
    pub fn spawn<F: ChildFn>(&self, args: F::Args) -> Result<i32, Failure> {
        spawn_nested::<F>(self, args)
    }
}

/// What a grandchild reads (a local of the suspended child, docs/SOUNDNESS.md item 5: the child cannot run
/// while `CLONE_VFORK` holds it, so the local stays valid and unaliased).
struct NestedBlock<A> {
    args: A,
    report_fd: i32,
    saved_mask: Option<u64>,
    header: *const Header,
    /// The grandchild's nesting level (1 for a child's `Ctx::spawn`).
    depth: u32,
    /// Whether the grandchild must reset the signal handlers itself: its parent runs in the
    /// caller's process (`Command::exec`'s hook), whose handlers are the real ones.
    reset_handlers: bool,
    /// `NESTED_RUNNING`, `NESTED_AT_EXEC` or `NESTED_EXITING`, stored by the grandchild.
    state: *const AtomicU32,
    /// Where the grandchild writes its failure: errno, then the step.
    failure: *mut Option<crate::error::Failure>,
}

/// The grandchild's first frame: like [`child_entry`], but its failure goes to the suspended
/// child's local, not to the stack header (which belongs to the child's own release).
///
/// # Safety
///
/// Only `clone_vfork_here` calls it, with the block `spawn_nested` made.
unsafe extern "C" fn nested_entry<F: ChildFn>(block: *const NestedBlock<F::Args>) -> ! {
    #[cfg(aspawn_nopanic)]
    let _proof = super::nopanic::Proof;
    // SAFETY: the block is a local of the child, suspended until we exec or exit.
    let b = unsafe { &*block };
    if b.reset_handlers {
        reset_signals(true);
    }
    let cx = Ctx::new(b.report_fd, b.saved_mask, b.header, b.depth, false, b.state);
    match F::call(&cx, b.args).into_exit() {
        Ok(code) => cx.exit(code),
        Err(failure) => {
            // SAFETY: as above; the child reads it only after we exit.
            unsafe { b.failure.write(Some(failure)) };
            cx.exit(127)
        }
    }
}

/// `cx.spawn(f, args)`: runs `f(args)` in a grandchild on the free part of the child's own stack,
/// with `CLONE_VM | CLONE_VFORK`: the child (never the caller of `spawn!`) waits until the
/// grandchild has exec'd or exited. Returns its pid, or its failure (then it is reaped).
///
/// The grandchild's level word in the stack header (`Header::tids`) is written by the kernel
/// before the grandchild runs and cleared at its exec or exit, so the parent's release also waits
/// for it when this child is killed during the `CLONE_VFORK` wait. Before returning, this waits
/// until every deeper level is clear too: a grandchild killed while its own `Ctx::spawn` child
/// runs ends our wait early, and neither may we reuse the stack below us, nor our caller exec
/// or exit while such a task runs on the stack.
#[inline(never)]
fn spawn_nested<F: ChildFn>(cx: &Ctx, args: F::Args) -> Result<i32, crate::error::Failure> {
    use crate::error::Failure;
    let depth = cx.depth.wrapping_add(1);
    // SAFETY: the Ctx's header is the one of the stack we run on, valid while we run.
    let header = unsafe { &*cx.header };
    let Some(word) = header.tids.get(depth as usize) else {
        return Err(Failure::new(Errno::AGAIN, "clone"));
    };
    let mut failure: Option<Failure> = None;
    let state = AtomicU32::new(NESTED_RUNNING);
    // The mask the grandchild's `restore_sigmask` (and its exec helpers) give back: this task's
    // own, as a forked child inherits it. Where this task set one itself, that is its current
    // mask, read here; otherwise the one it would restore itself (the spawning thread's, or
    // `None`: it still runs with it, and so will the grandchild).
    let mut grand_mask = cx.saved_mask.get();
    if cx.mask_set.get() {
        let mut current = 0u64;
        if sys::sigprocmask(k::SIG_BLOCK, Some(&0u64), Some(&mut current)).is_err() {
            return Err(Failure::new(Errno::INVAL, "rt_sigprocmask"));
        }
        grand_mask = Some(current);
    }
    let mut block = NestedBlock::<F::Args> {
        args,
        report_fd: cx.report_fd,
        saved_mask: grand_mask,
        header: cx.header,
        depth,
        reset_handlers: cx.in_place,
        state: &state,
        failure: &mut failure,
    };
    let entry: unsafe extern "C" fn(*const NestedBlock<F::Args>) -> ! = nested_entry::<F>;
    let flags = (k::CLONE_VM
        | k::CLONE_VFORK
        | k::CLONE_PARENT_SETTID
        | k::CLONE_CHILD_CLEARTID
        | k::SIGCHLD) as usize;
    // In `Command::exec`'s hook we run in the caller's own process, with its signal mask and
    // handlers: block every signal across the clone, as the engine does for a spawn, so that no
    // handler runs in the grandchild before it has reset them (items 4 and F3 of the `soundness` module).
    let mut old_mask = 0u64;
    if cx.in_place {
        if sys::sigprocmask(k::SIG_SETMASK, Some(&!0u64), Some(&mut old_mask)).is_err() {
            return Err(Failure::new(Errno::INVAL, "rt_sigprocmask"));
        }
        // The grandchild starts with every signal blocked: it must know the mask to give back
        // even where this task never recorded one.
        block.saved_mask = block.saved_mask.or(Some(old_mask));
    }
    // SAFETY: the grandchild runs below our stack pointer on our own stack while we are suspended
    // (CLONE_VFORK); `block` and `state` outlive the call and the wait below; `word` is in the
    // header of the stack we run on, which outlives every task on it; `entry` never returns.
    let ret = unsafe {
        arch::clone_vfork_here(
            flags,
            entry as usize,
            &block as *const NestedBlock<F::Args> as usize,
            word as *const AtomicU32 as *mut u32,
        )
    };
    if cx.in_place {
        let _ = sys::sigprocmask(k::SIG_SETMASK, Some(&old_mask), None);
    }
    let pid = match sys::check(ret) {
        Ok(pid) => pid as i32,
        Err(e) => return Err(Failure::new(e, "clone")),
    };
    // Our wait ended at the grandchild's exec or exit; a task it made may still run below us.
    let mut level = depth as usize;
    while let Some(w) = header.tids.get(level) {
        let v = w.load(Ordering::Acquire);
        if v == 0 {
            level = level.wrapping_add(1);
        } else {
            sys::futex_wait(w, v);
        }
    }
    // SAFETY: the grandchild is gone from our stack (exec'd or exited); read what it wrote through
    // a volatile read, as the compiler did not see the write.
    let reported = unsafe { core::ptr::read_volatile(&failure) };
    let outcome = match reported {
        Some(f) => Err(f),
        None => match state.load(Ordering::Acquire) {
            // Neither exec nor exit: a signal ended it before it could exec.
            NESTED_RUNNING => Err(Failure::new(Errno::INTR, "killed before exec")),
            _ => Ok(pid),
        },
    };
    if outcome.is_err() {
        // Reap it: it has exited (with 127 after writing its report), or is exiting.
        loop {
            // SAFETY: wait4(pid, NULL, __WALL, NULL).
            let r =
                unsafe { sys::call(k::__NR_wait4, [pid as usize, 0, k::__WALL as usize, 0, 0, 0]) };
            if r != Err(Errno::INTR) {
                break;
            }
        }
    }
    outcome
}
