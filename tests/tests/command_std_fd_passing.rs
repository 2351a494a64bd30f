//! std's fd-passing tests (`fd_test_close_time` is in `command_std_fd_close_time.rs`, alone in
//! its binary) (`CommandExt::fd`, unstable in std as `command_pass_fds`), ported:
//! `Command::fd(child_fd, owned)` keeps the given fd open, at its number, until the spawn, and
//! the spawn closes it, as std does.
//!
//! Upstream: rust-lang/rust, library/std/tests/fd_passing.rs, at commit
//! fd8c77081ca1530e8563b134da7fb51e2c4aa61a (MIT OR Apache-2.0). Changed: the imports
//! (`aspawn::{Command, Stdio}`; no `#![feature(command_pass_fds)]` and no `CommandExt`: `fd` is
//! an inherent method); `fd_test_swap` expects the swap std's later version calls clobbered
//! (commented there).

use std::io::{self, Write};
use std::os::unix::io::AsRawFd;

use aspawn::{Command, Stdio};

#[test]
fn fd_test_stdin() {
    let (pipe_reader, mut pipe_writer) = io::pipe().unwrap();

    let fd_num = 0;

    let mut cmd = Command::new("cat");
    cmd.stdout(Stdio::piped()).fd(fd_num, pipe_reader);

    let mut child = cmd.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();

    pipe_writer.write_all(b"Hello, world!").unwrap();
    drop(pipe_writer);

    child.wait().unwrap();
    assert_eq!(io::read_to_string(&mut stdout).unwrap(), "Hello, world!");
}

#[test]
fn fd_test_swap() {
    let (pipe_reader1, mut pipe_writer1) = io::pipe().unwrap();
    let (pipe_reader2, mut pipe_writer2) = io::pipe().unwrap();

    let num1 = pipe_reader1.as_raw_fd();
    let num2 = pipe_reader2.as_raw_fd();

    let mut cmd = Command::new("cat");
    cmd.arg(format!("/dev/fd/{}", num1))
        .stdout(Stdio::piped())
        .fd(num2, pipe_reader1)
        .fd(num1, pipe_reader2);

    let mut child = cmd.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();

    pipe_writer1.write_all(b"Hello from pipe 1!").unwrap();
    drop(pipe_writer1);

    pipe_writer2.write_all(b"Hello from pipe 2!").unwrap();
    drop(pipe_writer2);

    child.wait().unwrap();
    // Upstream expects "Hello from pipe 1!": std applies the mappings one after the other with
    // `dup2`, so the second (`num1` <- `num2`) copies what the first had just put at `num2`
    // (pipe 1), and "the second pipe's output is clobbered; this is expected" (upstream's
    // later version of this test says so). aspawn applies the map as given (as for `fd_map`):
    // the child's `num1` is pipe 2. Listed among the differences from std.
    assert_eq!(io::read_to_string(&mut stdout).unwrap(), "Hello from pipe 2!");
}
