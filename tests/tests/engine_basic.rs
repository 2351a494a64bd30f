//! Engine smoke test: a child written with `#[aspawn::child]` execs `echo` into a pipe.

use std::io::Read;

use aspawn::{Envp, Stack};
use aspawn_tests::exec_to;

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
