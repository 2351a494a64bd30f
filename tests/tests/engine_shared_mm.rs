//! What a child sharing our memory must not change in the parent: the parent's signal handlers
//! must not run in a grandchild of `Command::exec`'s hook, and a child dropping privileges must
//! not leave the parent non-dumpable.
//!
//! Each case runs in a copy of this test binary, re-executed with `ASPAWN_TEST_ROLE` set and
//! filtered to one test, so that no other test's children share its memory (the dumpable flag
//! and the signal handlers are per process).

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use aspawn::{Command, Ctx, Failure, Fd, Stack};
use aspawn_tests::raise_then_exit;

const ROLE: &str = "ASPAWN_TEST_ROLE";

/// Runs test `test` alone in a copy of this binary, in a role; asserts that it passed.
fn rerun(test: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(ROLE, "inner")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}\n--- stdout:\n{stdout}--- stderr:\n{stderr}", out.status);
    assert!(stdout.contains("1 passed"), "--- stdout:\n{stdout}");
}

fn inner() -> bool {
    std::env::var_os(ROLE).is_some()
}

/// The pid the SIGUSR1 handler ran in (0: never ran).
static HANDLER_PID: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_usr1(_: libc::c_int) {
    // SAFETY: getpid is async-signal-safe.
    HANDLER_PID.store(unsafe { libc::getpid() }, Ordering::SeqCst);
}

/// The hook: spawns a grandchild that restores the signal mask and raises SIGUSR1.
#[aspawn::child]
fn hook_spawns_a_raiser(cx: &Ctx, sig: i32) -> Result<(), Failure> {
    let _ = cx.spawn(raise_then_exit, (sig));
    Ok(())
}

/// `Command::exec` runs its hook in this very process; a `cx.spawn` there makes a grandchild
/// that shares our memory. With the parent's SIGUSR1 handler installed, the grandchild raising
/// SIGUSR1 must die of it (handler reset), not run our handler in our memory. The exec then fails
/// (no such program), so this process goes on to look at the handler's static.
#[test]
fn a_grandchild_of_an_exec_hook_never_runs_our_handlers() {
    if !inner() {
        return rerun("a_grandchild_of_an_exec_hook_never_runs_our_handlers");
    }
    // SAFETY: installing a handler that only stores to an atomic, in a process of our own.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as *const () as usize;
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    for _ in 0..10 {
        let e = Command::new("/nonexistent/program")
            .child_hook(hook_spawns_a_raiser, libc::SIGUSR1)
            .exec();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT), "{e}");
        let ran_in = HANDLER_PID.load(Ordering::SeqCst);
        assert_eq!(
            ran_in,
            0,
            "our SIGUSR1 handler ran in pid {ran_in} (we are {})",
            std::process::id()
        );
    }
    // The handler is still ours: a SIGUSR1 to this process runs it here.
    // SAFETY: raising a signal whose handler only stores to an atomic.
    unsafe { libc::raise(libc::SIGUSR1) };
    assert_eq!(HANDLER_PID.load(Ordering::SeqCst), std::process::id() as i32);
}

fn dumpable() -> i32 {
    // SAFETY: prctl(PR_GET_DUMPABLE) takes no pointer.
    unsafe { libc::prctl(libc::PR_GET_DUMPABLE) }
}

/// Drops to uid/gid 65534, says so on `ready`, waits on `gate`, then exits 0.
#[aspawn::child]
fn drop_ids_then_wait(cx: &Ctx, ready: Fd, gate: Fd, gate_w: Fd) -> i32 {
    let _ = cx.close(gate_w);
    if cx.setgroups(&[]).is_err() || cx.setresgid(65534, 65534, 65534).is_err() {
        return 1;
    }
    if cx.setresuid(65534, 65534, 65534).is_err() {
        return 2;
    }
    let _ = cx.write(ready, b"r");
    let mut b = [0u8; 1];
    let _ = cx.read(gate, &mut b);
    0
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A child that changes its credentials makes the kernel mark the shared mm non-dumpable; the
/// parent's flag must be back once that child has exec'd or exited, and must stay 0 while any
/// child with changed credentials still runs in our memory — also while other such children come
/// and go on other threads (forced: one child holds its changed ids before exec, blocked on a
/// gate, while four threads spawn and release 25 id-dropping `Command`s each; then 50 children
/// that each hold dropped ids, checked while held, while another thread releases id-dropping
/// `Command`s in a loop, so that restores run while the next child announces).
#[test]
fn dropping_privileges_in_a_child_leaves_the_parent_dumpable() {
    if !inner() {
        return rerun("dropping_privileges_in_a_child_leaves_the_parent_dumpable");
    }
    if !is_root() {
        eprintln!("skipped: needs root to change ids");
        return;
    }
    assert_eq!(dumpable(), 1, "the test process starts dumpable");
    let status = Command::new("true").uid(65534).gid(65534).status().unwrap();
    assert!(status.success());
    assert_eq!(dumpable(), 1, "non-dumpable after a uid/gid-dropping child was released");

    // A child holds its dropped ids in our memory.
    use std::io::{Read, Write};
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let (mut ready_r, ready_w) = std::io::pipe().unwrap();
    let held =
        aspawn::spawn!(Stack::new().unwrap(), drop_ids_then_wait, (&ready_w, &gate_r, &gate_w))
            .unwrap();
    let mut buf = [0u8; 1];
    ready_r.read_exact(&mut buf).unwrap();
    assert_eq!(dumpable(), 0, "dumpable while a child with dropped ids runs in our memory");
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..25 {
                    let st = Command::new("true").uid(65534).gid(65534).status().unwrap();
                    assert!(st.success());
                    assert_eq!(dumpable(), 0, "re-enabled under a child with dropped ids");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(dumpable(), 0, "re-enabled under a child with dropped ids");
    gate_w.write_all(b"x").unwrap();
    let (mut child, _) = match held.wait_released_timeout(Duration::from_secs(60)) {
        Ok(r) => r.unwrap(),
        Err(_) => panic!("the held child did not exit"),
    };
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(dumpable(), 1, "not restored after the last id-dropping child was released");

    // Announcements racing restores: thread A's children drop their ids and hold them, each
    // checked while held; thread B's releases of id-dropping children bring the count to zero
    // between A's children, so restores keep starting while A's next child announces.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let b = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                assert!(Command::new("true").uid(65534).gid(65534).status().unwrap().success());
            }
        })
    };
    for i in 0..50 {
        let (gate_r, mut gate_w) = std::io::pipe().unwrap();
        let (mut ready_r, ready_w) = std::io::pipe().unwrap();
        let held =
            aspawn::spawn!(Stack::new().unwrap(), drop_ids_then_wait, (&ready_w, &gate_r, &gate_w))
                .unwrap();
        ready_r.read_exact(&mut buf).unwrap();
        assert_eq!(dumpable(), 0, "round {i}: dumpable under a child holding dropped ids");
        gate_w.write_all(b"x").unwrap();
        let (mut child, _) = match held.wait_released_timeout(Duration::from_secs(60)) {
            Ok(r) => r.unwrap(),
            Err(_) => panic!("the held child did not exit"),
        };
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
    stop.store(true, Ordering::Relaxed);
    b.join().unwrap();
    // Everything released: restored.
    assert_eq!(dumpable(), 1, "not restored after the race");

    // A program that made itself non-dumpable stays so.
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes no pointer.
    assert_eq!(unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0) }, 0);
    assert!(Command::new("true").uid(65534).gid(65534).status().unwrap().success());
    assert_eq!(dumpable(), 0, "a deliberately non-dumpable parent was made dumpable");
}
