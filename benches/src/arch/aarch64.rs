//! aarch64: `svc #0` takes the number in `x8`, arguments in `x0..x5`, returns in `x0`.
//! aarch64 has no `vfork` syscall: `clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, …)` is it.
//! (Not exercised on this project's x86_64 machines.)

use std::arch::asm;
use std::ffi::c_char;

/// `clone(flags, stack_top, NULL, NULL, NULL)`; the child calls `exit(0)` at once without
/// touching memory. Returns the child's pid or `-errno`.
///
/// # Safety
///
/// `stack_top` must be the top of a writable mapping that outlives the child.
pub(crate) unsafe fn clone_vm_exit(flags: u64, stack_top: *mut u8) -> isize {
    let ret: isize;
    // SAFETY: the child half only loads registers and calls exit.
    unsafe {
        asm!(
            "svc #0",                // clone(x0 = flags, x1 = stack, x2 = ptid, x3 = tls, x4 = ctid)
            "cbnz x0, 2f",           // parent: done
            "mov x8, {exit}",        // child: exit(0)
            "mov x0, xzr",
            "svc #0",
            "brk #0x1",
            "2:",
            exit = const libc::SYS_exit,
            inlateout("x0") flags as isize => ret,
            in("x1") stack_top,
            in("x2") 0usize,
            in("x3") 0usize,
            in("x4") 0usize,
            in("x8") libc::SYS_clone,
            options(nostack),
        );
    }
    ret
}

/// `clone(CLONE_VM | CLONE_VFORK | SIGCHLD)` on the caller's stack; the child calls
/// `execve(path, argv, envp)` and, if that fails, `exit(127)`. Returns the pid or `-errno`.
///
/// # Safety
///
/// `path`, `argv` and `envp` must be valid for `execve` until this returns.
pub(crate) unsafe fn vfork_execve(
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    let ret: isize;
    let flags = (libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD) as isize;
    // SAFETY: x9..x11 survive the syscall; the child moves them into x0..x2 and uses no memory.
    unsafe {
        asm!(
            "svc #0",                // clone(flags, sp = 0: share the caller's, …)
            "cbnz x0, 2f",           // parent: done (the child has exec'd)
            "mov x0, x9",            // child: execve(path, argv, envp)
            "mov x1, x10",
            "mov x2, x11",
            "mov x8, {execve}",
            "svc #0",
            "mov x8, {exit}",        // execve failed: exit(127)
            "mov x0, #127",
            "svc #0",
            "brk #0x1",
            "2:",
            execve = const libc::SYS_execve,
            exit = const libc::SYS_exit,
            inlateout("x0") flags => ret,
            in("x1") 0usize,
            in("x2") 0usize,
            in("x3") 0usize,
            in("x4") 0usize,
            in("x8") libc::SYS_clone,
            in("x9") path,
            in("x10") argv,
            in("x11") envp,
            options(nostack),
        );
    }
    ret
}

/// `clone(flags, stack_top, NULL, NULL, NULL)`; the child calls `execve(path, argv, envp)` at
/// once and, if that fails, `exit(127)`, touching no memory. Returns the pid or `-errno`.
///
/// # Safety
///
/// `stack_top` as for [`clone_vm_exit`]; `path`, `argv` and `envp` must stay valid until the
/// child has exec'd.
pub(crate) unsafe fn clone_vm_execve(
    flags: u64,
    stack_top: *mut u8,
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    // SAFETY: the caller's contract; ptid, tls and ctid are unused (0).
    unsafe {
        clone_then_execve(libc::SYS_clone, [flags as usize, stack_top as usize], path, argv, envp)
    }
}

/// `clone3(args, size)`; the child calls `execve(path, argv, envp)` at once and, if that
/// fails, `exit(127)`, touching no memory. Returns the pid or `-errno`.
///
/// # Safety
///
/// `args` must point to `size` readable bytes of a `struct clone_args` whose stack is the top
/// of a writable mapping that outlives the child; `path`, `argv` and `envp` as for
/// [`clone_vm_execve`].
pub(crate) unsafe fn clone3_vm_execve(
    args: *mut u64,
    size: usize,
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    // SAFETY: the caller's contract; clone3 reads its first two arguments only.
    unsafe { clone_then_execve(libc::SYS_clone3, [args as usize, size], path, argv, envp) }
}

/// System call `nr` (`clone` or `clone3`) with `args` in `x0 x1` and 0 in `x2..x4`; in the
/// child (`x0 == 0`) `execve(path, argv, envp)`, then `exit(127)`.
///
/// # Safety
///
/// `nr` and `args` must make a clone whose child runs on a stack that outlives it (the child
/// half uses no memory); `path`, `argv` and `envp` as for `execve`.
unsafe fn clone_then_execve(
    nr: libc::c_long,
    args: [usize; 2],
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    let ret: isize;
    // SAFETY: x9..x11 survive the syscall in both tasks (the child gets the parent's registers,
    // x0 = 0); the child moves them into x0..x2 and uses no memory.
    unsafe {
        asm!(
            "svc #0",
            "cbnz x0, 2f",           // parent: done
            "mov x0, x9",            // child: execve(path, argv, envp)
            "mov x1, x10",
            "mov x2, x11",
            "mov x8, {execve}",
            "svc #0",
            "mov x8, {exit}",        // execve failed: exit(127)
            "mov x0, #127",
            "svc #0",
            "brk #0x1",
            "2:",
            execve = const libc::SYS_execve,
            exit = const libc::SYS_exit,
            inlateout("x0") args[0] as isize => ret,
            inlateout("x1") args[1] => _,
            inlateout("x2") 0usize => _,
            in("x3") 0usize,
            in("x4") 0usize,
            inlateout("x8") nr => _,
            in("x9") path,
            in("x10") argv,
            in("x11") envp,
            options(nostack),
        );
    }
    ret
}
