//! `aspawn::Command` on its own: builders, spawning, pipes, errors, the extras std lacks.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;

use aspawn::{Command, Ctx, Failure, Fd, ResultExt, Stdio};

#[test]
fn output_collects_stdout_and_stderr() {
    let out = Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]).output().unwrap();
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr, b"err\n");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn stdin_piped_is_echoed_back() {
    let mut child =
        Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"round trip").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.stdout, b"round trip");
}

#[test]
fn a_missing_program_is_not_found() {
    let e = Command::new("/nonexistent/prog").spawn().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}

#[aspawn::child]
fn hello_hook(cx: &Ctx, fd: Fd, n: u8) -> Result<(), Failure> {
    let buf = [b'0' + n, b'\n'];
    cx.write_all(fd, &buf).context("write")
}

#[test]
fn child_hook_writes_to_a_pipe() {
    let (mut r, w) = std::io::pipe().unwrap();
    let mut cmd = Command::new("true");
    cmd.child_hook(hello_hook, (Fd::from_raw(w.as_raw_fd()), 7u8));
    assert!(cmd.status().unwrap().success());
    drop(w);
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert_eq!(s, "7\n");
}

#[test]
fn spawn_nowait_returns_before_exec() {
    let pending = Command::new("true").spawn_nowait().unwrap();
    let pid = pending.id();
    let mut child = pending.wait_released().unwrap();
    assert_eq!(child.id(), pid);
    assert!(child.wait().unwrap().success());
}
