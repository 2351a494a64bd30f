//! A child whose stdout is the parent's fd 2 and whose stderr is the parent's fd 1
//! (`Stdio::from_raw_fd`), while the parent's own fds 1 and 2 are pipes: each of the child's
//! streams must reach the other pipe, not its own (the case of rust-lang/rust#30490). Alone in
//! its binary: it points this process's fds 1 and 2 at pipes for a while.

use std::io::Read;
use std::os::fd::{FromRawFd, IntoRawFd};

use aspawn::{Command, Stdio};

/// `dup2(from, to)`, checked.
fn dup2(from: i32, to: i32) {
    // SAFETY: fd-table operations on numbers this test owns; no memory is passed.
    assert!(unsafe { libc::dup2(from, to) } >= 0);
}

/// Moves the fd `from` to the number `to` (`dup2`, then closes `from`), so that no stray copy
/// of a pipe's write end keeps the reader from its end of file.
fn move_to(from: i32, to: i32) {
    dup2(from, to);
    // SAFETY: `from` is ours (taken with `into_raw_fd`) and now duplicated at `to`.
    assert_eq!(unsafe { libc::close(from) }, 0);
}

#[test]
fn crossed_standard_streams_reach_the_other_pipe() {
    // SAFETY: dup of our own standard streams; no memory is passed.
    let (saved_out, saved_err) = unsafe { (libc::dup(1), libc::dup(2)) };
    assert!(saved_out >= 0 && saved_err >= 0);
    let (mut out_r, out_w) = std::io::pipe().unwrap();
    let (mut err_r, err_w) = std::io::pipe().unwrap();
    move_to(out_w.into_raw_fd(), 1);
    move_to(err_w.into_raw_fd(), 2);

    // SAFETY: fds 1 and 2 are open (the pipes above); each `Stdio` takes one over.
    let (to_err, to_out) = unsafe { (Stdio::from_raw_fd(2), Stdio::from_raw_fd(1)) };
    let child = Command::new("sh")
        .args(["-c", "echo to-stdout; echo to-stderr >&2"])
        .stdout(to_err)
        .stderr(to_out)
        .spawn();
    // Put the real streams back (the `Stdio`s closed fds 1 and 2), and close the spare copies
    // so that each pipe sees its end of file.
    move_to(saved_out, 1);
    move_to(saved_err, 2);

    assert!(child.unwrap().wait().unwrap().success());
    let (mut out, mut err) = (String::new(), String::new());
    out_r.read_to_string(&mut out).unwrap();
    err_r.read_to_string(&mut err).unwrap();
    assert_eq!(out, "to-stderr\n", "the child's stderr goes to our fd 1's pipe");
    assert_eq!(err, "to-stdout\n", "the child's stdout goes to our fd 2's pipe");
}
