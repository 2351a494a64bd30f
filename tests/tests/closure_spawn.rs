//! Child closures, `aspawn::spawn!(stack, move |cx| …)`: real children that exec, with their
//! captures placed into the child's stack; exit codes and bytes on pipes.

use std::io::Read;
use std::os::fd::AsFd;

use aspawn::{Argv, Envp, Fd, ResultExt, Stack};

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn exec_with_stdout_redirected_to_a_pipe() {
    let (r, w) = std::io::pipe().unwrap();
    let out = w.as_fd();
    let argv = ["echo", "hello", "from", "a closure"];
    let envp = Envp::inherit(); // evaluated here, in the parent
    let spawned = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        cx.dup2(out, Fd::STDOUT).context("dup2")?;
        cx.restore_sigmask().context("sigprocmask")?;
        cx.execve(c"/bin/echo", argv, envp).context("execve")
    })
    .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(r), "hello from a closure\n");
}

#[test]
fn execvp_searches_the_path_of_the_captured_envp() {
    let (r, w) = std::io::pipe().unwrap();
    let out = &w;
    let file = "echo";
    let env = ["PATH=/nonexistent:/usr/bin:/bin"];
    let argv = vec!["echo".to_owned(), "found".to_owned()];
    let argv = &argv; // a `&Vec<String>`: placed as an `Argv`
    let spawned = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        cx.dup2(out, Fd::STDOUT).context("dup2")?;
        cx.restore_sigmask().context("sigprocmask")?;
        cx.execvp(file, argv, env).context("execvp")
    })
    .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(r), "found\n");
}

#[test]
fn an_exit_code_and_integer_captures() {
    let base = 40u8;
    let add = 2;
    let spawned = aspawn::spawn!(Stack::new().unwrap(), move |_cx| {
        let code = base + add;
        code as i32
    })
    .unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(42));
}

#[test]
fn an_ambiguous_capture_annotated_at_the_top_of_the_body() {
    // `names` could be an `Argv`, an `Envp` or `[CStrRef; 2]`: `len` does not decide, the
    // annotation does.
    let names = ["a", "b"];
    let spawned = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let names: Argv = names;
        cx.exit(names.len() as i32)
    })
    .unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(2));
}
