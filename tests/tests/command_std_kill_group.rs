//! `Child::kill_group`/`signal_group`: the whole process group a child leads (spawned with
//! `process_group(0)` or `setsid(true)`), including a grandchild its shell started in the
//! background and left behind.

use std::io::{BufRead, BufReader};
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use aspawn::{Command, Stdio};

/// A shell that starts `sleep 1000` in the background, prints its pid and waits; the
/// grandchild's pid and a pidfd of it (taken while it surely runs: the shell waits for it).
fn shell_with_grandchild(cmd: &mut Command) -> (aspawn::Child, i32, OwnedFd) {
    cmd.args(["-c", "sleep 1000 & echo $!; wait"]).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let gpid: i32 = line.trim().parse().unwrap();
    let pid = rustix::process::Pid::from_raw(gpid).unwrap();
    let gfd = rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty()).unwrap();
    // The shell may print `$!` before its background child has exec'd `sleep`.
    for _ in 0..30_000 {
        let cmdline = std::fs::read(format!("/proc/{gpid}/cmdline")).unwrap();
        if cmdline.starts_with(b"sleep\0") {
            return (child, gpid, gfd);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    rustix::process::pidfd_send_signal(&gfd, rustix::process::Signal::KILL).unwrap();
    child.kill().unwrap();
    panic!("{gpid} never became `sleep`");
}

/// Whether the process behind `fd` exits within `limit` (its pidfd becomes readable).
fn exits_within(fd: &OwnedFd, limit: Duration) -> bool {
    use rustix::event::{PollFd, PollFlags};
    let ts = rustix::event::Timespec {
        tv_sec: limit.as_secs() as i64,
        tv_nsec: limit.subsec_nanos() as i64,
    };
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    loop {
        match rustix::event::poll(&mut fds, Some(&ts)) {
            Ok(n) => return n == 1,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => panic!("poll: {e}"),
        }
    }
}

#[test]
fn kill_group_kills_the_child_and_its_grandchild() {
    for setsid in [false, true] {
        let mut cmd = Command::new("sh");
        if setsid {
            cmd.setsid(true);
        } else {
            cmd.process_group(0);
        }
        let (mut child, gpid, gfd) = shell_with_grandchild(&mut cmd);
        child.kill_group().unwrap();
        assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL), "setsid={setsid}");
        // A generous bound for a loaded machine: SIGKILL is immediate.
        assert!(exits_within(&gfd, Duration::from_secs(30)), "setsid={setsid}: {gpid} lives");
    }
}

#[test]
fn signal_group_sends_the_given_signal() {
    let mut cmd = Command::new("sh");
    cmd.process_group(0);
    let (mut child, _gpid, gfd) = shell_with_grandchild(&mut cmd);
    child.signal_group(libc::SIGTERM).unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGTERM));
    assert!(exits_within(&gfd, Duration::from_secs(30)));
}

/// Control: `kill` alone leaves the grandchild running (what `kill_group` is for).
#[test]
fn kill_alone_leaves_the_grandchild() {
    let mut cmd = Command::new("sh");
    cmd.process_group(0);
    let (mut child, gpid, gfd) = shell_with_grandchild(&mut cmd);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!exits_within(&gfd, Duration::from_millis(200)), "{gpid} died with its shell");
    rustix::process::pidfd_send_signal(&gfd, rustix::process::Signal::KILL).unwrap();
}

#[test]
fn a_child_in_its_parents_group_is_refused() {
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    let e = child.kill_group().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
    let e = child.signal_group(libc::SIGTERM).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
    // Nothing was sent: the child (and our own group) still run.
    assert!(child.try_wait().unwrap().is_none());
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
}

#[test]
fn a_reaped_child_signals_no_group() {
    let mut child = Command::new("true").process_group(0).spawn().unwrap();
    child.wait().unwrap();
    let e = child.kill_group().unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ESRCH), "{e}");
}
