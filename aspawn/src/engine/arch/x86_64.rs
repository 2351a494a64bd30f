//! x86_64: the clone trampolines and raw system calls.
//!
//! System V syscall convention: number in `rax`, arguments in `rdi rsi rdx r10 r8 r9`, result in
//! `rax` (`-4095..=-1` is `-errno`); the `syscall` instruction clobbers `rcx` and `r11`.

use core::arch::{asm, naked_asm};

/// `clone3(args, size)`, whose child pops `(entry, arg)` off its new stack and runs
/// `entry(arg) -> !`. Returns the raw result in the parent.
///
/// # Safety
///
/// `args` must describe a stack whose initial stack pointer (`stack + stack_size`) is 16-byte
/// aligned and holds `entry: unsafe extern "C" fn(*mut u8) -> !` followed by its argument.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn clone3(args: *mut u8, size: usize) -> isize {
    naked_asm!(
        "mov eax, 435", // __NR_clone3; rdi = args and rsi = size are already in place
        "syscall",      // parent: rax = pid or -errno; child: rax = 0, rsp = stack + size
        "test rax, rax",
        "jz 2f",
        "ret", // parent (or error): return rax; no callee-saved register was touched
        "2:",
        "xor ebp, ebp", // child: no frame to unwind into (docs/SOUNDNESS.md item 5)
        "pop rax",      // entry
        "pop rdi",      // its argument; rsp is now 16-aligned again
        "call rax",     // entry(arg) -> !, entered with rsp = 8 mod 16 as the ABI wants
        "ud2",          // entry never returns
    )
}

/// Legacy `clone(flags, newsp, parent_tid, child_tid, tls)` with the same child protocol as
/// [`clone3`].
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
        "mov r10, rcx", // 4th C argument (child_tid) goes in r10 for the kernel
        "mov eax, 56",  // __NR_clone: (flags, newsp, parent_tid, child_tid, tls)
        "syscall",
        "test rax, rax",
        "jz 2f",
        "ret", // parent (or error)
        "2:",
        "xor ebp, ebp", // child: as in clone3
        "pop rax",
        "pop rdi",
        "call rax",
        "ud2",
    )
}

/// `clone(CLONE_VM | CLONE_VFORK | …)` from inside a child, onto the free part of the *current*
/// stack: the new stack pointer is 256 bytes below this call's own `rsp` (past the red zone and
/// our return address), so the grandchild uses only stack the suspended caller is not using. The
/// kernel keeps the caller suspended (`CLONE_VFORK`) until the grandchild execs or exits.
/// `tid` is passed as both `parent_tid` and `child_tid`: with `CLONE_PARENT_SETTID |
/// CLONE_CHILD_CLEARTID` the kernel writes the grandchild's pid there before it runs and clears it
/// at its exec or exit. Returns the raw result in the caller.
///
/// # Safety
///
/// `flags` must contain `CLONE_VM | CLONE_VFORK`; `entry(arg)` must never return; the stack below
/// the caller's must be free down to the guard page; `tid` must stay valid while the grandchild
/// can run.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn clone_vfork_here(
    flags: usize,
    entry: usize,
    arg: usize,
    tid: *mut u32,
) -> isize {
    naked_asm!(
        "lea rax, [rsp - 256]", // the grandchild's stack top: below our return address
        "and rax, -16",         // 16-byte aligned
        "mov [rax], rsi",       // entry, popped first by the grandchild
        "mov [rax + 8], rdx",   // its argument
        "mov rsi, rax",         // newsp
        "mov rdx, rcx",         // parent_tid: the level's word (CLONE_PARENT_SETTID)
        "mov r10, rcx",         // child_tid: the same word (CLONE_CHILD_CLEARTID)
        "xor r8d, r8d",         // tls: unchanged
        "mov eax, 56",          // __NR_clone (rdi = flags already)
        "syscall",
        "test rax, rax",
        "jz 2f",
        "ret", // caller, after the grandchild exec'd or exited
        "2:",
        "xor ebp, ebp",
        "pop rax",
        "pop rdi",
        "call rax",
        "ud2",
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
    // SAFETY: the caller vouches for the arguments; the asm follows the kernel's convention and
    // declares every register it changes.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a0,
            in("rsi") a1,
            in("rdx") a2,
            in("r10") a3,
            in("r8") a4,
            in("r9") a5,
            lateout("rcx") _,
            lateout("r11") _,
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
            "syscall",
            "ud2",
            in("rax") linux_raw_sys::general::__NR_exit_group as usize,
            in("rdi") code as isize as usize,
            options(noreturn, nostack),
        );
    }
}
