//! `Spawned::wait` and `PendingChild::wait`: wait for the child's exit (one sleep), give the
//! child back reaped and the stack, or the child's reported failure; `Command::status` waits
//! this way.

use std::os::unix::process::ExitStatusExt;

use aspawn::{Argv, CStrRef, ChildResult, Command, Ctx, Envp, Errno, ResultExt, Stack, Stdio};
use aspawn_tests::exit_with;

#[aspawn::child]
fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.execve(prog, argv, envp).context("execve")
}

/// Whether `pid` is still a child of this process (running or a zombie): its `/proc` entry
/// names us as its parent. A pid reused meanwhile by an unrelated process does not count.
fn is_our_child(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    // "pid (comm) state ppid …": comm may hold spaces, so split after its closing ')'.
    let rest = &stat[stat.rfind(')').unwrap() + 1..];
    rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) == Some(std::process::id())
}

#[test]
fn wait_gives_the_status_reaped_and_the_stack_again() {
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        run,
        (c"/bin/sh", &["sh", "-c", "exit 3"], Envp::empty())
    )
    .unwrap();
    let pid = spawned.pid();
    let (mut child, stack) = spawned.wait().unwrap();
    assert!(!is_our_child(pid), "the child was reaped: no zombie left");
    assert_eq!(child.wait().unwrap().code(), Some(3));
    assert_eq!(child.wait().unwrap().code(), Some(3), "the same status again");
    // The stack is free for the next child.
    let spawned = aspawn::spawn!(stack, exit_with, (5)).unwrap();
    let (mut child, _stack) = spawned.wait().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(5));
}

#[test]
fn wait_through_a_pidfd() {
    let spawned = aspawn::spawn!(Stack::new().unwrap().with_pidfd(), exit_with, (6)).unwrap();
    assert!(spawned.pidfd().is_some());
    let (mut child, _stack) = spawned.wait().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(6));
}

#[test]
fn wait_reports_a_failed_exec_with_its_child_reaped() {
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        run,
        (c"/nonexistent/aspawn-wait", &["x"], Envp::empty())
    )
    .unwrap();
    let pid = spawned.pid();
    let mut failed = spawned.wait().unwrap_err();
    assert_eq!((failed.errno(), failed.step()), (Errno::NOENT, "execve"));
    assert!(!is_our_child(pid), "reaped: no zombie left");
    assert_eq!(failed.child().wait().unwrap().code(), Some(127));
}

#[test]
fn wait_after_a_kill_gives_the_signal() {
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        run,
        (c"/bin/sleep", &["sleep", "10"], Envp::empty())
    )
    .unwrap();
    spawned.kill().unwrap();
    let (mut child, _stack) = spawned.wait().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
}

#[test]
fn wait_when_a_foreign_reaper_took_the_child_gives_echild_and_the_stack() {
    let spawned = aspawn::spawn!(Stack::new().unwrap(), exit_with, (0)).unwrap();
    let pid = spawned.pid();
    // The foreign reaper: a wait by pid that is not ours.
    let mut status = 0;
    // SAFETY: waitpid with a valid out-pointer, on our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    let (mut child, stack) = spawned.wait().unwrap();
    let err = child.wait().unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ECHILD), "std's answer, never another's status");
    assert_eq!(stack.size(), Stack::DEFAULT_SIZE);
}

#[test]
fn pending_child_wait_closes_a_piped_stdin_first() {
    // `cat` ends only at end of file on its stdin: the wait must close our end first.
    let pending = Command::new("cat").stdin(Stdio::piped()).spawn_nowait().unwrap();
    let mut child = pending.wait().unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn command_status_with_a_piped_stdin_sees_end_of_file() {
    let status = Command::new("cat").stdin(Stdio::piped()).status().unwrap();
    assert!(status.success());
}

#[test]
fn command_status_reports_a_missing_program_as_spawn_would() {
    let err = Command::new("/nonexistent/aspawn-status").status().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}
