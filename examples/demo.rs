//! What aspawn is for, in ten seconds: `cargo run --release --example demo`.
//!
//! It spawns a few real programs with `#[aspawn::child]` functions that redirect output, change
//! directory and report a typed failure, then times the call that holds the caller for aspawn,
//! std's `Command::spawn`, glibc's `posix_spawn` and `aspawn::Command`, side by side.

use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

use aspawn::consts::{O_CLOEXEC, O_CREAT, O_TRUNC, O_WRONLY};
use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Errno, Fd, Stack};
use aspawn_examples::{PosixSpawn, median, micros, waitpid};

/// Runs `prog` (searched in `PATH`) in `dir`, if given, with its stdout on `out`.
///
/// This is the code that runs in the child between `clone` and `execve`, on our small stack and
/// in our address space: `#[aspawn::child]` checked at compile time that it only makes the
/// system calls of `Ctx` — no allocation, no locks, no panics.
#[aspawn::child]
fn run_in(
    cx: &Ctx,
    dir: Option<CStrRef>,
    prog: CStrRef,
    argv: Argv,
    envp: Envp,
    out: Fd,
) -> ChildResult {
    if let Some(dir) = dir {
        cx.chdir(dir).context("chdir")?;
    }
    cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execvp(prog, argv, envp).context("execvp")
}

/// Runs `prog` with its stdout written to the file `path` (opened by the child).
#[aspawn::child]
fn run_to_file(cx: &Ctx, path: CStrRef, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    let fd =
        cx.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644).context("open output")?;
    cx.dup2(fd, Fd::STDOUT).context("dup2 stdout")?;
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execvp(prog, argv, envp).context("execvp")
}

/// `execve(prog)` with nothing else: what the timing table spawns.
#[aspawn::child]
fn exec(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    println!("aspawn demo — spawn processes without parking the caller\n");
    let mut stack = Stack::new()?; // 64 KiB usable + a guard page, reused for every child below

    // 1. echo, its output captured through a pipe.
    let (mut r, w) = std::io::pipe()?;
    let spawned = aspawn::spawn!(
        stack,
        run_in,
        (None::<&str>, "echo", &["echo", "hello from a CLONE_VM child"], Envp::inherit(), &w)
    )?;
    println!(
        "echo      pid {} — known at once, while the child may not have exec'd yet",
        spawned.pid()
    );
    drop(w);
    let (mut child, s) = spawned.wait_released()?; // the child has exec'd: the stack is ours again
    stack = s;
    let mut out = String::new();
    r.read_to_string(&mut out)?;
    child.wait()?;
    println!("          said: {}", out.trim_end());

    // 2. ls in another directory: the child chdir's, the parent's cwd is untouched.
    let (mut r, w) = std::io::pipe()?;
    let spawned =
        aspawn::spawn!(stack, run_in, (Some("/usr"), "ls", &["ls"], Envp::inherit(), &w))?;
    drop(w);
    let (mut child, s) = spawned.wait_released()?;
    stack = s;
    let mut out = String::new();
    r.read_to_string(&mut out)?;
    let status = child.wait()?;
    let listing: Vec<&str> = out.lines().collect();
    println!(
        "ls /usr   {status}: {} (our cwd is still {})",
        listing.join(" "),
        std::env::current_dir()?.display()
    );

    // 3. uname -a, written to a file the child opens itself.
    let path = std::env::temp_dir().join(format!("aspawn-demo-{}.txt", std::process::id()));
    let spawned =
        aspawn::spawn!(stack, run_to_file, (&path, "uname", &["uname", "-a"], Envp::inherit()))?;
    let (mut child, s) = spawned.wait_released()?;
    stack = s;
    child.wait()?;
    println!("uname -a  > {}: {}", path.display(), std::fs::read_to_string(&path)?.trim_end());
    std::fs::remove_file(&path)?;

    // 4. A missing program: the child reports a typed failure instead of exiting mysteriously.
    let (_r, w) = std::io::pipe()?;
    let spawned = aspawn::spawn!(
        stack,
        run_in,
        (None::<&str>, "no-such-program", &["no-such-program"], Envp::inherit(), &w)
    )?;
    match spawned.wait_released() {
        Ok(_) => return Err("no-such-program ran?".into()),
        Err(failed) => {
            let errno = failed.errno();
            let message = std::io::Error::from_raw_os_error(errno.raw_os_error());
            let expected = if errno == Errno::NOENT { "ENOENT, as expected" } else { "unexpected" };
            println!("missing   typed failure at step {:?}: {message} ({expected})", failed.step());
            stack = failed.into_stack(); // the child is reaped, the stack comes back
        }
    }

    // 5. The point: how long each method holds the caller per spawn of /bin/true.
    let rounds = 300;
    println!("\nparent blocked per spawn of /bin/true — median of {rounds}, methods interleaved:");
    let (mut ours, mut std_cmd, mut posix) = (Vec::new(), Vec::new(), Vec::new());
    let mut our_cmd = Vec::new();
    let mut cmd = Command::new("/bin/true");
    let mut acmd = aspawn::Command::new("/bin/true");
    let ps = PosixSpawn::new(c"/bin/true", &[c"true"]);
    for _ in 0..rounds {
        let t = Instant::now();
        let spawned = aspawn::spawn!(stack, exec, (c"/bin/true", &[c"true"], Envp::inherit()))?;
        ours.push(t.elapsed());
        let (mut child, s) = spawned.wait_released()?;
        stack = s;
        child.wait()?;

        let t = Instant::now();
        let mut child = cmd.spawn()?;
        std_cmd.push(t.elapsed());
        child.wait()?;

        let t = Instant::now();
        let pid = ps.spawn()?;
        posix.push(t.elapsed());
        waitpid(pid)?;

        let t = Instant::now();
        let pending = acmd.spawn_nowait()?;
        our_cmd.push(t.elapsed());
        pending.wait_released()?.wait()?;
    }
    let rows: [(&str, Duration); 4] = [
        ("aspawn (reused stack)", median(&mut ours)),
        ("aspawn::Command::spawn_nowait", median(&mut our_cmd)),
        ("std Command::spawn", median(&mut std_cmd)),
        ("glibc posix_spawn", median(&mut posix)),
    ];
    let base = micros(rows[0].1);
    println!("  {:<28} {:>10} {:>10}", "method", "median", "vs aspawn");
    for (name, d) in rows {
        println!("  {:<28} {:>7.1} µs {:>9.1}×", name, micros(d), micros(d) / base);
    }
    println!(
        "\naspawn (spawn!, and Command::spawn_nowait) returns as soon as the child exists; \
         the others wait for its execve."
    );
    println!("Full benchmarks: cargo bench -p aspawn-benches (see README.md).");
    Ok(())
}
