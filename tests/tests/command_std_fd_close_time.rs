//! std's `fd_test_close_time`, ported: `Command::fd(n, owned)` (std's unstable
//! `CommandExt::fd`) keeps the given fd open at its number until the spawn, and the spawn
//! closes it, as std does.
//!
//! Upstream: rust-lang/rust, library/std/tests/fd_passing.rs, `fn fd_test_close_time`, at commit
//! fd8c77081ca1530e8563b134da7fb51e2c4aa61a (MIT OR Apache-2.0). Changed: the imports
//! (`aspawn::{Command, Stdio}`; no `#![feature(command_pass_fds)]` and no `CommandExt`: `fd` is
//! an inherent method); alone in its binary, so that no test beside it opens an fd that takes
//! the closed number before the last `fcntl` (upstream's file runs it beside two tests that
//! open pipes).
#![allow(clippy::undocumented_unsafe_blocks)] // upstream's `fcntl(F_GETFD)` probes, as they are

use std::io::{self, Write};
use std::os::unix::io::AsRawFd;

use aspawn::{Command, Stdio};

use libc::{F_GETFD, fcntl};

#[test]
fn fd_test_close_time() {
    let (pipe_reader, mut pipe_writer) = io::pipe().unwrap();

    let fd_num = 123;

    let original = pipe_reader.as_raw_fd();

    let mut cmd = Command::new("cat");
    cmd.arg(format!("/dev/fd/{fd_num}")).stdout(Stdio::piped()).fd(fd_num, pipe_reader);

    assert_ne!(unsafe { fcntl(original, F_GETFD) }, -1);

    let mut child = cmd.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();

    pipe_writer.write_all(b"Hello, world!").unwrap();
    drop(pipe_writer);

    child.wait().unwrap();
    assert_eq!(io::read_to_string(&mut stdout).unwrap(), "Hello, world!");
    assert_eq!(unsafe { fcntl(original, F_GETFD) }, -1);
}
