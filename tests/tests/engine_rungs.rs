//! Every rung of the clone fallback chain, forced one by one, and the probe's own
//! fallback under a seccomp filter that refuses `clone3` the way container runtimes do.
//!
//! Forcing a rung is process-wide, so this binary keeps it to one test that forces; the seccomp
//! cases run in a child process (this same test binary, filtered to one test).

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use aspawn::__private::{clone_mode, force_clone_mode};
use aspawn::consts::SIG_BLOCK;
use aspawn::{CloneMode, Ctx, Envp, Stack};
use aspawn_tests::{exec_to, raise_then_exit};

static HANDLER_RAN: AtomicBool = AtomicBool::new(false);

extern "C" fn on_usr1(_: libc::c_int) {
    HANDLER_RAN.store(true, Ordering::SeqCst);
}

/// Spawns `echo` and returns its output and the mode the engine used.
fn echo_with_mode(word: &str) -> (String, CloneMode) {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (c"/bin/echo", &["echo", word], Envp::inherit(), &w),
    )
    .unwrap();
    drop(w);
    let mode = spawned.clone_mode();
    let (mut child, _) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    (s, mode)
}

#[test]
fn every_rung_forced_execs_and_resets_the_parents_handlers() {
    if std::env::var_os("ASPAWN_TEST_SECCOMP").is_some() {
        return; // the seccomp child process runs only `seccomp_child`
    }
    // SAFETY: a handler that only stores to an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as *const () as usize;
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    for mode in [CloneMode::Clone3ClearSighand, CloneMode::Clone3, CloneMode::Legacy] {
        force_clone_mode(Some(mode));
        assert_eq!(clone_mode(), (mode, true));
        let (out, used) = echo_with_mode("rung");
        assert_eq!((out.as_str(), used), ("rung\n", mode));
        // The reset (by the kernel or by the child's loop) means SIGUSR1 kills the child with its
        // default action; the parent's handler, which would run on shared memory, never runs.
        let (mut child, _) =
            aspawn::spawn!(Stack::new().unwrap(), raise_then_exit, (libc::SIGUSR1))
                .unwrap()
                .wait_released()
                .unwrap();
        assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGUSR1), "{mode:?}");
        assert!(!HANDLER_RAN.load(Ordering::SeqCst), "{mode:?}");
        // The mask the child starts with, and the one `restore_sigmask` gives back.
        let code = mask_seen_by_child();
        let expect =
            if mode == CloneMode::Clone3ClearSighand && kernel_at_least(5, 16) { 0 } else { 1 };
        assert_eq!(code, expect, "{mode:?}: 0 = started with the parent's mask, 1 = all blocked");
    }
    force_clone_mode(None);
}

/// Whether `uname` says Linux ≥ `major.minor`.
fn kernel_at_least(major: u32, minor: u32) -> bool {
    // SAFETY: uname into a zeroed struct.
    let release = unsafe {
        let mut un: libc::utsname = std::mem::zeroed();
        assert_eq!(libc::uname(&mut un), 0);
        std::ffi::CStr::from_ptr(un.release.as_ptr()).to_string_lossy().into_owned()
    };
    let mut it = release.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0)) >= (major, minor)
}

/// Exit code: 0 if the child started with `parent` as its mask, 1 if with every signal blocked,
/// 2 otherwise; plus 10 if, after blocking `extra` itself, `restore_sigmask` did not give back
/// `parent`.
#[aspawn::child]
fn report_mask(cx: &Ctx, parent: u64, extra: u64) -> i32 {
    let Ok(start) = cx.sigprocmask(SIG_BLOCK, 0) else { return 3 };
    let mut code = if start == parent {
        0
    } else if start | parent == start && start != parent && start & extra == extra {
        1
    } else {
        2
    };
    if cx.sigprocmask(SIG_BLOCK, extra).is_err() || cx.restore_sigmask().is_err() {
        return 4;
    }
    match cx.sigprocmask(SIG_BLOCK, 0) {
        Ok(now) if now == parent => {}
        _ => code += 10,
    }
    code
}

/// Blocks `SIGUSR2` in this thread, spawns `report_mask`, restores the mask, gives the code.
fn mask_seen_by_child() -> i32 {
    let bit = |sig: i32| 1u64 << (sig - 1);
    // SAFETY: pthread_sigmask with valid sets, undone below.
    let (old, parent) = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        let mut now: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR2);
        assert_eq!(libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old), 0);
        assert_eq!(libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut now), 0);
        let mut m = 0u64;
        for sig in 1..=64 {
            if libc::sigismember(&now, sig) == 1 {
                m |= bit(sig);
            }
        }
        (old, m)
    };
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), report_mask, (parent, bit(libc::SIGUSR1))).unwrap();
    // SAFETY: restoring the mask read above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    let (mut child, _) = spawned.wait_released().unwrap();
    child.wait().unwrap().code().unwrap_or(-1)
}

/// Installs a seccomp filter that makes `clone3` fail with `errno`.
fn refuse_clone3(errno: u32) {
    const CLONE3: libc::c_long = 435; // same number on x86_64 and aarch64
    aspawn_tests::seccomp(CLONE3, libc::SECCOMP_RET_ERRNO | errno);
}

/// Runs only inside the process started by `probe_falls_back_when_seccomp_refuses_clone3`.
#[test]
fn seccomp_child() {
    let Some(errno) = std::env::var("ASPAWN_TEST_SECCOMP").ok() else { return };
    if std::env::var_os("ASPAWN_TEST_SECCOMP_LATE").is_some() {
        // A spawn first, so that the engine has settled on `clone3` (and its fast path)
        // before the filter starts refusing it.
        let (out, mode) = echo_with_mode("before seccomp");
        println!("BEFORE {mode:?} {}", out.trim());
    }
    refuse_clone3(errno.parse().unwrap());
    let (out, mode) = echo_with_mode("behind seccomp");
    let (out2, mode2) = echo_with_mode("again");
    println!("RESULT {mode:?} {mode2:?} {}|{}", out.trim(), out2.trim());
}

#[test]
fn probe_falls_back_when_seccomp_refuses_clone3() {
    if std::env::var_os("ASPAWN_TEST_SECCOMP").is_some() {
        return;
    }
    for errno in [libc::ENOSYS, libc::EPERM, libc::EINVAL] {
        let stdout = rerun_behind_seccomp(errno, false);
        assert!(
            stdout.contains("RESULT Legacy Legacy behind seccomp|again"),
            "errno {errno}: {stdout}"
        );
    }
}

/// Runs `seccomp_child` in a new process whose `clone3` fails with `errno` (after one spawn
/// when `late`), and returns what it printed.
fn rerun_behind_seccomp(errno: i32, late: bool) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "seccomp_child", "--nocapture", "--test-threads=1"])
        .env("ASPAWN_TEST_SECCOMP", errno.to_string())
        .env_remove("ASPAWN_CLONE_MODE");
    if late {
        cmd.env("ASPAWN_TEST_SECCOMP_LATE", "1");
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "errno {errno}: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `clone3` refused only after the engine has used it: the spawns that follow fall back to
/// legacy `clone` as a first spawn would, the fast path of a settled process included.
#[test]
fn a_settled_process_falls_back_when_seccomp_starts_refusing_clone3() {
    if std::env::var_os("ASPAWN_TEST_SECCOMP").is_some() || !kernel_at_least(5, 16) {
        return;
    }
    for errno in [libc::ENOSYS, libc::EPERM] {
        let stdout = rerun_behind_seccomp(errno, true);
        assert!(
            stdout.contains("BEFORE Clone3ClearSighand before seccomp"),
            "errno {errno}: {stdout}"
        );
        assert!(
            stdout.contains("RESULT Legacy Legacy behind seccomp|again"),
            "errno {errno}: {stdout}"
        );
    }
}
