//! The crate-level example: a spawnable child that redirects stdout and execs, spawned for real.
#![forbid(unsafe_code)]

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, Stack};

#[aspawn::child]
fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

fn main() {
    let (r, w) = std::io::pipe().unwrap();
    let stack = Stack::new().unwrap();
    let spawned =
        aspawn::spawn!(stack, run, (c"/bin/true", &["true"], Envp::inherit(), &w)).unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    drop(r);
}
