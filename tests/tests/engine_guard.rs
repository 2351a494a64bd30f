//! Items 7 and 14 of the `soundness` module: a child that overflows its stack hits the `PROT_NONE` guard page and
//! dies alone (Linux ≥ 5.16), the parent carries on, and the stack is released and reusable.
//!
//! Hand-written child: the attribute would refuse this deliberately large frame's indexing.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;

use aspawn::{Argv, CStrRef, ChildResult, Envp, Fd, ResultExt, Stack};
use aspawn_tests::{hand_child, hand_spawn};

hand_child!(overflow, |cx, (n: usize)| -> i32 {
    // No core file of the whole (shared) address space.
    let _ = cx.setrlimit(aspawn::consts::RLIMIT_CORE, 0, 0);
    // A frame larger than the stack: Rust's stack probes touch every page in order, so the
    // guard page is hit rather than skipped.
    let mut big = [0u8; 256 * 1024];
    let p = core::hint::black_box(&mut big);
    p[n % p.len()] = 1;
    core::hint::black_box(p)[0] as i32
});

hand_child!(exec_to, |cx, (prog: CStrRef, argv: Argv, envp: Envp, out: Fd)| -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
});

#[test]
fn stack_overflow_kills_only_the_child_and_the_stack_comes_back() {
    let (mut child, stack) = hand_spawn::<overflow, _>(Stack::new().unwrap(), (1usize,))
        .unwrap()
        .wait_released()
        .unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGSEGV));
    // Still alive, and the stack runs the next child.
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned =
        hand_spawn::<exec_to, _>(stack, (c"/bin/echo", &["echo", "survived"], Envp::inherit(), &w))
            .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    assert_eq!(out, "survived\n");
}
