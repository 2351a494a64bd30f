//! Exec with pipes on both ends: `tr a-z A-Z` reads what we write and we read what it writes.
//!
//! `cargo run --release --example pipe`

use std::io::{Read, Write};

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, Stack};

/// `prog` with `stdin` and `stdout` redirected.
#[aspawn::child]
fn filter(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, stdin: Fd, stdout: Fd) -> ChildResult {
    cx.dup2(stdin, Fd::STDIN).context("dup2 stdin")?;
    cx.dup2(stdout, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (in_r, mut in_w) = std::io::pipe()?; // we write, the child reads
    let (mut out_r, out_w) = std::io::pipe()?; // the child writes, we read
    let spawned = aspawn::spawn!(
        Stack::new()?,
        filter,
        (c"/usr/bin/tr", &["tr", "a-z", "A-Z"], Envp::inherit(), &in_r, &out_w)
    )?;
    // Our copies of the child's ends must go, or the pipes never see end-of-file.
    drop((in_r, out_w));
    let (mut child, _stack) = spawned.wait_released()?;

    in_w.write_all(b"a child started without parking the caller\n")?;
    drop(in_w);
    let mut upper = String::new();
    out_r.read_to_string(&mut upper)?;
    let status = child.wait()?;
    print!("tr said ({status}): {upper}");
    Ok(())
}
