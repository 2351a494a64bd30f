//! std's (unstable, `linux_pidfd`) pidfd API, in our own tests of the behaviours std's own
//! pidfd tests check: `Command::create_pidfd`, `Child::pidfd`, `Child::into_pidfd` and
//! `PidFd::{try_wait, kill, wait}`.

use std::os::fd::{AsFd, AsRawFd, IntoRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;

use aspawn::{Command, Ctx, Failure, PidFd};

fn cloexec(fd: impl AsFd) -> bool {
    rustix::io::fcntl_getfd(fd).unwrap().contains(rustix::io::FdFlags::CLOEXEC)
}

/// The pid a pidfd names, from `/proc/self/fdinfo`.
fn pid_of(fd: impl AsFd) -> String {
    let fd = fd.as_fd().as_raw_fd();
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pid:\t")).unwrap().to_string()
}

#[aspawn::child]
fn nothing(cx: &Ctx) -> Result<(), Failure> {
    let _ = cx;
    Ok(())
}

/// Covers std's `test_command_pidfd`: a pidfd only when asked for, close-on-exec, and the
/// `Child`'s waits and kill go on working with it; the hook path (std's `pre_exec`/fork path)
/// gives one too.
#[test]
fn create_pidfd_gives_a_pidfd_only_when_asked() {
    let mut child = Command::new("false").create_pidfd(true).spawn().unwrap();
    let pidfd = child.pidfd().expect("asked for a pidfd");
    assert!(cloexec(pidfd));
    assert_eq!(pid_of(pidfd), child.id().to_string());
    assert_eq!(child.wait().unwrap().code(), Some(1));

    let mut child = Command::new("sleep").arg("1000").create_pidfd(true).spawn().unwrap();
    assert!(child.try_wait().unwrap().is_none());
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));

    let mut child = Command::new("true").create_pidfd(false).spawn().unwrap();
    let e = child.pidfd().expect_err("create_pidfd(false)");
    // std's kind is the unstable `Uncategorized`, which no stable code can construct.
    assert_eq!(e.kind(), std::io::ErrorKind::Other);
    assert_eq!(e.to_string(), "No pidfd was created.");
    assert!(child.wait().unwrap().success());

    // The default, as std's: no pidfd to show (the `Command` may still wait through a private
    // one; that is not visible here).
    let mut child = Command::new("true").spawn().unwrap();
    child.pidfd().expect_err("no create_pidfd");
    assert!(child.wait().unwrap().success());

    // The hook path.
    let mut cmd = Command::new("false");
    cmd.create_pidfd(true).child_hook(nothing, ());
    let mut child = cmd.spawn().unwrap();
    assert!(child.pidfd().is_ok());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// Covers std's `test_pidfd`: an owned `PidFd` waits and kills by itself; after the reap a
/// second wait is `ECHILD` and a kill `ESRCH` (nothing is sent to a reused pid).
#[test]
fn into_pidfd_waits_and_kills_by_itself() {
    let child = Command::new("sleep").arg("1000").create_pidfd(true).spawn().unwrap();
    let pidfd: PidFd = child.into_pidfd().expect("asked for a pidfd");
    assert!(pidfd.try_wait().unwrap().is_none());
    pidfd.kill().unwrap();
    pidfd.kill().expect("a second kill before the reap");
    assert_eq!(pidfd.wait().unwrap().signal(), Some(libc::SIGKILL));
    assert_eq!(pidfd.wait().unwrap_err().raw_os_error(), Some(libc::ECHILD));
    assert_eq!(pidfd.try_wait().unwrap_err().raw_os_error(), Some(libc::ECHILD));
    assert_eq!(pidfd.kill().unwrap_err().raw_os_error(), Some(libc::ESRCH));
}

/// `into_pidfd` without a pidfd gives the `Child` back, still whole.
#[test]
fn into_pidfd_without_one_gives_the_child_back() {
    let child = Command::new("sh")
        .args(["-c", "echo back; exit 3"])
        .stdout(aspawn::Stdio::piped())
        .spawn()
        .unwrap();
    let child = child.into_pidfd().expect_err("no pidfd was asked for");
    let out = child.wait_with_output().unwrap();
    assert_eq!((out.status.code(), out.stdout), (Some(3), b"back\n".to_vec()));
}

/// The conversions std's `PidFd` has: `AsFd`, `AsRawFd`, `IntoRawFd`, `FromRawFd`, to and from
/// `OwnedFd`.
#[test]
fn pidfd_converts_like_std() {
    let child = Command::new("sleep").arg("1000").create_pidfd(true).spawn().unwrap();
    let pid = child.id().to_string();
    let pidfd = child.into_pidfd().unwrap();
    let raw = pidfd.as_raw_fd();
    assert_eq!(pidfd.as_fd().as_raw_fd(), raw);
    let owned = OwnedFd::from(pidfd);
    assert_eq!(owned.as_raw_fd(), raw);
    assert_eq!(pid_of(&owned), pid);
    let pidfd = PidFd::from(owned);
    pidfd.kill().unwrap();
    assert_eq!(pidfd.wait().unwrap().signal(), Some(libc::SIGKILL));
    let raw2 = pidfd.into_raw_fd();
    assert_eq!(raw2, raw);
    // SAFETY: `into_raw_fd` gave up ownership of `raw2`, an open fd nobody else owns.
    let pidfd = unsafe { <PidFd as std::os::fd::FromRawFd>::from_raw_fd(raw2) };
    assert_eq!(pidfd.wait().unwrap_err().raw_os_error(), Some(libc::ECHILD));
}

/// `{:#?}` prints the real `create_pidfd` setting.
#[test]
fn debug_shows_create_pidfd() {
    let mut cmd = Command::new("true");
    assert!(format!("{cmd:#?}").contains("create_pidfd: false"));
    cmd.create_pidfd(true);
    assert!(format!("{cmd:#?}").contains("create_pidfd: true"), "{cmd:#?}");
    cmd.create_pidfd(false);
    assert!(format!("{cmd:#?}").contains("create_pidfd: false"));
}
