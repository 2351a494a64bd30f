//! Environment placement: `Envp::inherit()` copies the parent's `environ` exactly, `Envp::empty()`
//! gives none, an explicit list gives exactly that list.

use std::io::Read;

use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};

#[aspawn::child]
fn env_to(cx: &Ctx, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(c"/usr/bin/env", argv, envp).context("execve")
}

fn run_env(envp: impl aspawn::__private::Place<Envp>) -> Vec<String> {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), env_to, (&["env", "-0"], envp, &w)).unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let mut vars: Vec<String> = out
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    vars.sort();
    vars
}

#[test]
fn inherit_copies_the_parents_environment_exactly() {
    let mut want: Vec<String> = std::env::vars_os()
        .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
        .collect();
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(run_env(Envp::inherit()), want);
}

#[test]
fn empty_and_explicit_environments() {
    assert_eq!(run_env(Envp::empty()), Vec::<String>::new());
    let list = ["B=2", "A=1 with spaces", "UNICODE=ünï"];
    let mut want: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(run_env(&list), want);
}
