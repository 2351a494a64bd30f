//! Environment placement: `Envp::inherit()` copies the parent's `environ` exactly, `Envp::empty()`
//! gives none, an explicit list gives exactly that list.

use std::io::Read;

use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
use aspawn_tests::{ROLE, rerun};

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
    assert_eq!(run_env(&list[..]), want);
}

#[aspawn::child]
fn run_true(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(c"/bin/true", argv, envp).context("execve")
}

/// Threads change the environment through std (`set_var`/`remove_var`: new keys, so that libc
/// grows and moves the `environ` array; removals, so that entries shift down and the NULL end
/// moves; values that grow between one spawn's reads) while this thread spawns in a loop, with
/// `Envp::inherit()` and with `Command` (inherited, and with a change on top). Reading `environ`
/// without std's lock crashed here within milliseconds (a NULL entry in a length pass, a copy
/// past the reserved range); std's `Command` does not crash under the same load. Runs in a
/// copy of this binary, bounded to about two seconds.
#[test]
fn spawning_while_other_threads_change_the_environment() {
    if std::env::var_os(ROLE).is_some() {
        hammer();
        return;
    }
    let out = rerun("spawning_while_other_threads_change_the_environment", "hammer");
    assert!(out.status.success(), "the copy ended with {:?}", out.status);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("spawned "), "{stdout}");
}

fn hammer() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|t| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut round = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    for i in 0..64 {
                        let key = format!("ASPAWN_HAMMER_{t}_{i}");
                        let len = (round * 37 + i * 11) % 2048;
                        // SAFETY: std serializes `set_var`/`remove_var` with every other std
                        // access to the environment by its lock; what this test checks is that
                        // aspawn reads it under that lock too. No code here reads `environ`
                        // without it.
                        unsafe {
                            std::env::set_var(&key, "v".repeat(len));
                            if (i + round).is_multiple_of(3) {
                                std::env::remove_var(&key);
                            }
                        }
                    }
                    round += 1;
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_millis(1500);
    let mut stack = Some(Stack::with_size(4 << 20).unwrap());
    let mut n = 0u32;
    while Instant::now() < deadline {
        let spawned =
            aspawn::spawn!(stack.take().unwrap(), run_true, (&["true"], Envp::inherit())).unwrap();
        let (mut child, s) = spawned.wait_released().unwrap();
        assert!(child.wait().unwrap().success());
        stack = Some(s);
        let status = aspawn::Command::new("/bin/true").status().unwrap();
        assert!(status.success());
        let status =
            aspawn::Command::new("/bin/true").env("ASPAWN_HAMMER_SET", "1").status().unwrap();
        assert!(status.success());
        n += 3;
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    println!("spawned {n}");
}
