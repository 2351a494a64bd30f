//! The child side of [`Command`](super::Command): `#[aspawn::child]` functions only, checked by
//! the attribute like any user's child.
//!
//! The parent describes one spawn as a [`Plan`] (a nested tuple of child values, placed into the
//! child's stack by `spawn!`); [`command_child`] runs [`prepare`], then [`finish`]. A
//! `Command::child_hook` runs `prepare`, the hook, then `finish` (see `hook.rs`).
//!
//! The order follows std's `do_exec` where std has the step: file descriptors, then ours that
//! need the parent's privileges (resource limits: raising a hard limit needs
//! `CAP_SYS_RESOURCE`, gone once the ids change), supplementary groups, group id, user id (Go's
//! order: setgroups, setresgid, setresuid), working directory, process group, session, then ours
//! (umask, parent-death signal — after the id changes, which clear it), the hook, the closing of
//! unkept fds, the parent's signal mask (std's children inherit it), and `execvp`.

use crate::arg::{Argv, CStrRef, Envp, Fd, Groups};
use crate::consts;
use crate::ctx::Ctx;
use crate::error::{ChildResult, Failure};

/// Number of resource limits [`Plan`] carries (`RLIMIT_CPU` … `RLIMIT_RTTIME`, 0..16).
pub const RLIMITS: usize = 16;

/// One spawn of a `Command`, as the child reads it:
///
/// 0. `(program, argv, envp, cwd)`;
/// 1. the fd map: `"src", "dst"` pairs in decimal, sorted by `dst`, made safe to apply in order
///    by the parent (no `src` is an earlier `dst`);
/// 2. `(close_others, setsid, process_group, umask, (pdeathsig, parent pid), clear_groups)`, where
///    `close_others` is `Some(close_range flags)` when unkept fds go: `0` to close them (a
///    spawn), `CLOSE_RANGE_CLOEXEC` to mark them close-on-exec (`Command::exec`, whose process
///    goes on, with its fds, if `execve` fails);
/// 3. `(uid, gid, groups)`;
/// 4. resource limits, indexed by resource: `Some((soft, hard))` to set.
pub type Plan = (
    (CStrRef, Argv, Envp, Option<CStrRef>),
    Argv,
    (Option<u32>, bool, Option<i32>, Option<u32>, Option<(i32, i32)>, bool),
    (Option<u32>, Option<u32>, Option<Groups>),
    [Option<(u64, u64)>; RLIMITS],
);

/// What `Command::spawn` runs when it has no hook.
#[aspawn::child]
pub(crate) fn command_child(cx: &Ctx, plan: Plan) -> ChildResult {
    prepare(cx, plan)?;
    finish(cx, plan)
}

/// Everything before the hook: fds, limits, credentials, cwd, process group, session, umask,
/// parent-death signal.
#[aspawn::child]
pub(crate) fn prepare(cx: &Ctx, plan: Plan) -> Result<(), Failure> {
    let (exe, fds, procs, ids, limits) = plan;
    let (_, _, _, cwd) = exe;
    let (_, new_session, pgroup, mask, deathsig, clear_groups) = procs;
    map_fds(cx, fds)?;
    for r in 0..RLIMITS {
        if let Some(Some((soft, hard))) = limits.get(r) {
            cx.setrlimit(r as u32, soft, hard).context("setrlimit")?;
        }
    }
    set_ids(cx, ids, clear_groups)?;
    if let Some(dir) = cwd {
        cx.chdir(dir).context("chdir")?;
    }
    if let Some(pg) = pgroup {
        cx.setpgid(0, pg).context("setpgid")?;
    }
    if new_session {
        cx.setsid().context("setsid")?;
    }
    if let Some(m) = mask {
        cx.umask(m).context("umask")?;
    }
    if let Some((sig, parent)) = deathsig {
        cx.prctl_set_pdeathsig(sig).context("prctl(PR_SET_PDEATHSIG)")?;
        // The parent may have died before the prctl: then the signal never comes (Go does this).
        if cx.getppid().context("getppid")? != parent {
            let me = cx.getpid().context("getpid")?;
            cx.kill(me, sig).context("kill")?;
        }
    }
    Ok(())
}

/// Everything after the hook: close unkept fds, restore the parent's signal mask, exec.
#[aspawn::child]
pub(crate) fn finish(cx: &Ctx, plan: Plan) -> ChildResult {
    let (exe, fds, procs, _, _) = plan;
    let (prog, argv, envp, _) = exe;
    let (close_others, _, _, _, _, _) = procs;
    if let Some(flags) = close_others {
        close_unkept(cx, fds, flags)?;
    }
    // std's children inherit the spawning thread's signal mask (rust-lang/rust#101077); the
    // engine blocked everything across the clone, so give that mask back.
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execvp(prog, argv, envp).context("execvp")
}

/// A non-negative decimal number (the parent wrote it).
#[aspawn::child]
fn decimal(cx: &Ctx, s: CStrRef) -> i32 {
    let _ = cx;
    let mut v: i32 = 0;
    let mut i = 0;
    while let Some(b) = s.get(i) {
        v = v * 10 + (b - b'0') as i32;
        i += 1;
    }
    v
}

/// Applies the fd map in order: `dup2(src, dst)`, or clears close-on-exec when `src == dst`.
#[aspawn::child]
fn map_fds(cx: &Ctx, fds: Argv) -> Result<(), Failure> {
    let mut i = 0;
    while let (Some(s), Some(d)) = (fds.get(i), fds.get(i + 1)) {
        let src = Fd::from_raw(decimal(cx, s));
        let dst = Fd::from_raw(decimal(cx, d));
        if src == dst {
            cx.set_cloexec(dst, false).context("fcntl(F_SETFD)")?;
        } else {
            cx.dup2(src, dst).context("dup2")?;
        }
        i += 2;
    }
    Ok(())
}

/// Supplementary groups, then the group id, then the user id.
#[aspawn::child]
fn set_ids(
    cx: &Ctx,
    ids: (Option<u32>, Option<u32>, Option<Groups>),
    clear_groups: bool,
) -> Result<(), Failure> {
    let (uid, gid, groups) = ids;
    if let Some(g) = groups {
        cx.setgroups(&g).context("setgroups")?;
    } else if clear_groups {
        // std: setting `uid` without `groups` also drops the supplementary groups, whatever the
        // parent's ids; only a missing `CAP_SETGID` (`EPERM`) is ignored.
        match cx.setgroups(&[]) {
            Ok(()) | Err(aspawn::Errno::PERM) => {}
            Err(e) => return Err(Failure::new(e, "setgroups")),
        }
    }
    // `u32::MAX` is `-1`, "unchanged", to `setresgid`/`setresuid`; std's `setgid`/`setuid`
    // refuse it with `EINVAL`, and so do we rather than silently keep the parent's id.
    if let Some(g) = gid {
        if g == u32::MAX {
            return Err(Failure::new(aspawn::Errno::INVAL, "setresgid"));
        }
        cx.setresgid(g, g, g).context("setresgid")?;
    }
    if let Some(u) = uid {
        if u == u32::MAX {
            return Err(Failure::new(aspawn::Errno::INVAL, "setresuid"));
        }
        cx.setresuid(u, u, u).context("setresuid")?;
    }
    Ok(())
}

/// Closes (or, with `CLOSE_RANGE_CLOEXEC` in `flags`, marks close-on-exec) every fd from 3 up
/// that is not a `dst` of the map (the report fd is skipped by `close_range` itself).
#[aspawn::child]
fn close_unkept(cx: &Ctx, fds: Argv, flags: u32) -> Result<(), Failure> {
    let mut next: u32 = 3;
    let mut i = 1;
    while let Some(d) = fds.get(i) {
        let dst = decimal(cx, d) as u32;
        if dst > next {
            close_between(cx, next, dst - 1, flags)?;
        }
        if dst >= next {
            next = dst + 1;
        }
        i += 2;
    }
    close_between(cx, next, u32::MAX, flags)
}

/// `close_range(first, last, flags)`, or a loop of `close` (or of `fcntl(F_SETFD, FD_CLOEXEC)`
/// with `CLOSE_RANGE_CLOEXEC`) up to `RLIMIT_NOFILE` where the kernel lacks it (`ENOSYS`: no
/// `close_range` before 5.9; `EINVAL` for `CLOSE_RANGE_CLOEXEC` before 5.11) or a seccomp
/// profile refuses it (`EPERM`, as Docker-style profiles answer unknown system calls).
#[aspawn::child]
fn close_between(cx: &Ctx, first: u32, last: u32, flags: u32) -> Result<(), Failure> {
    match cx.close_range(first, last, flags) {
        Ok(()) => Ok(()),
        Err(e) => {
            let cloexec = flags & consts::CLOSE_RANGE_CLOEXEC != 0;
            if e != aspawn::Errno::NOSYS
                && e != aspawn::Errno::PERM
                && !(cloexec && e == aspawn::Errno::INVAL)
            {
                return Err(Failure::new(e, "close_range"));
            }
            let (soft, _) = cx.prlimit(0, consts::RLIMIT_NOFILE, None).context("getrlimit")?;
            let end = last.min(soft.min(u32::MAX as u64) as u32);
            let mut fd = first;
            while fd <= end && fd < u32::MAX {
                if cloexec {
                    let _ = cx.set_cloexec(Fd::from_raw(fd as i32), true);
                } else {
                    let _ = cx.close(Fd::from_raw(fd as i32));
                }
                fd += 1;
            }
            Ok(())
        }
    }
}
