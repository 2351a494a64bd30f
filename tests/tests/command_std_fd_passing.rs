//! `Command::fd(n, owned)` puts an fd at a chosen number in the child: onto a standard stream,
//! and two fds crossing each other's numbers. aspawn applies the map as given, where std applies
//! its `dup2`s one after another and the second then copies what the first had just placed
//! (std's own test says the crossed pipe is "clobbered"); that difference is listed in the
//! `Command` docs.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;

use aspawn::{Command, Stdio};

fn output_of(mut child: aspawn::command::Child) -> String {
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    out
}

#[test]
fn an_fd_onto_stdin() {
    let (reader, mut writer) = std::io::pipe().unwrap();
    let child = Command::new("cat").stdout(Stdio::piped()).fd(0, reader).spawn().unwrap();
    writer.write_all(b"on stdin").unwrap();
    drop(writer);
    assert_eq!(output_of(child), "on stdin");
}

#[test]
fn two_fds_onto_each_others_numbers() {
    let (r1, mut w1) = std::io::pipe().unwrap();
    let (r2, mut w2) = std::io::pipe().unwrap();
    let (n1, n2) = (r1.as_raw_fd(), r2.as_raw_fd());
    let child = Command::new("cat")
        .arg(format!("/dev/fd/{n1}"))
        .stdout(Stdio::piped())
        .fd(n2, r1)
        .fd(n1, r2)
        .spawn()
        .unwrap();
    w1.write_all(b"first").unwrap();
    w2.write_all(b"second").unwrap();
    drop((w1, w2));
    // The child's `n1` is the second pipe, as the map says.
    assert_eq!(output_of(child), "second");
}
