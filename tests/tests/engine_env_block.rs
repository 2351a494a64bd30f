//! `EnvBlock`: an environment prepared once and placed by one copy. The child sees exactly the
//! block's variables, in order; the block does not follow later changes of the parent's
//! environment; a NUL byte is refused before any spawn; a block too big for the stack is a
//! typed error that hands the stack back.

use std::io::{Read, Write};
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
fn sh_with(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(c"/bin/sh", argv, envp).context("execve")
}

/// A lent block takes no room in the stack: 200 KiB of environment spawn on the default 64 KiB
/// stack, and the child sees all of it.
#[test]
fn a_block_bigger_than_the_stack_is_lent_whole() {
    // Two strings of 100 KiB (one string may not exceed the kernel's 128 KiB).
    let big = "x".repeat(100 * 1024);
    let block = EnvBlock::from_pairs([("BIG1", big.as_str()), ("BIG2", big.as_str())]).unwrap();
    let script = &["sh", "-c", "test ${#BIG1} -eq 102400 && test ${#BIG2} -eq 102400"];
    let spawned = aspawn::spawn!(Stack::new().unwrap(), sh_with, (script, &block)).unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
}

/// A second block in the same spawn is copied: one that does not fit is a typed error that
/// hands the stack back.
#[test]
fn a_copied_block_bigger_than_the_stack_is_a_typed_error_with_the_stack_back() {
    let big = "x".repeat(200 * 1024);
    let small = EnvBlock::from_pairs([("A", "1")]).unwrap();
    let block = EnvBlock::from_pairs([("BIG", big.as_str())]).unwrap();
    let (_r, w) = std::io::pipe().unwrap();
    let err =
        aspawn::spawn!(Stack::new().unwrap(), two_envs, (w.as_fd(), &["env"], &small, &block))
            .unwrap_err();
    assert!(matches!(err.kind(), SpawnErrorKind::StackTooSmall { .. }), "{err}");
    assert!(err.into_stack().is_some(), "the stack comes back");
}

/// Waits for a byte on `gate`, then execs `env` into `out` with `envp`.
#[aspawn::child]
fn env_after_gate(cx: &Ctx, gate: Fd, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    let mut b = [0u8; 1];
    cx.read(gate, &mut b).context("read")?;
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(c"/usr/bin/env", argv, envp).context("execve")
}

/// The block is lent, not copied: the child reads the block's own memory. Dropping every handle
/// of the block while the child waits before its exec, then churning the allocator over the
/// freed sizes, must not change what the child sees: the stack keeps the block alive.
#[test]
fn a_lent_block_outlives_its_last_handle_while_the_child_runs() {
    let value = "v".repeat(3000);
    let block = EnvBlock::from_pairs([("LENT", value.as_str()), ("SECOND", "2")]).unwrap();
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        env_after_gate,
        (gate_r.as_fd(), w.as_fd(), &["env"], &block)
    )
    .unwrap();
    drop(block);
    // Reuse what a freed block would leave: buffers of the block's sizes, overwritten.
    let churn: Vec<Vec<u8>> = (0..64).map(|_| vec![b'X'; 3010]).collect();
    std::hint::black_box(&churn);
    gate_w.write_all(b"g").unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    drop(w);
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(s, format!("LENT={value}\nSECOND=2\n"));
}

#[aspawn::child]
fn two_envs(cx: &Ctx, out: Fd, argv: Argv, first: Envp, second: Envp) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigprocmask")?;
    let _ = first; // placed (lent), not used
    cx.execve(c"/usr/bin/env", argv, second).context("execve")
}

/// A stack lends for one block; a second block in the same spawn is copied, and is as correct.
#[test]
fn a_second_block_in_one_spawn_is_copied() {
    let a = EnvBlock::from_pairs([("A", "1")]).unwrap();
    let b = EnvBlock::from_pairs([("B", "2"), ("C", "3")]).unwrap();
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), two_envs, (w.as_fd(), &["env"], &a, &b)).unwrap();
    drop(b);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    drop(w);
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(s, "B=2\nC=3\n");
}

/// A child closure captures an `&EnvBlock` like any other environment source: placed as an
/// `Envp`, lent to the child.
#[test]
fn a_child_closure_captures_a_block() {
    let block = EnvBlock::from_pairs([("FROM", "closure")]).unwrap();
    let env = &block;
    let (mut r, w) = std::io::pipe().unwrap();
    let out = w.as_fd();
    let argv = &["env"];
    let spawned = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        cx.dup2(out, Fd::STDOUT).context("dup2")?;
        cx.restore_sigmask().context("sigprocmask")?;
        cx.execve(c"/usr/bin/env", argv, env).context("execve")
    })
    .unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    drop(w);
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(s, "FROM=closure\n");
}

/// One stack lending blocks in turn — the same one again (kept, not re-counted), another, the
/// first again, then none — and each child sees the block of its own spawn.
#[test]
fn one_stack_lends_each_spawn_its_own_block() {
    let a = EnvBlock::from_pairs([("WHICH", "a")]).unwrap();
    let b = EnvBlock::from_pairs([("WHICH", "b")]).unwrap();
    let mut stack = Stack::new().unwrap();
    let mut seen = Vec::new();
    for block in [Some(&a), Some(&a), Some(&b), Some(&a), None] {
        let (mut r, w) = std::io::pipe().unwrap();
        let spawned = match block {
            Some(block) => aspawn::spawn!(stack, env_to, (w.as_fd(), &["env"], block)),
            None => aspawn::spawn!(stack, env_to, (w.as_fd(), &["env"], Envp::empty())),
        }
        .unwrap();
        drop(w);
        let (mut child, back) = spawned.wait().unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert!(child.wait().unwrap().success());
        seen.push(s);
        stack = back;
    }
    assert_eq!(seen, ["WHICH=a\n", "WHICH=a\n", "WHICH=b\n", "WHICH=a\n", ""]);
}
