//! The release wake-up fd (`Spawned::release_fd`) fires exactly when the child has exec'd or
//! exited: a sibling cloned meanwhile holds no copy of its write end, a parent with fds 0–2
//! closed leaves no low copy of it in the child, and a child can neither duplicate it nor write
//! to it (`EBADF`).

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;

use aspawn::{Argv, ChildResult, Ctx, Envp, Errno, Fd, ResultExt, Stack};
use aspawn_tests::exit_with;

/// `stack` asking for the wake-up fd.
fn launch(stack: Stack) -> aspawn::Launch {
    stack.with_release_fd()
}

/// The children below write to, or duplicate, every fd of this process: one test at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// `true` when `fd` is readable or hung up right now (no waiting).
fn ready_now(fd: BorrowedFd<'_>) -> bool {
    let mut fds = [rustix::event::PollFd::new(&fd, rustix::event::PollFlags::IN)];
    let now = rustix::event::Timespec { tv_sec: 0, tv_nsec: 0 };
    rustix::event::poll(&mut fds, Some(&now)).unwrap() == 1
}

/// Blocks until the process `pid` (our child) has exited, without reaping it.
fn wait_zombie(pid: i32) {
    // SAFETY: waitid with a valid siginfo out-parameter; WNOWAIT leaves the child unreaped.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        assert_eq!(
            libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT),
            0
        );
    }
}

/// Reads one byte from `fd`, then exits 0: a child held before its exec.
#[aspawn::child]
fn hold(cx: &Ctx, fd: Fd) -> i32 {
    let mut b = [0u8; 1];
    match cx.read(fd, &mut b) {
        Ok(_) => 0,
        Err(_) => 1,
    }
}

#[test]
fn a_sibling_cloned_before_the_first_wait_holds_no_copy_of_the_wake_up_fd() {
    let _serial = serial();
    let mut a = aspawn::spawn!(launch(Stack::new().unwrap()), exit_with, (0)).unwrap();
    // B is cloned while A's handle is untouched, and stays before its exec.
    let (r, mut w) = std::io::pipe().unwrap();
    let b = aspawn::spawn!(Stack::new().unwrap(), hold, (&r)).unwrap();
    wait_zombie(a.pid());
    // A has exited: its wake-up fd must be hung up although B still runs before exec.
    let fired = ready_now(a.release_fd().unwrap());
    w.write_all(b"x").unwrap();
    let (mut cb, _) = b.wait_released().unwrap();
    assert!(cb.wait().unwrap().success());
    assert!(fired, "release_fd of an exited child not ready while a sibling runs");
    let (mut ca, _) = a.try_released().expect("released").unwrap();
    assert!(ca.wait().unwrap().success());
}

/// Writes one byte to fd 1; exits 1 if that worked, 0 on `EBADF`, 2 otherwise.
#[aspawn::child]
fn write_stdout(cx: &Ctx) -> i32 {
    match cx.write(Fd::STDOUT, b"x") {
        Ok(_) => 1,
        Err(e) if e == Errno::BADF => 0,
        Err(_) => 2,
    }
}

const ROLE: &str = "ASPAWN_TEST_WAKEUP_ROLE";

#[test]
fn with_fds_0_to_2_closed_the_child_gets_no_low_copy_of_the_wake_up_fd() {
    // The copy of this binary is started by std (a clone of this process): started while another
    // test's spawn is under way, it would hold that spawn's wake-up pipe until its own exec.
    let _serial = serial();
    if std::env::var_os(ROLE).is_some() {
        // In the re-executed copy: close 0–2, spawn, report through the exit status.
        // SAFETY: closing our own standard fds; nothing else of this process uses them.
        unsafe {
            libc::close(0);
            libc::close(1);
            libc::close(2);
        }
        let s = aspawn::spawn!(launch(Stack::new().unwrap()), write_stdout, ()).unwrap();
        let (mut c, _) = s.wait_released().unwrap();
        std::process::exit(c.wait().unwrap().code().unwrap_or(99));
    }
    let st = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "with_fds_0_to_2_closed_the_child_gets_no_low_copy_of_the_wake_up_fd",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, "1")
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0), "the child's fd 1 was open (the report pipe's low copy)");
}

/// Writes a byte to every fd from 3 to 255 but `sync` and the `keep` pipe, then says so on
/// `sync` and waits on `keep`. `SIGPIPE` is ignored first: the test process may have inherited
/// a pipe whose reader is gone (CI's harness, say), and a write there must not kill the child.
#[aspawn::child]
fn write_everywhere(cx: &Ctx, sync: Fd, keep: Fd, keep_w: Fd) -> i32 {
    if cx.signal_ignore(aspawn::consts::SIGPIPE).is_err() {
        return 2;
    }
    for n in 3..256 {
        let fd = Fd::from_raw(n);
        if fd != sync && fd != keep && fd != keep_w {
            let _ = cx.write(fd, b"x");
        }
    }
    if cx.write_all(sync, b"!").is_err() {
        return 1;
    }
    let mut b = [0u8; 1];
    let _ = cx.read(keep, &mut b);
    0
}

#[test]
fn a_child_cannot_fake_the_wake_up_by_writing_to_it() {
    let _serial = serial();
    let (sync_r, sync_w) = std::io::pipe().unwrap();
    let (keep_r, mut keep_w) = std::io::pipe().unwrap();
    let mut s = aspawn::spawn!(
        launch(Stack::new().unwrap()),
        write_everywhere,
        (&sync_w, &keep_r, &keep_w)
    )
    .unwrap();
    drop(sync_w);
    let mut b = [0u8; 1];
    (&sync_r).read_exact(&mut b).unwrap();
    // The child has written everywhere and now waits before its exec.
    let fired = ready_now(s.release_fd().unwrap());
    let early = s.try_released().is_some();
    keep_w.write_all(b"x").unwrap();
    let (mut c, _) = s.wait_released().unwrap();
    assert!(c.wait().unwrap().success());
    assert!(!early);
    assert!(!fired, "release_fd readable while the child still runs before exec");
}

/// Duplicates every fd from 3 to 255 (the copies survive exec), then execs `sh` on the pipes.
#[aspawn::child]
fn dup_everything_then_sh(cx: &Ctx, inp: Fd, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    for n in 3..256 {
        let _ = cx.dup(Fd::from_raw(n));
    }
    cx.dup2(inp, Fd::STDIN).context("dup2")?;
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.execve(c"/bin/sh", argv, envp).context("execve")
}

#[test]
fn a_child_cannot_delay_the_wake_up_by_duplicating_it() {
    let _serial = serial();
    let (in_r, mut in_w) = std::io::pipe().unwrap();
    let (mut out_r, out_w) = std::io::pipe().unwrap();
    let s = aspawn::spawn!(
        launch(Stack::new().unwrap()),
        dup_everything_then_sh,
        (&in_r, &out_w, &["sh", "-c", "head -c1; exec sleep 1000"], Envp::inherit())
    )
    .unwrap();
    drop((in_r, out_w));
    // The program echoing a byte proves the exec is complete (close-on-exec fds closed); it then
    // sleeps, holding whatever the child duplicated, until it is killed.
    in_w.write_all(b"y").unwrap();
    let mut b = [0u8; 1];
    out_r.read_exact(&mut b).unwrap();
    let fired = ready_now(s.release_fd().unwrap());
    drop(in_w);
    let (mut c, _) = s.wait_released().unwrap();
    c.kill().unwrap();
    c.wait().unwrap();
    assert!(fired, "release_fd not ready after the exec: the child holds a copy of it");
}
