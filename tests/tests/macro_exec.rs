//! Real children written with `#[aspawn::child]` that exec: redirection to a pipe, `PATH`
//! search, `chdir`, and the typed failures a parent reads back.

use std::io::Read;

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Errno, Fd, Stack};

#[aspawn::child]
fn exec_to(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

#[aspawn::child]
fn execvp_to(cx: &Ctx, file: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execvp(file, argv, envp).context("execvp")
}

#[aspawn::child]
fn pwd_in(cx: &Ctx, dir: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.chdir(dir).context("chdir")?;
    cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    // A `c"…"` literal where a `CStrRef` is expected.
    cx.execve(c"/bin/pwd", argv, envp).context("execve")
}

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn exec_with_stdout_redirected_to_a_pipe() {
    let (r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (c"/bin/echo", &["echo", "hello", "from", "a child"], Envp::inherit(), &w)
    )
    .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(r), "hello from a child\n");
}

#[test]
fn execvp_searches_the_path_of_envp() {
    let (r, w) = std::io::pipe().unwrap();
    let env = ["PATH=/nonexistent:/usr/bin:/bin"];
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), execvp_to, ("echo", &["echo", "found"], &env, &w))
            .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(r), "found\n");
}

#[test]
fn chdir_then_exec_pwd() {
    let dir = std::env::temp_dir().canonicalize().unwrap();
    let (r, w) = std::io::pipe().unwrap();
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), pwd_in, (&dir, &["pwd", "-P"], Envp::inherit(), &w))
            .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(r).trim_end(), dir.to_str().unwrap());
}

#[test]
fn a_missing_program_is_a_typed_failure() {
    let (_r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (c"/nonexistent/program", &["program"], Envp::empty(), &w)
    )
    .unwrap();
    let mut failed = spawned.wait_released().unwrap_err();
    assert_eq!(failed.errno(), Errno::NOENT);
    assert_eq!(failed.step(), "execve");
    assert_eq!(failed.child().wait().unwrap().code(), Some(127));
    let _stack: Stack = failed.into_stack();
}

#[test]
fn a_failing_chdir_names_its_step() {
    let (_r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        pwd_in,
        ("/nonexistent/dir", &["pwd"], Envp::inherit(), &w)
    )
    .unwrap();
    let failed = spawned.wait_released().unwrap_err();
    assert_eq!((failed.errno(), failed.step()), (Errno::NOENT, "chdir"));
    let io: std::io::Error = failed.into();
    assert_eq!(io.raw_os_error(), Some(libc::ENOENT));
}
