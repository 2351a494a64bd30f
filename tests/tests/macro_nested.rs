//! `cx.spawn(f, (args…))` written in an `#[aspawn::child]` body: a child starts a grandchild
//! (an `#[aspawn::child]` function, by name) on its own stack, then execs; the grandchild's
//! failure comes back to the child as a `Failure`.

use std::io::Read;

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, Stack};
use aspawn_tests::{exec_to, exit_with};

/// Spawns `exec_to(gprog, gargv)` and `exit_with(3)` as grandchildren, then execs `prog argv`;
/// on a grandchild's failure, exits with its errno.
#[aspawn::child]
fn parent_of_two(
    cx: &Ctx,
    gprog: CStrRef,
    gargv: Argv,
    prog: CStrRef,
    argv: Argv,
    envp: Envp,
    out: Fd,
) -> ChildResult {
    if let Err(f) = cx.spawn(exec_to, (gprog, gargv, envp, out)) {
        cx.exit(f.errno().raw_os_error());
    }
    if cx.spawn(exit_with, (3)).is_err() {
        cx.exit(100);
    }
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

#[test]
fn a_child_spawns_grandchildren_then_execs() {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        parent_of_two,
        (
            c"/bin/sh",
            &["sh", "-c", "echo grandchild of $PPID"],
            // `wait` reaps the inherited grandchildren first, so the grandchild reads its parent's
            // pid while that parent is alive (no race with reparenting to init).
            c"/usr/bin/perl",
            &["perl", "-e", "1 while wait != -1; print qq(child $$\\n)"],
            Envp::inherit(),
            &w
        )
    )
    .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    let pid = child.pid();
    assert!(child.wait().unwrap().success());
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort();
    assert_eq!(lines, [format!("child {pid}"), format!("grandchild of {pid}")]);
}

#[test]
fn a_grandchilds_failure_comes_back_to_the_child() {
    let (_r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        parent_of_two,
        (c"/nonexistent/prog", &["x"], c"/bin/true", &["true"], Envp::inherit(), &w)
    )
    .unwrap();
    let (mut child, _) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(libc::ENOENT));
}

/// Blocks the signals of `mask`, spawns `exec_to(prog, argv)` as a grandchild (which restores
/// "its parent's" mask before its exec), then exits 0 (the grandchild's errno on its failure).
#[aspawn::child]
fn block_then_spawn(
    cx: &Ctx,
    mask: u64,
    prog: CStrRef,
    argv: Argv,
    envp: Envp,
    out: Fd,
) -> ChildResult {
    cx.sigprocmask(aspawn::consts::SIG_BLOCK, mask).context("sigprocmask")?;
    if let Err(f) = cx.spawn(exec_to, (prog, argv, envp, out)) {
        cx.exit(f.errno().raw_os_error());
    }
    cx.exit(0)
}

/// A grandchild inherits the mask its parent (the child) set, as a forked process would: its
/// `restore_sigmask` gives back the child's mask, not the mask of the thread that spawned the
/// child (which had SIGUSR2 unblocked).
#[test]
fn a_grandchild_gets_the_mask_its_parent_set() {
    let usr2 = 1u64 << (libc::SIGUSR2 - 1);
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        block_then_spawn,
        (usr2, c"/bin/grep", &["grep", "^SigBlk", "/proc/self/status"], Envp::inherit(), &w)
    )
    .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    let blocked = u64::from_str_radix(out.trim().trim_start_matches("SigBlk:").trim(), 16).unwrap();
    assert_eq!(blocked & usr2, usr2, "SIGUSR2 blocked in the grandchild: {out:?}");
}
