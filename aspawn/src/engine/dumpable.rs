//! The dumpable flag of the shared mm (the `soundness` module, F4).
//!
//! A credential change (`setresuid`, `setresgid`, `setgroups`, `setuid`, `setgid`) that changes
//! an effective or filesystem id, or drops capabilities, makes the kernel's `commit_creds` set the
//! *mm's* dumpable flag to `fs.suid_dumpable` (normally 0). A `CLONE_VM` child shares the parent's
//! mm, so a child dropping privileges made the parent non-dumpable: no core dumps, and `ptrace` or
//! `/proc/PID/mem` of the parent then need `CAP_SYS_PTRACE`.
//!
//! The flag must not be set back while a task that changed its credentials can still run in our
//! memory: with the flag at 1, the target uid could `ptrace` that task (the kernel lets a uid
//! attach to its own tasks when the mm is dumpable) and so reach every byte of the parent. So the
//! child never re-enables it, and the parent restores it only once no such task shares the mm.
//!
//! # The protocol
//!
//! `STATE` holds, in one word, the number of *announced* tasks (bits 8 and up) and the flag the
//! process had before the first of them (bits 0–7; meaningful while the count is not zero).
//! `RESTORING` counts parents inside a restore.
//!
//! - A task on one of our stacks, before its first credential syscall ([`announce`], in the
//!   child): (1) if the count is 0, waits until `RESTORING` is 0 and reads the flag; (2) adds one
//!   to the count with a compare-and-swap that also stores that flag when the count was 0 (the
//!   swap fails, and it starts again, if anything changed since it read `STATE`); (3) adds one to
//!   its stack header's `cred_marks`; (4) waits until `RESTORING` is 0. Only then the syscall.
//! - The parent, when it has seen a stack released (every task that ran on it has exec'd or
//!   exited, so none of them can still change credentials in our mm), takes the header's
//!   `cred_marks` (`n`) and, if `n > 0`, [`settle`]s: under a parent-side lock, (a) adds one to
//!   `RESTORING`, (b) reads `STATE`, (c) if the count is exactly `n` (these are the last announced
//!   tasks) and the saved flag is 1, sets the flag back to 1, (d) subtracts `n` from the count,
//!   (e) takes one from `RESTORING` and wakes the waiters.
//!
//! Why no announced task can run with changed credentials in a dumpable mm: all of `STATE` and
//! `RESTORING`'s accesses are `SeqCst`. Take a task T whose step (2) precedes a parent's step (b)
//! in that order: the parent reads a count that includes T, which is not among its `n` (T's
//! stack is not released), so the count is above `n` and it restores nothing. Otherwise the
//! parent's step (a) precedes T's step (2), hence T's step (4) sees `RESTORING` non-zero until the
//! parent's step (e), which comes after its `prctl` returned: T's credential syscall, and the
//! kernel's `set_dumpable(0)` in it, come after the restore. Either way the flag ends at 0 while T
//! runs in our memory. The flag saved in step (1)–(2) was read with the count at 0 and no restore
//! under way (a restore writes the flag in step (c), before its step (d) can bring the count to
//! 0), so it is the process's own flag, not one a child of ours had changed.
//!
//! A task killed between its steps (2) and (3) leaves the count one too high for good: the flag
//! then stays 0, the state before this fix — never a re-enable under a running task. So does a
//! `Spawned` that is forgotten (`mem::forget`) instead of released. A task of `Command::exec`'s
//! in-place hook changes the credentials of the caller's own process and does not announce.
//!
//! If the program itself changes the flag (`prctl(PR_SET_DUMPABLE)`) while an announced task
//! shares its memory, the last release sets back the flag it had before that task. If it
//! changes its own effective uid or gid meanwhile (which clears the flag for its own sake), the
//! flag is left as that change made it: the parent restores only while its (restoring thread's)
//! effective ids are still the ones the first announced task inherited.
#![allow(unsafe_code)]

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::SeqCst};
use std::sync::Mutex;

use linux_raw_sys::prctl::{PR_GET_DUMPABLE, PR_SET_DUMPABLE};

use super::sys;
use crate::stack::Header;

static STATE: AtomicU64 = AtomicU64::new(0);
/// The effective uid and gid (`euid << 32 | egid`) the first announced task inherited from the
/// process: the parent restores only if its own are still those, so a program that changed its
/// own ids meanwhile keeps the flag its change gave it.
static IDS: AtomicU64 = AtomicU64::new(u64::MAX);
static RESTORING: AtomicU32 = AtomicU32::new(0);
static SETTLE: Mutex<()> = Mutex::new(());

const ONE: u64 = 1 << 8;

/// `geteuid() << 32 | getegid()` of the calling task.
#[inline(always)]
fn ids() -> u64 {
    use linux_raw_sys::general::{__NR_getegid, __NR_geteuid};
    // SAFETY: no arguments; they never fail.
    let (u, g) = unsafe { (sys::call(__NR_geteuid, [0; 6]), sys::call(__NR_getegid, [0; 6])) };
    match (u, g) {
        (Ok(u), Ok(g)) => ((u as u64) << 32) | (g as u64 & 0xffff_ffff),
        _ => u64::MAX,
    }
}

#[inline(always)]
fn get_dumpable() -> u64 {
    // SAFETY: prctl(PR_GET_DUMPABLE) takes no pointer.
    match unsafe {
        sys::call(linux_raw_sys::general::__NR_prctl, [PR_GET_DUMPABLE as usize, 0, 0, 0, 0, 0])
    } {
        Ok(v) => (v & 0xff) as u64,
        // Unknown: never restore.
        Err(_) => 0,
    }
}

/// Waits until no parent is inside a restore (a `prctl` and a few atomics). In the child: raw
/// futex waits, each of at most 10 ms so that no lost wake-up can hold us.
#[inline(always)]
fn wait_no_restore() {
    loop {
        let r = RESTORING.load(SeqCst);
        if r == 0 {
            return;
        }
        sys::futex_wait_ns(&RESTORING, r, Some(10_000_000));
    }
}

/// Child side: called by `Ctx`'s credential methods before their syscall, once per task.
#[inline(always)]
pub(crate) fn announce(header: &Header) {
    loop {
        let s = STATE.load(SeqCst);
        let next = if s >> 8 == 0 {
            wait_no_restore();
            let flag = get_dumpable();
            // Not yet changed: this task's ids are still the ones it inherited from the parent.
            IDS.store(ids(), SeqCst);
            // A restore may have started since the load: the swap below then fails.
            ONE | flag
        } else {
            s.wrapping_add(ONE)
        };
        if STATE.compare_exchange(s, next, SeqCst, SeqCst).is_ok() {
            break;
        }
    }
    header.cred_marks.fetch_add(1, SeqCst);
    wait_no_restore();
}

/// Parent side: `n` announced tasks of a released stack are gone from our memory.
pub(crate) fn settle(n: u32) {
    if n == 0 {
        return;
    }
    let _guard = SETTLE.lock().unwrap_or_else(|e| e.into_inner());
    RESTORING.fetch_add(1, SeqCst);
    let s = STATE.load(SeqCst);
    let n64 = u64::from(n) << 8;
    if s & !0xff == n64 && s & 0xff == 1 && IDS.load(SeqCst) == ids() && get_dumpable() != 1 {
        // SAFETY: prctl(PR_SET_DUMPABLE, 1) takes no pointer.
        let _ = unsafe {
            sys::call(linux_raw_sys::general::__NR_prctl, [PR_SET_DUMPABLE as usize, 1, 0, 0, 0, 0])
        };
    }
    // The count includes these `n` (a header mark follows its count), so it cannot go below 0.
    let _ = STATE.fetch_update(SeqCst, SeqCst, |s| {
        Some(if s >> 8 >= u64::from(n) { s - n64 } else { s & 0xff })
    });
    RESTORING.fetch_sub(1, SeqCst);
    let _ =
        rustix::thread::futex::wake(&RESTORING, rustix::thread::futex::Flags::empty(), u32::MAX);
}
