//! `EnvBlock`: an environment prepared once and placed by one copy. The child sees exactly the
//! block's variables, in order; the block does not follow later changes of the parent's
//! environment; a NUL byte is refused before any spawn; a block too big for the stack is a
//! typed error that hands the stack back.

use std::io::Read;
use std::os::fd::AsFd;

use aspawn::{Argv, ChildResult, Ctx, EnvBlock, Envp, Fd, ResultExt, SpawnErrorKind, Stack};

#[aspawn::child]
fn env_to(cx: &Ctx, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(c"/usr/bin/env", argv, envp).context("execve")
}

/// What `/usr/bin/env` prints in a child spawned with `block`.
fn env_of(block: &EnvBlock) -> String {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), env_to, (w.as_fd(), &["env"], block)).unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    drop(w);
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert!(child.wait().unwrap().success());
    s
}

#[test]
fn the_child_sees_exactly_the_block() {
    let block = EnvBlock::from_pairs([("B", "2"), ("A", "one=1"), ("EMPTY", "")]).unwrap();
    assert_eq!(env_of(&block), "B=2\nA=one=1\nEMPTY=\n");
    assert_eq!(env_of(&EnvBlock::default()), "");
}

#[test]
fn a_captured_block_is_the_environment_of_its_capture() {
    // SAFETY: this test binary's other tests do not read or write this variable, and std's own
    // readers take its lock.
    unsafe { std::env::set_var("ASPAWN_ENV_BLOCK_PROBE", "before") };
    let block = EnvBlock::capture();
    // SAFETY: as above.
    unsafe { std::env::set_var("ASPAWN_ENV_BLOCK_PROBE", "after") };
    let seen = env_of(&block);
    assert!(seen.lines().any(|l| l == "ASPAWN_ENV_BLOCK_PROBE=before"), "{seen}");
    let expected: usize = block.len();
    assert_eq!(seen.lines().count(), expected, "{seen}");
    // SAFETY: as above.
    unsafe { std::env::remove_var("ASPAWN_ENV_BLOCK_PROBE") };
}

#[test]
fn a_nul_byte_is_refused() {
    for (k, v) in [("A\0B", "1"), ("A", "1\0")] {
        let err = EnvBlock::from_pairs([(k, v)]).unwrap_err();
        assert!(matches!(err.kind(), SpawnErrorKind::InteriorNul { what: "envp" }), "{err}");
    }
}

#[aspawn::child]
fn never_runs(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    cx.execve(c"/bin/true", argv, envp).context("execve")
}

#[test]
fn a_block_bigger_than_the_stack_is_a_typed_error_with_the_stack_back() {
    let big = "x".repeat(200 * 1024);
    let block = EnvBlock::from_pairs([("BIG", big.as_str())]).unwrap();
    let err = aspawn::spawn!(Stack::new().unwrap(), never_runs, (&["true"], &block)).unwrap_err();
    assert!(matches!(err.kind(), SpawnErrorKind::StackTooSmall { .. }), "{err}");
    assert!(err.into_stack().is_some(), "the stack comes back");
}
