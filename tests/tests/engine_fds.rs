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

    // 3. fd exhaustion: pipe2 fails with EMFILE, a SpawnError that hands the stack back.
    let mut old = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    let mut filler = Vec::new();
    // SAFETY: get and set this process's RLIMIT_NOFILE with valid structs; dup and close fds we own.
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
    }
    let err = aspawn::spawn!(stack, exit_with, (0)).unwrap_err();
    // SAFETY: as above.
    unsafe {
        for fd in filler {
            libc::close(fd);
        }
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &old), 0);
    }
    assert_eq!(err.kind(), &SpawnErrorKind::Os { errno: Errno::MFILE, call: "pipe2" }, "{err}");
    let stack = err.into_stack().expect("stack handed back");
    let (mut child, _) = aspawn::spawn!(stack, exit_with, (3)).unwrap().wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(3));
    drop(child); // its pidfd
    assert_eq!(fd_count(), before, "at the end");
}
