//! Foreign reapers: another thread's `waitpid(-1)` and `SIGCHLD = SIG_IGN` can reap a child
//! before its handle does. With a pidfd (`with_pidfd`) or without one, a wait then gives the
//! child's own status or `ECHILD`, as std's does — never another process's status; with a
//! pidfd, a signal to the reaped child fails with `ESRCH` instead of reaching whatever process
//! reused the pid.
//!
//! `waitpid(-1)` takes any child of the process, so this binary holds one test, and the
//! `SIG_IGN` case runs in a re-executed copy of it.

use aspawn::{Launch, Stack};
use aspawn_tests::exit_with;

const ROLE: &str = "ASPAWN_TEST_REAPER_ROLE";

fn launch(stack: Stack, pidfd: bool) -> Launch {
    if pidfd { stack.with_pidfd() } else { stack.into() }
}

/// Blocks until the child `pid` has exited, without reaping it.
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

/// Another thread's blocking `waitpid(-1)`: reaps one child, whichever.
fn thief_reaps_one() -> i32 {
    // SAFETY: plain waitpid with a valid status pointer.
    std::thread::spawn(|| unsafe {
        let mut st = 0;
        libc::waitpid(-1, &mut st, 0)
    })
    .join()
    .unwrap()
}

fn echild(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ECHILD)
}

#[test]
fn foreign_reapers_never_confuse_a_wait() {
    if std::env::var_os(ROLE).is_some() {
        return sig_ign_role();
    }
    let mut stack = Stack::new().unwrap();
    for pidfd in [true, false] {
        // 1. Forced: the child has exited, and another thread's waitpid(-1) reaps it first.
        let (mut child, s) =
            aspawn::spawn!(launch(stack, pidfd), exit_with, (5)).unwrap().wait_released().unwrap();
        stack = s;
        wait_zombie(child.pid());
        assert_eq!(thief_reaps_one(), child.pid());
        let e = child.wait().unwrap_err();
        assert!(echild(&e), "pidfd={pidfd}: {e}");
        if pidfd {
            // The pidfd knows its process is gone: nothing is sent to a reused pid.
            let e = child.signal(libc::SIGTERM).unwrap_err();
            assert_eq!(e.raw_os_error(), Some(libc::ESRCH), "{e}");
        }
        // std's child, under the same theft, fails the same way.
        let mut theirs = std::process::Command::new("/bin/true").spawn().unwrap();
        wait_zombie(theirs.id() as i32);
        assert_eq!(thief_reaps_one(), theirs.id() as i32);
        assert!(echild(&theirs.wait().unwrap_err()));

        // 2. Racing: a thief thread loops waitpid(-1, WNOHANG) while 200 children exit with
        // distinct codes; each wait gives its own child's code or ECHILD.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thief = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut stolen = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // SAFETY: plain waitpid with a valid status pointer.
                    if unsafe { libc::waitpid(-1, &mut 0, libc::WNOHANG) } > 0 {
                        stolen += 1;
                    }
                }
                stolen
            })
        };
        let (mut ours, mut lost) = (0, 0);
        for i in 0..200 {
            let code = 1 + i % 250;
            let spawned = aspawn::spawn!(launch(stack, pidfd), exit_with, (code)).unwrap();
            // Every other child through `Spawned::wait`, which reaps before taking the release.
            let (mut child, s) =
                if i % 2 == 0 { spawned.wait_released() } else { spawned.wait() }.unwrap();
            stack = s;
            match child.wait() {
                Ok(st) => {
                    assert_eq!(st.code(), Some(code), "pidfd={pidfd}: another status");
                    ours += 1;
                }
                Err(e) if echild(&e) => lost += 1,
                Err(e) => panic!("pidfd={pidfd}: {e}"),
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let stolen = thief.join().unwrap();
        eprintln!("pidfd={pidfd}: {ours} waited, {lost} ECHILD, thief reaped {stolen}");
        assert_eq!(ours + lost, 200);
    }

    // 3. SIGCHLD = SIG_IGN, in a copy of this binary.
    let st = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "foreign_reapers_never_confuse_a_wait", "--nocapture"])
        .env(ROLE, "1")
        .status()
        .unwrap();
    assert!(st.success(), "the SIG_IGN role failed: {st:?}");
}

/// With `SIGCHLD = SIG_IGN` the kernel reaps every child at its exit: the release still comes
/// (the futex word is cleared at exit), the wait fails with ECHILD like std's, and with a pidfd
/// a signal fails with ESRCH.
fn sig_ign_role() {
    // SAFETY: setting a disposition in this single-purpose process.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
    let mut stack = Stack::new().unwrap();
    for pidfd in [true, false] {
        let (mut child, s) =
            aspawn::spawn!(launch(stack, pidfd), exit_with, (9)).unwrap().wait_released().unwrap();
        stack = s;
        let e = child.wait().unwrap_err();
        assert!(echild(&e), "pidfd={pidfd}: {e}");
        if pidfd {
            let e = child.signal(libc::SIGTERM).unwrap_err();
            assert_eq!(e.raw_os_error(), Some(libc::ESRCH), "{e}");
        }
        let mut theirs = std::process::Command::new("/bin/true").spawn().unwrap();
        assert!(echild(&theirs.wait().unwrap_err()));
        // `Spawned::wait`: the stack still comes back, and the child's wait says ECHILD.
        let (mut child, s) =
            aspawn::spawn!(launch(stack, pidfd), exit_with, (9)).unwrap().wait().unwrap();
        stack = s;
        let e = child.wait().unwrap_err();
        assert!(echild(&e), "Spawned::wait, pidfd={pidfd}: {e}");
    }
}
