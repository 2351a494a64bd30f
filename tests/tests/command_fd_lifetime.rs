//! What `fd` (std's shape) and `keep_fd`/`fd_map` (aspawn's) do with the caller's fd, seen in
//! `fcntl(F_GETFD)` and in what the children read.
//!

use std::io::{Read, Write};
use std::os::fd::AsRawFd;

use aspawn::{Command, Stdio};

/// What fd `n` is (`pipe:[inode]`, a path), if open. Compared rather than just probed: the
/// other test here opens pipes, which may take a number this one has closed.
fn what(n: i32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/self/fd/{n}")).ok()
}

/// `fd`: the fd stays at its number until the spawn (only then closed), other fds stay
/// inherited as with std (no closing of the rest), and a second spawn no longer has it.
#[test]
fn fd_is_spent_by_the_first_spawn_and_closes_nothing_else() {
    let (r, mut w) = std::io::pipe().unwrap();
    let original = r.as_raw_fd();
    let pipe = what(original).unwrap();
    // A non-close-on-exec fd, which a child inherits unless someone closes it.
    let inherited = rustix::io::dup(std::io::stdin()).unwrap();
    let inherited_n = inherited.as_raw_fd();
    let mut cmd = Command::new("sh");
    let script =
        format!("cat /dev/fd/50 || exit 3; test -e /dev/fd/{inherited_n} && echo inherited");
    cmd.args(["-c", &script]).stdout(Stdio::piped()).fd(50, r);
    assert_eq!(what(original).as_ref(), Some(&pipe), "closed before the spawn");
    let child = cmd.spawn().unwrap();
    assert_ne!(what(original).as_ref(), Some(&pipe), "still open after the spawn");
    w.write_all(b"first\n").unwrap();
    drop(w);
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first\ninherited\n");
    // Spawned again: fd 50 is gone, as with std.
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    drop(inherited);
}

/// `keep_fd`/`fd_map` with a borrow: the caller's fd stays open and the `Command` serves every
/// spawn with its own duplicate.
#[test]
fn fd_map_keeps_a_duplicate_for_every_spawn() {
    let (mut r, w) = std::io::pipe().unwrap();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo hi >&7"]).fd_map(&w, 7);
    assert!(what(w.as_raw_fd()).is_some());
    assert!(cmd.status().unwrap().success());
    assert!(cmd.status().unwrap().success());
    drop((cmd, w));
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert_eq!(s, "hi\nhi\n");
}

/// `fd(n, fd_at_n)`: the fd already has the child's number (and is close-on-exec, as every fd
/// std opens): the child still gets it.
#[test]
fn fd_at_its_own_number_reaches_the_child() {
    let (r, mut w) = std::io::pipe().unwrap();
    let n = r.as_raw_fd();
    let mut cmd = Command::new("cat");
    cmd.arg(format!("/dev/fd/{n}")).stdout(Stdio::piped()).fd(n, r);
    let child = cmd.spawn().unwrap();
    w.write_all(b"same number").unwrap();
    drop(w);
    assert_eq!(child.wait_with_output().unwrap().stdout, b"same number");
}
