//! A child that cannot do what it was asked reports a typed failure — the errno and the step
//! it named with `.context` — instead of an anonymous exit status 127.
//!
//! `cargo run --release --example failure`

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Errno, Stack};

/// `cd dir && exec prog`.
#[aspawn::child]
fn run_in(cx: &Ctx, dir: CStrRef, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.chdir(dir).context("chdir to the work directory")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut stack = Stack::new()?;
    let cases: [(&str, &str); 3] = [
        ("/tmp", "/bin/true"),
        ("/no/such/dir", "/bin/true"),
        ("/tmp", "/etc/passwd"), // exists, not executable
    ];
    for (dir, prog) in cases {
        let spawned = aspawn::spawn!(stack, run_in, (dir, prog, &[prog], Envp::inherit()))?;
        stack = match spawned.wait_released() {
            Ok((mut child, stack)) => {
                println!("cd {dir} && {prog}: ran, {}", child.wait()?);
                stack
            }
            Err(failed) => {
                let errno = failed.errno();
                let name = match errno {
                    Errno::NOENT => "ENOENT",
                    Errno::ACCESS => "EACCES",
                    _ => "another errno",
                };
                let message = std::io::Error::from_raw_os_error(errno.raw_os_error());
                println!("cd {dir} && {prog}: failed at {:?}, {name}: {message}", failed.step());
                failed.into_stack() // the child is reaped; the stack is ours again
            }
        };
    }
    Ok(())
}
