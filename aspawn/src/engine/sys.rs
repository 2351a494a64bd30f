//! Raw system calls for the child (and the engine's few parent-side calls that must be raw).
//!
//! Every function here is one `syscall` instruction through [`super::arch::syscall6`]: no libc, no
//! `errno`, no allocation, no panic path (docs/SOUNDNESS.md items 1–3 and 18). Constants come from
//! `linux-raw-sys`.
#![allow(unsafe_code)]

use linux_raw_sys::general as k;

use crate::error::Errno;

pub(crate) use super::arch::exit_group;

/// Decodes a raw return value: `-4095..=-1` is `-errno`.
#[inline(always)]
pub(crate) fn check(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) { Err(errno_from_ret(ret as i16)) } else { Ok(ret as usize) }
}

// docs/SOUNDNESS.md item 18: rustix's `linux_raw` backend keeps an `Errno` as the raw syscall return
// value (`-errno`) in a `u16`; its libc backend uses a `c_int` and reads `errno` (TLS). This
// assertion fails the build if rustix is on any backend but `linux_raw` (the `use-libc` feature or
// `--cfg rustix_use_libc` anywhere in the dependency graph).
const _: () = assert!(
    core::mem::size_of::<Errno>() == 2,
    "aspawn needs rustix's linux_raw backend (no `use-libc`, no `--cfg rustix_use_libc`)"
);

/// `Errno` from a raw syscall return in `-4095..=-1`, without `Errno::from_raw_os_error`, whose
/// range assertion is an out-of-line call with a panic path (the `aspawn_nopanic` check found it).
/// The encoding is checked against rustix's constructor for every value by a unit test.
#[inline(always)]
pub(crate) fn errno_from_ret(ret: i16) -> Errno {
    // SAFETY: `Errno` is `repr(transparent)` over the `u16` bits of the negative return value on the
    // linux_raw backend (size asserted above, encoding tested below).
    unsafe { core::mem::transmute::<u16, Errno>(ret as u16) }
}

/// Raw syscall with 0–6 arguments, decoded.
///
/// # Safety
///
/// The arguments must be valid for system call `nr` (pointers to live memory of the right size).
#[inline(always)]
pub(crate) unsafe fn call(nr: u32, args: [usize; 6]) -> Result<usize, Errno> {
    // SAFETY: forwarded from the caller.
    check(unsafe {
        super::arch::syscall6(nr as usize, args[0], args[1], args[2], args[3], args[4], args[5])
    })
}

/// `rt_sigprocmask(how, set, old, 8)` on the 64-bit kernel sigset.
#[inline(always)]
pub(crate) fn sigprocmask(how: u32, set: Option<&u64>, old: Option<&mut u64>) -> Result<(), Errno> {
    let set = set.map_or(0, |s| s as *const u64 as usize);
    let old = old.map_or(0, |o| o as *mut u64 as usize);
    // SAFETY: both pointers are null or point to a live u64, the kernel sigset size on Linux.
    unsafe {
        call(linux_raw_sys::general::__NR_rt_sigprocmask, [how as usize, set, old, 8, 0, 0])
            .map(drop)
    }
}

/// `futex(word, FUTEX_WAIT, val, NULL)`: sleeps while `*word == val`, until a wake (the kernel's
/// at exec or exit of a `CLONE_CHILD_CLEARTID` task included: a *shared* futex, no
/// `FUTEX_PRIVATE_FLAG`), a signal or a spurious return. The caller re-checks the word.
#[inline(always)]
pub(crate) fn futex_wait(word: &core::sync::atomic::AtomicU32, val: u32) {
    futex_wait_ns(word, val, None);
}

/// As [`futex_wait`], for at most `ns` nanoseconds (under one second) when given.
#[inline(always)]
pub(crate) fn futex_wait_ns(word: &core::sync::atomic::AtomicU32, val: u32, ns: Option<u32>) {
    let ts = [0i64, ns.unwrap_or(0) as i64];
    let ts_ptr = if ns.is_some() { ts.as_ptr() as usize } else { 0 };
    // SAFETY: `word` is a live u32; `ts` a live `struct timespec` (two 64-bit fields) or NULL.
    let _ = unsafe {
        call(
            linux_raw_sys::general::__NR_futex,
            [
                word as *const _ as usize,
                linux_raw_sys::general::FUTEX_WAIT as usize,
                val as usize,
                ts_ptr,
                0,
                0,
            ],
        )
    };
}

/// The kernel's `struct sigaction` for `rt_sigaction` (x86_64 and aarch64 share the layout).
#[repr(C)]
pub(crate) struct KernelSigaction {
    pub(crate) handler: usize,
    pub(crate) flags: u64,
    pub(crate) restorer: usize,
    pub(crate) mask: u64,
}

/// `SIG_DFL`.
pub(crate) const SIG_DFL: usize = 0;
/// `SIG_IGN`.
pub(crate) const SIG_IGN: usize = 1;

/// `rt_sigaction(sig, new, old, 8)`.
#[inline(always)]
pub(crate) fn sigaction(
    sig: i32,
    new: Option<&KernelSigaction>,
    old: Option<&mut KernelSigaction>,
) -> Result<(), Errno> {
    let new = new.map_or(0, |s| s as *const KernelSigaction as usize);
    let old = old.map_or(0, |o| o as *mut KernelSigaction as usize);
    // SAFETY: null or live `struct sigaction`s; SIG_DFL/SIG_IGN need no restorer.
    unsafe {
        call(linux_raw_sys::general::__NR_rt_sigaction, [sig as usize, new, old, 8, 0, 0]).map(drop)
    }
}

/// Sets the disposition of `sig` to `SIG_DFL` or `SIG_IGN`.
#[inline(always)]
pub(crate) fn set_disposition(sig: i32, handler: usize) -> Result<(), Errno> {
    let act = KernelSigaction { handler, flags: 0, restorer: 0, mask: 0 };
    sigaction(sig, Some(&act), None)
}

/// Length of a NUL-terminated string.
///
/// # Safety
///
/// `s` must point to a NUL-terminated string.
#[inline(always)]
pub(crate) unsafe fn c_strlen(s: *const core::ffi::c_char) -> usize {
    let mut n = 0;
    // SAFETY: the caller promises a terminating NUL, so every byte up to it is readable.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}

/// Resets every handler the parent installed to `SIG_DFL`, keeping `SIG_IGN`, and resets `SIGPIPE`
/// (which Rust programs ignore) as std does. With `CLONE_CLEAR_SIGHAND` only `SIGPIPE` is left.
#[inline(always)]
pub(crate) fn reset_signals(all: bool) {
    if all {
        let mut sig = 1;
        while sig <= 64 {
            if sig != k::SIGKILL as i32 && sig != k::SIGSTOP as i32 {
                let mut old = KernelSigaction { handler: 0, flags: 0, restorer: 0, mask: 0 };
                if sigaction(sig, None, Some(&mut old)).is_ok()
                    && old.handler != SIG_DFL
                    && old.handler != SIG_IGN
                {
                    let _ = set_disposition(sig, SIG_DFL);
                }
            }
            sig += 1;
        }
    }
    let _ = set_disposition(k::SIGPIPE as i32, SIG_DFL);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_encoding_matches_rustix() {
        for raw in 1..4096 {
            assert_eq!(errno_from_ret(-(raw as i16)), Errno::from_raw_os_error(raw), "{raw}");
            assert_eq!(check(-(raw as isize)), Err(Errno::from_raw_os_error(raw)));
        }
        assert_eq!(check(0), Ok(0));
        assert_eq!(check(-4096), Ok(-4096isize as usize));
    }
}
