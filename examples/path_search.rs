//! `cx.execvp` searches the `PATH` of the child's environment (glibc's rules, no allocation),
//! and a name found nowhere comes back as a typed failure.
//!
//! `cargo run --release --example path_search`

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Stack};

/// Runs `file`, found in the `PATH` of `envp`.
#[aspawn::child]
fn run(cx: &Ctx, file: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execvp(file, argv, envp).context("execvp")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut stack = Stack::new()?;

    // With the parent's environment: `uname` is wherever our PATH says.
    let spawned = aspawn::spawn!(stack, run, ("uname", &["uname", "-sr"], Envp::inherit()))?;
    let (mut child, s) = spawned.wait_released()?;
    stack = s;
    println!("uname via the inherited PATH: {}", child.wait()?);

    // With an environment of our own: only the directories we list are searched.
    let env = ["PATH=/nonexistent:/usr/bin:/bin", "LANG=C"];
    let spawned = aspawn::spawn!(stack, run, ("env", &["env"], &env))?;
    let (mut child, s) = spawned.wait_released()?;
    stack = s;
    println!("env with PATH=/nonexistent:/usr/bin:/bin: {}", child.wait()?);

    // A name that is nowhere on PATH: the child says which step failed and why.
    let spawned = aspawn::spawn!(stack, run, ("surely-not-installed", &["x"], &env))?;
    match spawned.wait_released() {
        Ok(_) => Err("surely-not-installed was found?".into()),
        Err(failed) => {
            let io: std::io::Error = failed.into();
            println!("surely-not-installed: {io} (raw_os_error {:?})", io.raw_os_error());
            Ok(())
        }
    }
}
