//! `Command::fd(n, owned)` (std's unstable `CommandExt::fd`): the given fd stays open, at its own
//! number in the parent, until the spawn; the spawn hands it to the child as fd `n` and closes
//! the parent's copy. Alone in its binary, so that no other test opens an fd that takes the
//! closed number before the last check.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;

use aspawn::{Command, Stdio};

/// Whether `fd` is open in this process.
fn is_open(fd: i32) -> bool {
    // SAFETY: F_GETFD reads a flag of our own fd table; no memory is passed.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

#[test]
fn the_fd_is_open_until_the_spawn_and_closed_by_it() {
    let (reader, mut writer) = std::io::pipe().unwrap();
    let number = reader.as_raw_fd();
    let mut cmd = Command::new("cat");
    cmd.arg("/dev/fd/77").stdout(Stdio::piped()).fd(77, reader);
    assert!(is_open(number), "closed before the spawn");

    let mut child = cmd.spawn().unwrap();
    assert!(!is_open(number), "still open in the parent after the spawn");
    writer.write_all(b"through fd 77").unwrap();
    drop(writer);
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(out, "through fd 77");
}
