//! Edge cases where `Command` must behave as std (and glibc's `execvp`) do: a seccomp profile
//! that refuses `close_range` with `EPERM`, `PATH` searches that hit over-long names or the odd
//! errors of network file systems, an interior NUL in a removed variable's name.
//!
//! The seccomp cases run in a copy of this test binary (a filter cannot be taken off again),
//! re-executed with `ASPAWN_TEST_ROLE` set and filtered to one test.

use aspawn_tests::{ROLE, rerun, seccomp};
use std::io::ErrorKind;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

fn role() -> bool {
    std::env::var_os(ROLE).is_some()
}

/// Counts the fds of `/proc/self/fd` in a shell spawned by `cmd` (the shell's own fd for the
/// listing not counted: `ls` runs in a subshell whose directory fd is above the rest).
fn child_fds(cmd: &mut aspawn::Command) -> std::io::Result<String> {
    let out = cmd.args(["-c", "ls /proc/self/fd"]).output()?;
    assert!(out.status.success(), "{:?}", out);
    Ok(String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Docker-style profiles refuse unknown system calls with `EPERM`, not `ENOSYS`: a spawn with
/// `keep_fd`/`fd_map` then failed at `close_range` instead of closing the fds one by one.
#[test]
fn close_range_refused_with_eperm_falls_back() {
    if !role() {
        let out = rerun("close_range_refused_with_eperm_falls_back", "seccomp");
        assert!(out.status.success(), "{:?}", out.status);
        return;
    }
    // An fd without close-on-exec, that the child must not get (numbered high: the listing's
    // own fd takes the lowest free number).
    // SAFETY: `F_DUPFD` of our own stdin; the new fd is ours to own.
    let stray = unsafe { OwnedFd::from_raw_fd(libc::fcntl(0, libc::F_DUPFD, 100)) };
    assert!(stray.as_raw_fd() >= 100);
    let (_r, w) = std::io::pipe().unwrap();
    let kept = w.as_raw_fd();
    let _ = seccomp(libc::SYS_close_range, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
    // SAFETY: plain system call, with the filter in place: it must be refused.
    let r = unsafe { libc::syscall(libc::SYS_close_range, 1000, 1001, 0) };
    assert_eq!((r, std::io::Error::last_os_error().raw_os_error()), (-1, Some(libc::EPERM)));
    let fds = child_fds(aspawn::Command::new("sh").keep_fd(&w)).expect("spawn with keep_fd");
    println!("child fds: {fds}");
    let nums: Vec<i32> = fds.split(' ').map(|s| s.parse().unwrap()).collect();
    assert!(nums.contains(&kept), "{fds}");
    assert!(!nums.contains(&stray.as_raw_fd()), "{fds}");
    // 0-2, the kept fd, and the listing's own directory fd.
    assert_eq!(nums.len(), 5, "{fds}");
}

/// The error std gives for `program` with `PATH` set to `path` (std then runs glibc's
/// `execvp` in its child), and ours.
fn both(program: &str, path: &str) -> (Option<i32>, Option<i32>) {
    let s = std::process::Command::new(program).env("PATH", path).status();
    let o = aspawn::Command::new(program).env("PATH", path).status();
    (s.err().and_then(|e| e.raw_os_error()), o.err().and_then(|e| e.raw_os_error()))
}

/// A candidate longer than `PATH_MAX` is `ENAMETOOLONG` (from the kernel, which stops glibc's
/// search); the search skipped it and returned `ENOENT`.
#[test]
fn execvp_gives_enametoolong_as_glibc() {
    let long_dir = format!("/{}", "d".repeat(3900));
    let name = "n".repeat(250);
    let cases: [(&str, String, String); 2] = [
        ("dir + name > PATH_MAX", name.clone(), long_dir.clone()),
        ("dir + name > PATH_MAX, then /bin", name.clone(), format!("{long_dir}:/bin")),
    ];
    for (what, program, path) in cases {
        let (s, o) = both(&program, &path);
        assert_eq!(s, Some(libc::ENAMETOOLONG), "std, {what}");
        assert_eq!(o, s, "{what}");
    }
    // A directory entry that alone is longer than `PATH_MAX` is skipped, as by glibc.
    let huge = format!("/{}", "h".repeat(5000));
    let (s, o) = both("true", &format!("{huge}:/bin"));
    assert_eq!((s, o), (None, None));
}

/// `ESTALE`, `ENODEV` and `ETIMEDOUT` from one directory move the search on to the next, as in
/// glibc (AFS and NFS give them for a missing file). A seccomp supervisor thread makes `execve`
/// of `/err-N/…` fail with errno N and lets every other `execve` run.
#[test]
fn execvp_goes_on_after_estale_enodev_etimedout() {
    if !role() {
        let out = rerun("execvp_goes_on_after_estale_enodev_etimedout", "seccomp");
        assert!(out.status.success(), "{:?}", out.status);
        return;
    }
    let (tx, rx) = std::sync::mpsc::channel::<OwnedFd>();
    std::thread::spawn(move || supervise(rx.recv().unwrap()));
    tx.send(seccomp(libc::SYS_execve, libc::SECCOMP_RET_USER_NOTIF).unwrap()).unwrap();
    for errno in [libc::ESTALE, libc::ENODEV, libc::ETIMEDOUT] {
        let path = format!("/err-{errno}:/bin");
        let ours = aspawn::Command::new("true").env("PATH", &path).status();
        println!("{path}: {ours:?}");
        assert!(ours.expect("the search goes on to /bin").success());
        // And alone, that error is what comes back (the last one seen), as from glibc.
        let alone = aspawn::Command::new("true").env("PATH", format!("/err-{errno}")).status();
        assert_eq!(alone.unwrap_err().raw_os_error(), Some(errno));
    }
}

/// Answers `execve` notifications: `/err-N/…` fails with errno N, anything else goes ahead.
fn supervise(listener: OwnedFd) {
    use std::os::unix::fs::FileExt;
    loop {
        // SAFETY: plain data, filled by the kernel.
        let mut req: libc::seccomp_notif = unsafe { std::mem::zeroed() };
        // SAFETY: `req` is a live `seccomp_notif`.
        let r = unsafe {
            libc::ioctl(listener.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_RECV as _, &mut req)
        };
        if r != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == ErrorKind::Interrupted || e.raw_os_error() == Some(libc::ENOENT) {
                continue;
            }
            panic!("NOTIF_RECV: {e}");
        }
        let mut path = [0u8; 4096];
        let n = std::fs::File::open(format!("/proc/{}/mem", req.pid))
            .and_then(|f| f.read_at(&mut path, req.data.args[0]))
            .unwrap_or(0);
        let path = &path[..n];
        let path = &path[..path.iter().position(|&b| b == 0).unwrap_or(n)];
        let errno = std::str::from_utf8(path)
            .ok()
            .and_then(|p| p.strip_prefix("/err-"))
            .and_then(|p| p.split('/').next())
            .and_then(|n| n.parse::<i32>().ok());
        let mut resp = libc::seccomp_notif_resp { id: req.id, val: 0, error: 0, flags: 0 };
        match errno {
            Some(e) => resp.error = -e,
            None => resp.flags = libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32,
        }
        // SAFETY: `resp` is a live `seccomp_notif_resp`. The target may be gone (ENOENT).
        unsafe { libc::ioctl(listener.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_SEND as _, &resp) };
    }
}

/// std checks for NUL only in the environment it passes on: a removed name never gets there,
/// so `env_remove("A\0B")` is ignored and the program runs. A NUL in a variable that is set
/// still fails the spawn with `InvalidInput`, unless a later call removes it again.
#[test]
fn a_nul_in_a_removed_name_is_ignored_as_by_std() {
    let s = std::process::Command::new("true").env_remove("A\0B").status();
    let o = aspawn::Command::new("true").env_remove("A\0B").status();
    assert!(s.unwrap().success(), "std");
    assert!(o.expect("env_remove with a NUL").success());

    let s = std::process::Command::new("true").env("A\0B", "1").status();
    let o = aspawn::Command::new("true").env("A\0B", "1").status();
    assert_eq!(s.unwrap_err().kind(), ErrorKind::InvalidInput, "std");
    assert_eq!(o.unwrap_err().kind(), ErrorKind::InvalidInput);

    let s = std::process::Command::new("true").env("A\0B", "1").env_remove("A\0B").status();
    let o = aspawn::Command::new("true").env("A\0B", "1").env_remove("A\0B").status();
    assert!(s.unwrap().success(), "std");
    assert!(o.expect("set, then removed").success());
}
