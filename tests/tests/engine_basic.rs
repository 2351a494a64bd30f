//! Engine smoke test: a child written with `#[aspawn::child]` execs `echo` into a pipe.

use std::io::Read;

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};

#[aspawn::child]
fn exec_to(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

#[test]
fn echo_through_a_pipe() {
    let (mut r, w) = std::io::pipe().unwrap();
    let stack = Stack::new().unwrap();
    let spawned = aspawn::spawn!(
        stack,
        exec_to,
        (c"/bin/echo", &["echo", "hello", "world"], Envp::inherit(), &w),
    )
    .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    assert_eq!(out, "hello world\n");
}
