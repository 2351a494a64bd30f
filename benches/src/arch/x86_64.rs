//! x86_64: `syscall` takes the number in `rax`, arguments in `rdi rsi rdx r10 r8 r9`, and
//! clobbers `rcx` and `r11`.

use std::arch::asm;
use std::ffi::c_char;

/// `clone(flags, stack_top, NULL, NULL, 0)`; the child calls `exit(0)` at once without
/// touching memory. Returns the child's pid or `-errno`.
///
/// # Safety
///
/// `stack_top` must be the top of a writable mapping that outlives the child (the child
/// never writes to it, but the kernel installs it as the child's stack pointer).
pub(crate) unsafe fn clone_vm_exit(flags: u64, stack_top: *mut u8) -> isize {
    let ret: isize;
    // SAFETY: the child half (after `test`/`jnz` falls through with rax == 0) only loads
    // registers and calls exit, so it never touches the shared memory or stack.
    unsafe {
        asm!(
            "syscall",               // clone(rdi = flags, rsi = stack, rdx = ptid, r10 = ctid, r8 = tls)
            "test rax, rax",         // 0 in the child, the pid (or -errno) in the parent
            "jnz 2f",                // parent: done
            "mov eax, {exit}",       // child: exit(0) …
            "xor edi, edi",
            "syscall",
            "ud2",                   // … which does not return
            "2:",
            exit = const libc::SYS_exit,
            inlateout("rax") libc::SYS_clone as isize => ret,
            in("rdi") flags,
            in("rsi") stack_top,
            in("rdx") 0usize,
            in("r10") 0usize,
            in("r8") 0usize,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// `vfork()`; the child calls `execve(path, argv, envp)` and, if that fails, `exit(127)`.
/// The parent resumes once the child has exec'd or exited. Returns the child's pid or
/// `-errno`.
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
    // SAFETY: vfork ignores its arguments; `rdi rsi rdx` survive the syscall in both tasks,
    // so the child finds execve's arguments in place and uses no memory or stack of its own.
    // The parent is suspended by the kernel until the child has exec'd or exited.
    unsafe {
        asm!(
            "syscall",               // vfork()
            "test rax, rax",         // 0 in the child
            "jnz 2f",                // parent: done (the child has exec'd)
            "mov eax, {execve}",     // child: execve(rdi = path, rsi = argv, rdx = envp)
            "syscall",
            "mov eax, {exit}",       // execve failed: exit(127)
            "mov edi, 127",
            "syscall",
            "ud2",
            "2:",
            execve = const libc::SYS_execve,
            exit = const libc::SYS_exit,
            inlateout("rax") libc::SYS_vfork as isize => ret,
            in("rdi") path,
            in("rsi") argv,
            in("rdx") envp,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// `clone(flags, stack_top, NULL, NULL, 0)`; the child calls `execve(path, argv, envp)` at
/// once and, if that fails, `exit(127)`, touching no memory. Returns the pid or `-errno`.
///
/// # Safety
///
/// `stack_top` as for [`clone_vm_exit`]; `path`, `argv` and `envp` must stay valid until the
/// child has exec'd (the caller waits for its exit before freeing them).
pub(crate) unsafe fn clone_vm_execve(
    flags: u64,
    stack_top: *mut u8,
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    // SAFETY: the caller's contract; ptid, ctid and tls are unused (0).
    unsafe {
        clone_then_execve(
            libc::SYS_clone,
            [flags as usize, stack_top as usize, 0],
            path,
            argv,
            envp,
        )
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
    unsafe { clone_then_execve(libc::SYS_clone3, [args as usize, size, 0], path, argv, envp) }
}

/// System call `nr` (`clone` or `clone3`) with `args` in `rdi rsi rdx` and 0 in `r10 r8`; in
/// the child (`rax == 0`) `execve(path, argv, envp)`, then `exit(127)`.
///
/// # Safety
///
/// `nr` and `args` must make a clone whose child runs on a stack that outlives it (or on none
/// of its own: the child half uses no memory); `path`, `argv` and `envp` as for `execve`.
unsafe fn clone_then_execve(
    nr: libc::c_long,
    args: [usize; 3],
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    let ret: isize;
    // SAFETY: r12..r14 survive the syscall in both tasks; the child moves them into the
    // argument registers and uses no memory or stack of its own.
    unsafe {
        asm!(
            "syscall",               // clone(rdi, rsi, rdx, r10, r8) or clone3(rdi, rsi)
            "test rax, rax",
            "jnz 2f",                // parent: done
            "mov rdi, r12",          // child: execve(path, argv, envp)
            "mov rsi, r13",
            "mov rdx, r14",
            "mov eax, {execve}",
            "syscall",
            "mov eax, {exit}",       // execve failed: exit(127)
            "mov edi, 127",
            "syscall",
            "ud2",
            "2:",
            execve = const libc::SYS_execve,
            exit = const libc::SYS_exit,
            inlateout("rax") nr as isize => ret,
            inlateout("rdi") args[0] => _,
            inlateout("rsi") args[1] => _,
            inlateout("rdx") args[2] => _,
            in("r10") 0usize,
            in("r8") 0usize,
            in("r12") path,
            in("r13") argv,
            in("r14") envp,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}
