//! The signal mask a child's program starts with: the mask of the thread that spawned it, as
//! with std (which stopped clearing it in rust-lang/rust#101077), through `Command` and through
//! the exec helpers of a low-level child that never calls `cx.restore_sigmask()`.
//!
//! Each exec'd program prints the `SigBlk:` line of its `/proc/self/status`.

use std::io::{Read, Write};

use aspawn::{Argv, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};

/// `SigBlk` as the kernel shows it: 16 hex digits, bit `n - 1` for signal `n`.
fn sigblk(mask: u64) -> String {
    format!("SigBlk:\t{mask:016x}\n")
}

/// `grep` itself prints its mask: a shell (dash) would clear it at startup.
const SHOW_MASK: [&str; 3] = ["grep", "SigBlk", "/proc/self/status"];

/// Runs `f` with exactly `mask` blocked on this thread, then gives the old mask back.
fn with_mask<T>(mask: u64, f: impl FnOnce() -> T) -> T {
    // SAFETY: `sigset_t`s are plain data, filled by sigemptyset/sigaddset.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in 1..=64 {
            if mask & (1 << (sig - 1)) != 0 {
                libc::sigaddset(&mut set, sig);
            }
        }
        assert_eq!(libc::pthread_sigmask(libc::SIG_SETMASK, &set, &mut old), 0);
        let r = f();
        assert_eq!(libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()), 0);
        r
    }
}

const SIGINT_BIT: u64 = 1 << (libc::SIGINT - 1);
const SIGUSR2_BIT: u64 = 1 << (libc::SIGUSR2 - 1);

/// std's `test_process_mask`: with SIGINT blocked in the parent, the child has it blocked too,
/// so a SIGINT sent to `cat` does not kill it and it still echoes its input.
#[test]
fn command_children_inherit_the_mask_as_with_std() {
    let (theirs, ours) = with_mask(SIGINT_BIT, || {
        let theirs = std::process::Command::new("grep").args(&SHOW_MASK[1..]).output().unwrap();
        let ours = aspawn::Command::new("grep").args(&SHOW_MASK[1..]).output().unwrap();
        (theirs, ours)
    });
    let (theirs, ours) =
        (String::from_utf8_lossy(&theirs.stdout), String::from_utf8_lossy(&ours.stdout));
    assert_eq!(theirs, sigblk(SIGINT_BIT), "std");
    assert_eq!(ours, theirs, "aspawn::Command differs from std");

    let mut cat = with_mask(SIGINT_BIT, || {
        aspawn::Command::new("cat")
            .stdin(aspawn::Stdio::piped())
            .stdout(aspawn::Stdio::piped())
            .spawn()
            .unwrap()
    });
    // SAFETY: plain `kill` of our own child.
    assert_eq!(unsafe { libc::kill(cat.id() as i32, libc::SIGINT) }, 0);
    let mut stdin = cat.stdin.take().unwrap();
    stdin.write_all(b"Hello").unwrap();
    drop(stdin);
    let mut out = Vec::new();
    cat.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    assert_eq!(out, b"Hello");
    assert!(cat.wait().unwrap().success());
}

/// The low-level helpers, each tried by a child that never restores the mask itself.
#[aspawn::child]
fn exec_by(cx: &Ctx, how: u32, out: Fd, argv: Argv, envp: Envp) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    if how == 0 {
        cx.execve(c"/bin/grep", argv, envp).context("execve")
    } else if how == 1 {
        cx.execvp(c"grep", argv, envp).context("execvp")
    } else if how == 2 {
        let dir = cx.open(c"/bin", aspawn::consts::O_DIRECTORY, 0).context("open")?;
        cx.execveat(dir, c"grep", argv, envp, 0).context("execveat")
    } else if how == 3 {
        let prog = cx.open(c"/bin/grep", aspawn::consts::O_RDONLY, 0).context("open")?;
        cx.fexecve(prog, argv, envp).context("fexecve")
    } else {
        // It manages its mask itself: SIGTERM alone blocked; the helper leaves that alone.
        cx.sigprocmask(aspawn::consts::SIG_SETMASK, 1 << (15 - 1)).context("sigprocmask")?;
        cx.execve(c"/bin/grep", argv, envp).context("execve")
    }
}

fn mask_after(how: u32) -> String {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), exec_by, (how, &w, &SHOW_MASK, Envp::inherit()))
            .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success(), "helper {how}");
    out
}

/// The engine blocks every signal from before the clone; a child that forgets
/// `restore_sigmask` used to exec its program with them all still blocked (`sleep` then ignored
/// SIGTERM). Every exec helper restores the spawning thread's mask as its last step, unless
/// the child set a mask itself.
#[test]
fn exec_helpers_restore_the_parents_mask() {
    let got: Vec<String> = with_mask(SIGUSR2_BIT, || (0..5).map(mask_after).collect());
    let names = ["execve", "execvp", "execveat", "fexecve", "own mask"];
    for (i, g) in got.iter().enumerate() {
        let want = if i == 4 { sigblk(1 << (15 - 1)) } else { sigblk(SIGUSR2_BIT) };
        assert_eq!(g, &want, "{}", names[i]);
    }
}
