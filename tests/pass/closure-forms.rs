//! Child closures compile under `#![forbid(unsafe_code)]` and `#![deny(warnings)]`: the
//! `unsafe impl`s of the witness are the macro's; captures of every placement, captures
//! assigned in the body (a `mut` parameter), constants captured by name, a helper call, an
//! annotation that decides an ambiguous capture, `i32` and `!` returns, an explicit return type,
//! and a hook.
#![forbid(unsafe_code)]
#![deny(warnings)]

use std::os::fd::AsFd;

use aspawn::{Argv, ChildResult, Command, Ctx, Envp, Fd, Stack};

const LIMIT: i32 = 3;

#[aspawn::child]
fn double(_cx: &Ctx, x: i32) -> i32 {
    x * 2
}

fn main() {
    let (_r, w) = std::io::pipe().unwrap();
    let out = w.as_fd();
    let prog = "/bin/echo";
    let argv = ["echo", "hi"];
    let env = &["A=b"][..];
    let n = 5u32;
    let flag = true;
    let pair = (1u8, Some(2i64));
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let mut count = n;
        count += 1;
        if flag && pair.0 < 3 && count > 1 {
            cx.dup2(out, Fd::STDOUT).context("dup2")?;
        }
        cx.execve(prog, argv, env).context("execve")
    });
    let total = 0i32; // the child assigns its own copy: the parent needs no `mut`
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |_cx| {
        total += double(_cx, LIMIT);
        total
    });
    let names = ["a", "b"];
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let names: Envp = names;
        cx.exit(names.len() as i32)
    });
    let envp = Envp::inherit();
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx: &Ctx| -> ChildResult {
        let a: Argv = argv;
        cx.execve(c"/bin/true", a, envp).context("execve")
    });
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| cx.exit(LIMIT));
    let nice = 1;
    let mut cmd = Command::new("true");
    aspawn::child_hook!(cmd, move |cx| cx
        .setpriority(aspawn::consts::PRIO_PROCESS, 0, nice)
        .context("setpriority"));
    drop(w);
}
