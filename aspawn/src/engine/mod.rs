//! The clone engine.
//!
//! # Why the child is hamstrung
//!
//! A child made with `clone(CLONE_VM)` and no `CLONE_VFORK` runs *at the same time* as its parent,
//! in the parent's address space, on a stack we own, with the calling thread's TLS register still
//! pointing at the parent thread's TLS block. Until it calls `execve` it can reach every byte of the
//! parent — and the parent keeps running. So, in the child:
//!
//! - nothing may touch TLS (`errno`, `thread_local!`, std's panic count, malloc's tcache): every
//!   system call is a raw `syscall` instruction ([`sys`]), never libc;
//! - nothing may allocate, panic, take a lock, or run a signal handler of the parent's: handlers are
//!   reset by the kernel (`CLONE_CLEAR_SIGHAND`) or by a loop before user code runs, and all signals
//!   are blocked from before the clone until the user restores the mask;
//! - nothing may read parent memory another thread could free: arguments are deep copies in the
//!   stack, placed before the clone;
//! - the stack must outlive the child's use of it: the kernel clears the `CLONE_CHILD_CLEARTID` word
//!   in the stack header at exec and at exit, and only then is the stack handed back.
//!
//! glibc's `posix_spawn`, Go's `forkExec` and std's `Command` add `CLONE_VFORK` to dodge all this and
//! pay for it by parking the caller until the child execs. We keep the caller running and enforce
//! the rules instead: the macro checks the user's code (part D of the `soundness` module), this module the rest.
//!
//! # Safety
//!
//! This module holds the `unsafe` of the engine: the trampolines, the argument block the child reads,
//! and the signal mask juggling. Each block says which docs/SOUNDNESS.md item it serves.
#![allow(unsafe_code)]

#[cfg_attr(target_arch = "x86_64", path = "arch/x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "arch/aarch64.rs")]
mod arch;
pub(crate) mod dumpable;
mod nested;
#[cfg(aspawn_nopanic)]
mod nopanic;
pub(crate) mod sys;

use core::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, Ordering};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use linux_raw_sys::general as k;

use crate::contract::{ChildFn, ChildReturn};
use crate::ctx::Ctx;
use crate::error::Errno;
use crate::placer::Placer;
use crate::spawn_error::{SpawnError, SpawnErrorKind};
use crate::stack::{CgroupDir, Header, Launch, PIDFD_OR_NONE, Stack, WANT_PIDFD, WANT_RELEASE_FD};

/// Which clone the engine uses (the fallback chain below), decided once per process and cached.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum CloneMode {
    /// `clone3` with `CLONE_CLEAR_SIGHAND` (Linux ≥ 5.5): the kernel resets the handlers.
    Clone3ClearSighand = 1,
    /// `clone3` without it; the child resets handlers in a loop.
    Clone3 = 2,
    /// Legacy `clone` (seccomp profiles that refuse `clone3`); the child resets handlers.
    Legacy = 3,
}

impl CloneMode {
    fn from_u8(v: u8) -> Option<CloneMode> {
        match v {
            1 => Some(CloneMode::Clone3ClearSighand),
            2 => Some(CloneMode::Clone3),
            3 => Some(CloneMode::Legacy),
            _ => None,
        }
    }

    fn next(self) -> Option<CloneMode> {
        match self {
            CloneMode::Clone3ClearSighand => Some(CloneMode::Clone3),
            CloneMode::Clone3 => Some(CloneMode::Legacy),
            CloneMode::Legacy => None,
        }
    }
}

/// 0: undecided; otherwise a `CloneMode`. Bit 7: forced (no fallback).
static MODE: AtomicU8 = AtomicU8::new(0);
const FORCED: u8 = 0x80;

/// The mode spawns use now, or will try first.
pub(crate) fn current_mode() -> (CloneMode, bool) {
    let v = MODE.load(Ordering::Relaxed);
    if let Some(m) = CloneMode::from_u8(v & !FORCED) {
        return (m, v & FORCED != 0);
    }
    // First spawn of the process: honour ASPAWN_CLONE_MODE (for testing every rung).
    let forced = match std::env::var_os("ASPAWN_CLONE_MODE").as_deref().and_then(|s| s.to_str()) {
        Some("clone3-clear-sighand") => Some(CloneMode::Clone3ClearSighand),
        Some("clone3") => Some(CloneMode::Clone3),
        Some("legacy") => Some(CloneMode::Legacy),
        _ => None,
    };
    match forced {
        Some(m) => {
            MODE.store(m as u8 | FORCED, Ordering::Relaxed);
            (m, true)
        }
        None => (CloneMode::Clone3ClearSighand, false),
    }
}

/// Forces a mode for every later spawn (no fallback), or `None` to go back to probing.
pub(crate) fn force_mode(mode: Option<CloneMode>) {
    FAST.store(false, Ordering::Relaxed);
    MODE.store(mode.map_or(0, |m| m as u8 | FORCED), Ordering::Relaxed);
}

/// What the child reads: written by the parent before the clone, never touched by it afterwards.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Block<A> {
    header: *const Header,
    report_fd: i32,
    reset_handlers: bool,
    /// The caller's mask when the engine blocked every signal across the clone; `None` when it
    /// did not, and the child started with the caller's mask.
    saved_mask: Option<u64>,
    args: A,
}

/// The child's first Rust frame (docs/SOUNDNESS.md items 3, 4, 9).
///
/// # Safety
///
/// Only the trampoline calls it, with the `Block<F::Args>` the parent placed for this child.
unsafe extern "C" fn child_entry<F: ChildFn>(block: *const Block<F::Args>) -> ! {
    #[cfg(aspawn_nopanic)]
    let _proof = nopanic::Proof;
    // SAFETY: the parent placed a valid block in the stack, which stays ours until we exit/exec.
    let b = unsafe { &*block };
    sys::reset_signals(b.reset_handlers);
    // SAFETY: the header lives at the top of our stack.
    let state = unsafe { &(*b.header).exit_state } as *const AtomicU32;
    let cx = Ctx::new(b.report_fd, b.saved_mask, b.header, 0, false, state);
    match F::call(&cx, b.args).into_exit() {
        Ok(code) => cx.exit(code),
        Err(failure) => {
            // SAFETY: the header lives at the top of our stack; its report fields are atomics the
            // parent reads only after the kernel cleared `tid` at our exit.
            let h = unsafe { &*b.header };
            h.step_ptr.store(failure.step().as_ptr() as usize, Ordering::Relaxed);
            h.step_len.store(failure.step().len(), Ordering::Relaxed);
            h.errno.store(failure.errno().raw_os_error(), Ordering::Release);
            cx.exit(127)
        }
    }
}

/// The running kernel's `major.minor`, read once (`uname`) and cached: 0 unknown, otherwise
/// `KNOWN | major << 16 | minor` (`KNOWN` alone when `uname` failed: taken as an old kernel).
static KERNEL: AtomicU32 = AtomicU32::new(0);
const KNOWN: u32 = 1 << 31;

/// Whether the running kernel is Linux ≥ `major.minor`.
fn kernel_at_least(major: u32, minor: u32) -> bool {
    let mut v = KERNEL.load(Ordering::Relaxed);
    if v == 0 {
        // `struct new_utsname`: six fields of 65 bytes; `release` is the third.
        let mut un = [0u8; 6 * 65];
        // SAFETY: uname(&mut new_utsname): `un` is a live buffer of its size.
        let ok = unsafe { sys::call(k::__NR_uname, [un.as_mut_ptr() as usize, 0, 0, 0, 0, 0]) };
        v = KNOWN;
        if ok.is_ok() {
            let (a, b) = release_version(&un[130..195]);
            v |= a.min(0x7fff) << 16 | b.min(0xffff);
        }
        KERNEL.store(v, Ordering::Relaxed);
    }
    (v >> 16 & 0x7fff, v & 0xffff) >= (major, minor)
}

/// Parses the leading `major.minor` of a kernel release string.
fn release_version(release: &[u8]) -> (u32, u32) {
    let mut parts = release.split(|&b| b == b'.').map(|p| {
        p.iter()
            .take_while(|b| b.is_ascii_digit())
            .fold(0u32, |n, &d| n.saturating_mul(10).saturating_add(u32::from(d - b'0')))
    });
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Whether the spawn must block every signal across the clone (docs/SOUNDNESS.md item 4).
///
/// On the `Clone3ClearSighand` rung the kernel resets every handler of the child to `SIG_DFL`
/// inside `copy_process` (`copy_sighand` → `flush_signal_handlers`), before the child exists for
/// signal delivery, so no handler of the parent's can ever run in it: the block is not needed
/// for that. A signal that reaches the child before its exec then takes its default action in
/// the child only — except, before Linux 5.16, a core-dumping one: the core dump killed every
/// task sharing the mm, the parent included (fixed by 0258b5fd7c71, "coredump: Limit coredumps
/// to a single thread group"). So the two `rt_sigprocmask` calls are skipped on that rung on
/// Linux ≥ 5.16 only; the other rungs reset handlers in a loop in the child and keep the block.
#[inline]
fn must_block(mode: CloneMode) -> bool {
    mode != CloneMode::Clone3ClearSighand || !kernel_at_least(5, 16)
}

/// A child the engine has started: what its handle (`Spawned`) is made of.
pub(crate) struct Started {
    pub(crate) pid: i32,
    /// With `CLONE_PIDFD`.
    pub(crate) pidfd: Option<OwnedFd>,
    /// The read end of the wake-up pipe, with the release fd.
    pub(crate) report_r: Option<OwnedFd>,
    /// The stack the child runs on, until its release.
    pub(crate) stack: Stack,
    pub(crate) mode: CloneMode,
}

/// Whether the next default spawn may take the fast path: set after a spawn that used
/// `clone3` with `CLONE_CLEAR_SIGHAND` without blocking signals (Linux ≥ 5.16), cleared whenever
/// the mode is forced or changes.
static FAST: AtomicBool = AtomicBool::new(false);

/// Places the arguments, clones, and returns at once.
///
/// Syscalls on this path, by default: the clone only on Linux ≥ 5.16 with `clone3` and
/// `CLONE_CLEAR_SIGHAND`, with two `rt_sigprocmask` around it otherwise. With the release fd,
/// `pipe2` before and a `close` of our write end after (and one `fcntl` + `close` when the
/// caller has closed its fds 0–2). No allocation, no fd unless asked for.
///
/// With a cgroup ([`Launch::with_cgroup`]), the clone is `clone3` with `CLONE_INTO_CGROUP`;
/// the rung below `clone3`, legacy `clone`, cannot place a child in a cgroup, so where the spawn
/// would take it, it fails with `SpawnErrorKind::Unsupported` instead, having started nothing.
///
/// A default spawn (no option, no cgroup) on a process whose mode is known to need no signal
/// block goes straight to one `clone3` here; everything else (the first spawn, the options, the
/// fallback chain, the errors) is in [`clone_general`], out of line. The split is for speed
/// alone: a spawn right after a wait finds its code and data cold, and each cache line it
/// touches costs more than its instructions.
#[inline]
pub(crate) fn spawn<F, P>(launch: impl Into<Launch>, place: P) -> Result<Started, SpawnError>
where
    F: ChildFn,
    P: FnOnce(&mut Placer<'_>) -> Result<F::Args, SpawnError>,
{
    // `cgroup` (the directory fd, owned or lent) stays open until this function returns.
    let Launch { mut stack, opts, cgroup } = launch.into();
    let fast = opts == 0 && cgroup.is_none() && FAST.load(Ordering::Relaxed);
    let header: *const Header = stack.header();
    let placed = {
        let mut p = stack.placer();
        place(&mut p).and_then(|args| {
            // The fast path runs on the `Clone3ClearSighand` rung without a block: the kernel
            // has reset the handlers, and the child's mask is the caller's. `clone_general`
            // rewrites both fields for the rung it uses.
            let block = p.put(Block {
                header,
                report_fd: -1,
                reset_handlers: !fast,
                saved_mask: None,
                args,
            })?;
            let slot = p.alloc(16, 16)?.cast::<usize>();
            Ok((block, slot))
        })
    };
    let (block, slot) = match placed {
        Ok(v) => v,
        Err(e) => return Err(e.with_stack(stack)),
    };
    let entry: unsafe extern "C" fn(*const Block<F::Args>) -> ! = child_entry::<F>;
    // SAFETY: `block` and `slot` were just placed in the stack, which we own exclusively; no child
    // runs on it (it was handed to us, so any previous child released it).
    unsafe {
        slot.write(entry as usize);
        slot.add(1).write(block as usize);
    }
    stack.arm();
    // SAFETY: the three fields are inside the block just placed, ours until a clone succeeds.
    let fields = unsafe {
        BlockFields {
            report_fd: &raw mut (*block).report_fd,
            reset_handlers: &raw mut (*block).reset_handlers,
            saved_mask: &raw mut (*block).saved_mask,
        }
    };
    let first = if fast {
        match clone_once(CloneMode::Clone3ClearSighand, &stack, slot.cast(), None, None) {
            Ok(pid) => {
                return Ok(Started {
                    pid: pid as i32,
                    pidfd: None,
                    report_r: None,
                    stack,
                    mode: CloneMode::Clone3ClearSighand,
                });
            }
            // The general path decides what the refusal means (fallback or failure).
            Err(e) => Some(e),
        }
    } else {
        None
    };
    clone_general(stack, opts, cgroup, slot.cast(), fields, first)
}

/// The fields of a placed [`Block`] the clone engine sets for the rung it uses.
struct BlockFields {
    report_fd: *mut i32,
    reset_handlers: *mut bool,
    saved_mask: *mut Option<u64>,
}

/// Every spawn but the fast one: the release pipe, the signal block, the fallback chain from
/// `clone3` to legacy `clone`, the pidfd, the cgroup, the errors. `first`: what the fast path's
/// `clone3` (on the `Clone3ClearSighand` rung) answered, taken as that rung's first answer.
#[inline(never)]
fn clone_general(
    stack: Stack,
    opts: u8,
    cgroup: Option<CgroupDir>,
    sp: *mut u8,
    block: BlockFields,
    mut first: Option<Errno>,
) -> Result<Started, SpawnError> {
    let cgroup_fd = cgroup.as_ref().map(CgroupDir::raw);
    let report = if opts & WANT_RELEASE_FD != 0 {
        match report_pipe() {
            Ok(p) => Some(p),
            Err(e) => {
                stack.header().tid().store(0, Ordering::Relaxed);
                return Err(e.with_stack(stack));
            }
        }
    } else {
        None
    };
    // SAFETY: the block is ours until the clone below succeeds.
    unsafe { *block.report_fd = report.as_ref().map_or(-1, |(_, w)| w.as_raw_fd()) };

    let (mut mode, forced) = if first.is_some() {
        (CloneMode::Clone3ClearSighand, MODE.load(Ordering::Relaxed) & FORCED != 0)
    } else {
        current_mode()
    };
    let mut want_pidfd = opts & WANT_PIDFD != 0;
    // Block every signal across the clone where a handler of the parent's could otherwise run
    // in the child before it has reset them, or a core dump take the parent with it (see
    // `must_block`). The child inherits this mask; its saved copy travels in the
    // block for `Ctx::restore_sigmask`. Re-checked when the rung falls back.
    let mut blocked: Option<u64> = None;
    // What `clone3` said before this spawn gave up on it (for `Unsupported`).
    let mut clone3_errno: Option<Errno> = None;
    let result = loop {
        if cgroup_fd.is_some() && mode == CloneMode::Legacy {
            // Spawning outside the cgroup asked for is not an option.
            break Err(SpawnError::new(SpawnErrorKind::Unsupported {
                feature: "CLONE_INTO_CGROUP",
                clone3_errno,
            }));
        }
        let r = match first.take() {
            // The fast path's answer, for the same rung, pidfd and block as this iteration.
            Some(e) => Err(e),
            None => {
                if blocked.is_none() && must_block(mode) {
                    let all: u64 = !0;
                    let mut old: u64 = 0;
                    if let Err(e) = sys::sigprocmask(k::SIG_SETMASK, Some(&all), Some(&mut old)) {
                        break Err(SpawnError::os(e, "rt_sigprocmask"));
                    }
                    blocked = Some(old);
                }
                // SAFETY: the block is ours until the clone below succeeds.
                unsafe {
                    *block.saved_mask = blocked;
                    *block.reset_handlers = mode != CloneMode::Clone3ClearSighand;
                }
                let mut pidfd: i32 = -1;
                clone_once(mode, &stack, sp, want_pidfd.then_some(&mut pidfd), cgroup_fd)
                    .map(|pid| (pid, pidfd))
            }
        };
        match r {
            Err(e) if !forced && falls_back(e, cgroup_fd.is_some()) => {
                if mode != CloneMode::Legacy {
                    clone3_errno = Some(e);
                }
                match mode.next() {
                    Some(m) => mode = m,
                    None => break Err(SpawnError::os(e, clone_name(mode))),
                }
            }
            // No fd left for the pidfd: `Command` spawns without one, as std would.
            Err(e)
                if want_pidfd
                    && opts & PIDFD_OR_NONE != 0
                    && (e == Errno::MFILE || e == Errno::NFILE) =>
            {
                want_pidfd = false
            }
            Ok((pid, pidfd)) => {
                // SAFETY: with CLONE_PIDFD the kernel stored a fresh pidfd we now own.
                let pidfd = want_pidfd.then(|| unsafe { OwnedFd::from_raw_fd(pidfd) });
                break Ok((pid as i32, pidfd));
            }
            Err(e) => break Err(SpawnError::os(e, clone_name(mode))),
        }
    };
    if let Some(old) = blocked {
        // Restore the caller's mask whatever happened. It cannot fail with a valid `how`.
        let _ = sys::sigprocmask(k::SIG_SETMASK, Some(&old), None);
    }

    match result {
        Ok((pid, pidfd)) => {
            if !forced {
                MODE.store(mode as u8, Ordering::Relaxed);
            }
            FAST.store(
                mode == CloneMode::Clone3ClearSighand && blocked.is_none(),
                Ordering::Relaxed,
            );
            // Our copy of the write end goes at once: a process cloned from now on (a sibling
            // spawn, a `fork` elsewhere) must not inherit it, or its hang-up would wait for that
            // process too.
            let report_r = report.map(|(r, w)| {
                drop(w);
                r
            });
            Ok(Started { pid, pidfd, report_r, stack, mode })
        }
        Err(e) => {
            stack.header().tid().store(0, Ordering::Relaxed);
            Err(e.with_stack(stack))
        }
    }
}

/// The wake-up pipe: the read end for the parent, the write end for the child, both
/// close-on-exec. A parent that closed its fds 0–2 gets them back from `pipe2`. The child may
/// `dup2` a standard stream onto the write end's number, and `Ctx` refuses to touch the report
/// fd, so the write end moves above 2 (`F_DUPFD_CLOEXEC`) and the low copy is closed *before*
/// the clone: left open, it would be the child's fd 0, 1 or 2, kept across the exec. The read
/// end may stay low: the child never needs it, and closes its copy at exec.
fn report_pipe() -> Result<(OwnedFd, OwnedFd), SpawnError> {
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .map_err(|e| SpawnError::os(e, "pipe2"))?;
    if w.as_raw_fd() > 2 {
        return Ok((r, w));
    }
    let high = rustix::io::fcntl_dupfd_cloexec(&w, 3)
        .map_err(|e| SpawnError::os(e, "fcntl(F_DUPFD_CLOEXEC)"))?;
    drop(w);
    Ok((r, high))
}

fn is_fallback_errno(e: Errno) -> bool {
    e == Errno::NOSYS || e == Errno::PERM || e == Errno::INVAL || e == Errno::TOOBIG
}

/// Whether a refused clone means "try the next rung". With `CLONE_INTO_CGROUP` on Linux ≥ 5.7,
/// which knows the flag and the larger `clone_args`, `EINVAL` and `E2BIG` are the kernel's
/// answer about the cgroup (a controller's `can_fork` refusing it), not about `clone3`: they
/// fail the spawn with that errno. `ENOSYS` and `EPERM` (what seccomp filters return) still
/// fall back, to `Unsupported` at the legacy rung.
fn falls_back(e: Errno, cgroup: bool) -> bool {
    is_fallback_errno(e)
        && !(cgroup && (e == Errno::INVAL || e == Errno::TOOBIG) && kernel_at_least(5, 7))
}

fn clone_name(mode: CloneMode) -> &'static str {
    match mode {
        CloneMode::Legacy => "clone",
        _ => "clone3",
    }
}

/// One clone attempt. Returns the pid. `cgroup`: the directory fd for `CLONE_INTO_CGROUP`,
/// open across the call; legacy `clone` has no such flag, and refuses it (`EOPNOTSUPP`; the
/// caller never asks, it fails with `Unsupported` first).
#[inline(always)]
fn clone_once(
    mode: CloneMode,
    stack: &Stack,
    sp: *mut u8,
    pidfd: Option<&mut i32>,
    cgroup: Option<i32>,
) -> Result<usize, Errno> {
    let tid = stack.header().tid() as *const AtomicU32 as *mut u32;
    let lo = stack.lo();
    let pidfd_flag = if pidfd.is_some() { k::CLONE_PIDFD } else { 0 };
    let pidfd: *mut i32 = pidfd.map_or(core::ptr::null_mut(), |p| p as *mut i32);
    let ret = match mode {
        CloneMode::Clone3ClearSighand | CloneMode::Clone3 => {
            let mut flags = (k::CLONE_VM | pidfd_flag | k::CLONE_CHILD_CLEARTID) as u64;
            if mode == CloneMode::Clone3ClearSighand {
                flags |= k::CLONE_CLEAR_SIGHAND;
            }
            // `CLONE_INTO_CGROUP` needs the `cgroup` field, which `CLONE_ARGS_SIZE_VER2`
            // (Linux 5.7) added: only then is the larger size passed.
            let mut size = k::CLONE_ARGS_SIZE_VER0 as usize;
            if cgroup.is_some() {
                flags |= k::CLONE_INTO_CGROUP;
                size = k::CLONE_ARGS_SIZE_VER2 as usize;
            }
            let mut args = k::clone_args {
                flags,
                pidfd: pidfd as u64,
                child_tid: tid as u64,
                parent_tid: 0,
                exit_signal: k::SIGCHLD as u64,
                stack: lo as u64,
                stack_size: (sp as usize - lo as usize) as u64,
                tls: 0,
                set_tid: 0,
                set_tid_size: 0,
                cgroup: cgroup.map_or(0, |fd| fd as u64),
            };
            // SAFETY: `sp` is 16-aligned and holds (entry, block) (docs/SOUNDNESS.md items 5, 6); the child
            // runs only on our stack, which `Spawned` will own; `size` is CLONE_ARGS_SIZE_VER0,
            // accepted by every kernel with clone3, or VER2 for a cgroup, within `args` (88
            // bytes, asserted below); the kernel reads `args` during the call only.
            unsafe { arch::clone3((&mut args as *mut k::clone_args).cast(), size) }
        }
        CloneMode::Legacy if cgroup.is_some() => return Err(Errno::OPNOTSUPP),
        CloneMode::Legacy => {
            let flags = (k::CLONE_VM | pidfd_flag | k::CLONE_CHILD_CLEARTID | k::SIGCHLD) as usize;
            // SAFETY: as above; with legacy clone, CLONE_PIDFD stores the pidfd at `parent_tid`
            // (unused, null, without it).
            unsafe { arch::clone_legacy(flags, sp, pidfd, tid, 0) }
        }
    };
    sys::check(ret)
}

const _: () = assert!(core::mem::size_of::<k::clone_args>() == k::CLONE_ARGS_SIZE_VER2 as usize);
