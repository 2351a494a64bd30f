//! std's `issue-30490` run-pass program, ported: a child whose stdout is the parent's stderr and
//! whose stderr is the parent's stdout (`Stdio::from_raw_fd(2)` / `(1)`), with the parent's
//! fds 1 and 2 themselves pipes: each stream must reach the other pipe, not its own.
//!
//! Upstream: rust-lang/rust, tests/ui/process/issue-30490.rs, at commit
//! 1604c376d6befc00f1123d2355afc92e47f9b007 (MIT OR Apache-2.0). Changed: the imports; `main`
//! is a `#[test]` (alone in this binary, so no other test writes to fds 1 and 2 while they are
//! pipes); the child is `sh` writing the same two lines rather than this binary re-run with
//! `--child` (a re-run test binary would also print the harness's own lines); `libc` comes from
//! the crate graph rather than `rustc_private`.
#![allow(clippy::undocumented_unsafe_blocks)] // upstream's libc calls, as they are

use std::fs::File;
use std::io::{Read, Write};
use std::io::{stderr, stdout};
use std::os::unix::io::FromRawFd;

use aspawn::{Command, Stdio};

#[test]
fn issue_30490() {
    let stdout_backup = unsafe { libc::dup(libc::STDOUT_FILENO) };
    let stderr_backup = unsafe { libc::dup(libc::STDERR_FILENO) };
    assert!(stdout_backup > -1);
    assert!(stderr_backup > -1);

    let (stdout_reader, stdout_writer) = pipe();
    let (stderr_reader, stderr_writer) = pipe();
    assert!(unsafe { libc::dup2(stdout_writer, libc::STDOUT_FILENO) } > -1);
    assert!(unsafe { libc::dup2(stderr_writer, libc::STDERR_FILENO) } > -1);

    // Make sure we close any duplicates of the writer end of the pipe,
    // otherwise we can get stuck reading from the pipe which has open
    // writers but no one supplying any input
    assert_eq!(unsafe { libc::close(stdout_writer) }, 0);
    assert_eq!(unsafe { libc::close(stderr_writer) }, 0);

    stdout().write_all("parent stdout\n".as_bytes()).expect("failed to write to stdout");
    stderr().write_all("parent stderr\n".as_bytes()).expect("failed to write to stderr");

    let child = {
        // Upstream: `Command::new(name).arg("--child")` (this program, printing both lines).
        Command::new("sh")
            .args(["-c", "echo 'child stdout'; echo 'child stderr' >&2"])
            .stdin(Stdio::inherit())
            .stdout(unsafe { Stdio::from_raw_fd(libc::STDERR_FILENO) })
            .stderr(unsafe { Stdio::from_raw_fd(libc::STDOUT_FILENO) })
            .spawn()
    };

    // The Stdio passed into the Command took over (and closed) std{out, err}
    // so we should restore them as they were.
    assert!(unsafe { libc::dup2(stdout_backup, libc::STDOUT_FILENO) } > -1);
    assert!(unsafe { libc::dup2(stderr_backup, libc::STDERR_FILENO) } > -1);

    // Using File as a shim around the descriptor
    let mut read = String::new();
    let mut f: File = unsafe { FromRawFd::from_raw_fd(stdout_reader) };
    f.read_to_string(&mut read).expect("failed to read from stdout file");
    assert_eq!(read, "parent stdout\nchild stderr\n");

    // Using File as a shim around the descriptor
    read.clear();
    let mut f: File = unsafe { FromRawFd::from_raw_fd(stderr_reader) };
    f.read_to_string(&mut read).expect("failed to read from stderr file");
    assert_eq!(read, "parent stderr\nchild stdout\n");

    assert!(child.expect("failed to execute child process").wait().unwrap().success());
}

/// Returns a pipe (reader, writer combo)
fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}
