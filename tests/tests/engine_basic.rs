//! Engine smoke tests with hand-written children.

use std::io::Read;

use aspawn::{Argv, CStrRef, ChildResult, Envp, Fd, ResultExt, Stack};
use aspawn_tests::{hand_child, hand_spawn};

hand_child!(exec_to, |cx, (prog: CStrRef, argv: Argv, envp: Envp, out: Fd)| -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
});

#[test]
fn echo_through_a_pipe() {
    let (mut r, w) = std::io::pipe().unwrap();
    let stack = Stack::new().unwrap();
    let spawned = hand_spawn::<exec_to, _>(
        stack,
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
