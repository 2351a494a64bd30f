//! aarch64: the clone trampolines and raw system calls.
//!
//! AAPCS64 / Linux syscall convention: number in `x8`, arguments in `x0..x5`, result in `x0`
//! (`-4095..=-1` is `-errno`); `svc #0` preserves every other register. `sp` must stay 16-byte
//! aligned at all times. Written against the ABI; not run on this project's x86_64 machines.

use core::arch::{asm, naked_asm};

/// `clone3(args, size)`; the child loads `(entry, arg)` from its new stack and runs
/// `entry(arg) -> !`.
///
/// # Safety
///
/// As for the x86_64 version: `stack + stack_size` 16-byte aligned, holding `entry` then `arg`.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn clone3(args: *mut u8, size: usize) -> isize {
    naked_asm!(
        "mov x8, #435", // __NR_clone3; x0 = args, x1 = size already in place
        "svc #0",       // parent: x0 = pid or -errno; child: x0 = 0, sp = stack + size
        "cbz x0, 2f",
        "ret", // parent (or error): return x0
        "2:",
        "mov x29, xzr",           // child: no frame record to unwind into
        "mov x30, xzr",           // and no return address
        "ldp x16, x0, [sp], #16", // x16 = entry, x0 = arg; sp stays 16-aligned
        "blr x16",                // entry(arg) -> !
        "brk #1",                 // entry never returns
    )
}

/// Legacy `clone(flags, newsp, parent_tid, tls, child_tid)` — note aarch64's argument order
/// (`CONFIG_CLONE_BACKWARDS`) — with the same child protocol as [`clone3`]. The Rust signature
/// matches x86_64's; the registers are reordered here.
///
/// # Safety
///
/// As for [`clone3`], with `newsp` the 16-byte aligned initial stack pointer.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn clone_legacy(
    flags: usize,
    newsp: *mut u8,
    parent_tid: *mut i32,
    child_tid: *mut u32,
    tls: usize,
) -> isize {
    naked_asm!(
        "mov x5, x3",   // save child_tid
        "mov x3, x4",   // 4th kernel argument: tls
        "mov x4, x5",   // 5th kernel argument: child_tid
        "mov x8, #220", // __NR_clone
        "svc #0",
        "cbz x0, 2f",
        "ret",
        "2:",
        "mov x29, xzr",
        "mov x30, xzr",
        "ldp x16, x0, [sp], #16",
        "blr x16",
        "brk #1",
    )
}

/// `clone(CLONE_VM | CLONE_VFORK | …)` from inside a child, onto the free part of the *current*
/// stack (256 bytes below this call's `sp`), as the x86_64 version. Returns the raw result.
///
/// # Safety
///
/// As for the x86_64 version.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn clone_vfork_here(
    flags: usize,
    entry: usize,
    arg: usize,
    tid: *mut u32,
) -> isize {
    naked_asm!(
        "sub x9, sp, #256",                // the grandchild's stack top, below our frame
        "and x9, x9, #0xfffffffffffffff0", // 16-byte aligned
        "stp x1, x2, [x9]",                // entry, arg
        "mov x1, x9",                      // newsp
        "mov x4, x3",                      // child_tid: the level's word (CLONE_CHILD_CLEARTID)
        "mov x2, x3",                      // parent_tid: the same word (CLONE_PARENT_SETTID)
        "mov x3, xzr",                     // tls: unchanged
        "mov x8, #220",                    // __NR_clone (x0 = flags already)
        "svc #0",
        "cbz x0, 2f",
        "ret",
        "2:",
        "mov x29, xzr",
        "mov x30, xzr",
        "ldp x16, x0, [sp], #16",
        "blr x16",
        "brk #1",
    )
}

/// A raw system call with up to six arguments. Touches no memory of its own and no `errno`.
///
/// # Safety
///
/// The arguments must be valid for system call `nr`.
#[inline(always)]
pub(crate) unsafe fn syscall6(
    nr: usize,
    a0: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> isize {
    let ret: isize;
    // SAFETY: the caller vouches for the arguments; the asm follows the kernel's convention.
    unsafe {
        asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 as isize => ret,
            in("x1") a1,
            in("x2") a2,
            in("x3") a3,
            in("x4") a4,
            in("x5") a5,
            options(nostack),
        );
    }
    ret
}

/// `exit_group(code)`: never returns.
#[inline(always)]
pub(crate) fn exit_group(code: i32) -> ! {
    // SAFETY: exit_group takes an int and does not return.
    unsafe {
        asm!(
            "svc #0",
            "brk #1",
            in("x8") linux_raw_sys::general::__NR_exit_group as usize,
            in("x0") code as isize as usize,
            options(noreturn, nostack),
        );
    }
}
