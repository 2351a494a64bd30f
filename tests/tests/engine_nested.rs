//! `cx.spawn`: a child spawning a grandchild on its own stack (the seed's `aspawn_rec`).
//!
//! Hand-written children: the attribute's support for `cx.spawn(f, (args…))` is tested in the
//! macro tests.

use std::io::Read;

use aspawn::{Argv, CStrRef, ChildResult, Envp, Fd, ResultExt, Stack};
use aspawn_tests::{hand_child, hand_spawn};

hand_child!(exec_to, |cx, (prog: CStrRef, argv: Argv, envp: Envp, out: Fd)| -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
});

// Spawns `exec_to(gprog, gargv)` as a grandchild, then execs `prog argv` itself; on the
// grandchild's failure, exits with its errno.
hand_child!(parent_of_one, |cx, (gprog: CStrRef, gargv: Argv, prog: CStrRef, argv: Argv, envp: Envp, out: Fd)| -> ChildResult {
    if let Err(f) = cx.spawn::<exec_to>((gprog, gargv, envp, out)) {
        cx.exit(f.errno().raw_os_error());
    }
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
});

#[test]
fn a_child_spawns_a_grandchild_then_execs() {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned = hand_spawn::<parent_of_one, _>(
        Stack::new().unwrap(),
        (
            c"/bin/sh",
            &["sh", "-c", "echo grandchild of $PPID"],
            // `wait` reaps the inherited grandchildren first, so the grandchild reads its parent's
            // pid while that parent is alive (no race with reparenting to init).
            c"/usr/bin/perl",
            &["perl", "-e", "1 while wait != -1; print qq(child $$\\n)"],
            Envp::inherit(),
            &w,
        ),
    )
    .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    let pid = child.pid();
    assert!(child.wait().unwrap().success());
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    // The grandchild's parent is the child (the program the child exec'd inherits it).
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort();
    assert_eq!(lines, [format!("child {pid}"), format!("grandchild of {pid}")]);
}

#[test]
fn a_grandchilds_failure_comes_back_to_the_child() {
    let (_r, w) = std::io::pipe().unwrap();
    let spawned = hand_spawn::<parent_of_one, _>(
        Stack::new().unwrap(),
        (c"/nonexistent/prog", &["x"], c"/bin/true", &["true"], Envp::inherit(), &w),
    )
    .unwrap();
    let (mut child, _) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(libc::ENOENT));
}

#[test]
fn many_nested_spawns_on_one_reused_stack() {
    let mut stack = Stack::new().unwrap();
    for _ in 0..100 {
        let (mut r, w) = std::io::pipe().unwrap();
        let spawned = hand_spawn::<parent_of_one, _>(
            stack,
            (c"/bin/echo", &["echo", "g"], c"/bin/echo", &["echo", "c"], Envp::inherit(), &w),
        )
        .unwrap();
        drop(w);
        let (mut child, s) = spawned.wait_released().unwrap();
        assert!(child.wait().unwrap().success());
        let mut out = String::new();
        r.read_to_string(&mut out).unwrap();
        let mut lines: Vec<&str> = out.lines().collect();
        lines.sort();
        assert_eq!(lines, ["c", "g"]);
        stack = s;
    }
}
