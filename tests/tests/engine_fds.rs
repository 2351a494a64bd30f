//! Leak checks that count `/proc/self/fd`: one test per binary, so no other test's fds move the
//! count.

use aspawn::{Envp, Errno, Fd, SpawnErrorKind, Stack};
use aspawn_tests::{exec_to, exit_with, fd_count};

#[test]
fn no_fd_leaks_on_reuse_failure_or_fd_exhaustion() {
    // 1. Hundreds of spawns on one reused stack: the fd count does not move.
    let mut stack = Stack::new().unwrap();
    let (mut c, s) = aspawn::spawn!(stack, exit_with, (0)).unwrap().wait_released().unwrap();
    c.wait().unwrap();
    stack = s;
    let before = fd_count();
    for _ in 0..300 {
        let (mut child, s) =
            aspawn::spawn!(stack, exit_with, (0)).unwrap().wait_released().unwrap();
        assert!(child.wait().unwrap().success());
        stack = s;
    }
    assert_eq!(fd_count(), before, "after 300 spawns");

    // 2. Failed children (missing program), dropped reports: no fd and no zombie left.
    for _ in 0..50 {
        let failed =
            aspawn::spawn!(stack, exec_to, (c"/nonexistent", &["x"], Envp::empty(), Fd::STDOUT))
                .unwrap()
                .wait_released()
                .unwrap_err();
        assert_eq!(failed.errno(), Errno::NOENT);
        stack = failed.into_stack();
    }
    assert_eq!(fd_count(), before, "after 50 failed children");
    // SAFETY: plain waitpid probe: no child of ours is left to reap.
    assert_eq!(unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) }, -1);

    // 3. fd exhaustion: with no fd free, `spawn!` still works (it makes none); asking for a
    // release fd fails in pipe2 and for a pidfd in the clone, with EMFILE, handing back the stack.
    let tight = Tight::new(0);
    let zero_free = aspawn::spawn!(stack, exit_with, (4)).map(|s| s.wait_released());
    let Ok(Ok((mut child, stack))) = zero_free else {
        drop(tight);
        panic!("spawn! with 0 free fds: {zero_free:?}");
    };
    let code = child.wait().unwrap().code();
    let pipe_err = aspawn::spawn!(stack.with_release_fd(), exit_with, (0)).map(drop).unwrap_err();
    let pipe_kind = pipe_err.kind().clone();
    let stack = pipe_err.into_stack().expect("stack handed back");
    let pidfd_err = aspawn::spawn!(stack.with_pidfd(), exit_with, (0)).map(drop).unwrap_err();
    drop(tight);
    assert_eq!(code, Some(4));
    assert_eq!(pipe_kind, SpawnErrorKind::Os { errno: Errno::MFILE, call: "pipe2" });
    let pidfd_kind = pidfd_err.kind();
    assert!(matches!(pidfd_kind, SpawnErrorKind::Os { errno: Errno::MFILE, .. }), "{pidfd_err}");
    let stack = pidfd_err.into_stack().expect("stack handed back");
    let (mut child, _) = aspawn::spawn!(stack, exit_with, (3)).unwrap().wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(3));
    drop(child);
    assert_eq!(fd_count(), before, "at the end");

    // 4. `Command::status` needs no more free fds than std's: the fewest std needs, found the
    // same way (0 to 4 free), and ours with exactly that many.
    let std_needs = (0..=4)
        .find(|&n| {
            let _t = Tight::new(n);
            std::process::Command::new("/bin/true").status().is_ok_and(|s| s.success())
        })
        .expect("std's status works with 4 free fds");
    eprintln!("std's Command::status needs {std_needs} free fds");
    let ours = {
        let _t = Tight::new(std_needs);
        aspawn::Command::new("/bin/true").status()
    };
    assert!(ours.as_ref().is_ok_and(|s| s.success()), "with {std_needs} free fds: {ours:?}");
    // With no fd free at all, `/bin/true` itself cannot load libc (its exit status says so),
    // but the spawn succeeds as std's does: `status` is `Ok` for both.
    let (std_zero, ours_zero) = {
        let _t = Tight::new(0);
        (
            std::process::Command::new("/bin/true").status().map(|s| s.code()),
            aspawn::Command::new("/bin/true").status().map(|s| s.code()),
        )
    };
    eprintln!("with 0 free fds: std {std_zero:?}, ours {ours_zero:?}");
    assert!(std_zero.is_ok() && ours_zero.is_ok(), "std {std_zero:?}, ours {ours_zero:?}");
    // A pidfd asked for with `create_pidfd(true)` is required: no fd for it, no spawn.
    let asked = {
        let _t = Tight::new(0);
        aspawn::Command::new("/bin/true").create_pidfd(true).status().map(|s| s.code())
    };
    assert_eq!(asked.as_ref().map_err(|e| e.raw_os_error()), Err(Some(24)), "{asked:?}"); // EMFILE
    // The (private) pidfd is kept when an fd is free for it: one fd more while the child is
    // unreaped, none with `create_pidfd(false)`.
    let mut child = aspawn::Command::new("/bin/true").spawn().unwrap();
    assert_eq!(fd_count(), before + 1);
    assert!(child.wait().unwrap().success());
    drop(child);
    let mut child = aspawn::Command::new("/bin/true").create_pidfd(false).spawn().unwrap();
    assert_eq!(fd_count(), before);
    assert!(child.wait().unwrap().success());
    drop(child);
    assert_eq!(fd_count(), before, "after the Command checks");

    // 5. `Child::wait_timeout` without a pidfd and with no fd free for its temporary one falls
    // back to `try_wait` with sleeps: a running child times out, an exiting one is reaped.
    let mut child = aspawn::Command::new("sleep").arg("0.3").create_pidfd(false).spawn().unwrap();
    let (early, late) = {
        let _t = Tight::new(0);
        let early = child.wait_timeout(std::time::Duration::from_millis(20)).map_err(|e| e.kind());
        let late = child.wait_timeout(std::time::Duration::from_secs(30)).map_err(|e| e.kind());
        (early, late)
    };
    assert_eq!(early, Ok(None), "still running after 20 ms");
    assert!(late.is_ok_and(|s| s.is_some_and(|s| s.success())), "{late:?}");
    assert_eq!(fd_count(), before, "after wait_timeout");
}

/// `RLIMIT_NOFILE` lowered and fds filled so that exactly `free` fds are free; undone on drop.
struct Tight {
    old: libc::rlimit,
    filler: Vec<i32>,
}

impl Tight {
    fn new(free: usize) -> Tight {
        let mut old = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        let mut filler = Vec::with_capacity(512);
        // SAFETY: get and set this process's RLIMIT_NOFILE with valid structs; dup fds we own.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut old), 0);
            let tight = libc::rlimit { rlim_cur: 256, rlim_max: old.rlim_max };
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &tight), 0);
            loop {
                let fd = libc::dup(0);
                if fd < 0 {
                    break;
                }
                filler.push(fd);
            }
            for _ in 0..free {
                if let Some(fd) = filler.pop() {
                    libc::close(fd);
                }
            }
        }
        Tight { old, filler }
    }
}

impl Drop for Tight {
    fn drop(&mut self) {
        // SAFETY: closing the fds `new` made and restoring the limit it read.
        unsafe {
            for &fd in &self.filler {
                libc::close(fd);
            }
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &self.old), 0);
        }
    }
}
