//! Shared helpers for the integration tests.
//!
//! [`hand_child!`] implements `aspawn::__private::ChildFn` by hand, for the child bodies the macro
//! rejects on purpose (`engine_guard.rs` overflows the stack with a deliberately large, indexed
//! frame), and for `engine_nested.rs`, which drives the runtime's `Ctx::spawn::<F>` directly
//! (`macro_nested.rs` covers the attribute's `cx.spawn(f, (…))`). `engine.rs`, `engine_basic.rs`,
//! `engine_fds.rs` and `engine_rungs.rs` write their children with `#[aspawn::child]` and spawn
//! them with `aspawn::spawn!`. Each use is an `unsafe impl`: its body must follow the rules of
//! SOUNDNESS.md by hand.

use std::fs;

/// Declares `enum $name {}` implementing `ChildFn` with the given body.
///
/// ```ignore
/// hand_child!(echo_child, |cx, (prog: CStrRef, argv: Argv, envp: Envp)| -> ChildResult {
///     cx.execve(prog, argv, envp).context("execve")
/// });
/// ```
#[macro_export]
macro_rules! hand_child {
    ($name:ident, |$cx:ident, ($($arg:ident : $ty:ty),* $(,)?)| -> $ret:ty $body:block) => {
        #[allow(non_camel_case_types)]
        enum $name {}
        // SAFETY: the body below is written by hand to the child rules: only Ctx calls on placed
        // values, no allocation, no panic.
        unsafe impl ::aspawn::__private::Approved for $name {
            type Kit = ::aspawn::__private::Kit;
            type Ctx = ::aspawn::__private::Ctx;
            type Fn = fn(&::aspawn::Ctx, ($($ty,)*)) -> $ret;
            const CALL: Self::Fn = <Self as ::aspawn::__private::ChildFn>::call;
            const DEPTH: usize = 1;
        }
        // SAFETY: as above.
        unsafe impl ::aspawn::__private::ChildFn for $name {
            type Args = ($($ty,)*);
            type Output = $ret;
            #[allow(unused_variables, unused_parens)]
            fn call($cx: &::aspawn::Ctx, args: Self::Args) -> $ret {
                let ($($arg,)*) = args;
                $body
            }
        }
    };
}

/// Spawns with a hand-written child: `hand_spawn::<F>(stack, (a, b, …))`.
pub fn hand_spawn<F, A>(
    stack: impl Into<aspawn::Launch>,
    args: A,
) -> Result<aspawn::Spawned, aspawn::SpawnError>
where
    F: aspawn::__private::ChildFn,
    A: aspawn::__private::Place<F::Args>,
{
    aspawn::__private::spawn::<F, A>(stack, args)
}

/// The number of open fds of this process, from `/proc/self/fd`.
pub fn fd_count() -> usize {
    fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, ResultExt};

/// The tests' common child: `dup2(out, 1)`, restore the signal mask, `execve(prog, argv, envp)`.
#[aspawn::child]
pub fn exec_to(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

/// A child that exits at once with `code`.
#[aspawn::child]
pub fn exit_with(_cx: &Ctx, code: i32) -> i32 {
    code
}

/// Restores the signal mask, then sends itself `sig`: with the parent's handlers reset, the
/// default action ends it (exit 2 or 3 if `getpid` or the mask fail, 0 if it survives).
#[aspawn::child]
pub fn raise_then_exit(cx: &Ctx, sig: i32) -> i32 {
    let pid = match cx.getpid() {
        Ok(p) => p,
        Err(_) => return 2,
    };
    if cx.restore_sigmask().is_err() {
        return 3;
    }
    let _ = cx.kill(pid, sig);
    0
}

/// Writes `body` to `path` with `mode` through a `sh`/`cat` child, so that the file is never
/// open for writing in *this* process: a child that another test thread clones meanwhile would
/// keep a copy of that fd until its exec, and exec'ing the file would then fail with `ETXTBSY`.
pub fn write_file_outside(path: &std::path::Path, body: &[u8], mode: u32) {
    use std::io::Write;
    let mut w = std::process::Command::new("/bin/sh")
        .args(["-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "sh"])
        .arg(path)
        .arg(format!("{mode:o}"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sh");
    w.stdin.take().expect("piped").write_all(body).expect("write to cat");
    assert!(w.wait().expect("wait sh").success(), "writing {}", path.display());
}

/// The environment variable that tells a re-executed copy of a test binary which role it plays
/// (see [`rerun`]).
pub const ROLE: &str = "ASPAWN_TEST_ROLE";

/// Runs test `test` alone in a copy of the current test binary, with [`ROLE`] set to `role`, and
/// returns its output (also printed, for the failure report). For tests that change
/// process-wide state (rlimits, credentials, signal dispositions, seccomp filters, fds 0–2) or
/// may crash: a crash there is a failed status here, not the end of the whole test binary.
pub fn rerun(test: &str, role: &str) -> std::process::Output {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    eprintln!(
        "--- {role}: {:?}\n--- stdout:\n{}--- stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Installs a seccomp filter on this thread (and on what it spawns from now on) that gives
/// `action` for system call `nr` and allows everything else; returns the listener fd when
/// `action` is `SECCOMP_RET_USER_NOTIF`. A filter cannot be taken off again: callers run it in
/// a copy of their test binary ([`rerun`]).
pub fn seccomp(nr: libc::c_long, action: u32) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let insns = [
        // A = seccomp_data.nr
        libc::sock_filter {
            code: (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16,
            jt: 0,
            jf: 0,
            k: 0,
        },
        // if A == nr fall through, else skip one
        libc::sock_filter {
            code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
            jt: 0,
            jf: 1,
            k: nr as u32,
        },
        libc::sock_filter { code: (libc::BPF_RET | libc::BPF_K) as u16, jt: 0, jf: 0, k: action },
        libc::sock_filter {
            code: (libc::BPF_RET | libc::BPF_K) as u16,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ALLOW,
        },
    ];
    let prog = libc::sock_fprog { len: insns.len() as u16, filter: insns.as_ptr() as *mut _ };
    let flags = if action == libc::SECCOMP_RET_USER_NOTIF {
        libc::SECCOMP_FILTER_FLAG_NEW_LISTENER
    } else {
        0
    };
    // SAFETY: `prog` points to `insns`, both live across the calls; a listener fd returned by
    // the kernel is ours.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        let r = libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            flags,
            &prog as *const libc::sock_fprog,
        );
        assert!(r >= 0, "seccomp: {}", std::io::Error::last_os_error());
        (flags != 0).then(|| std::os::fd::OwnedFd::from_raw_fd(r as i32))
    }
}
