//! The engine, end to end, with real processes and children written with `#[aspawn::child]` and
//! spawned with `aspawn::spawn!` (the macro's own tests live in `macro_*.rs`). Each test checks what a user can see: bytes on a pipe, exit statuses,
//! errno values, fd counts.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Errno, Fd, ResultExt, SpawnErrorKind, Stack};
use aspawn_tests::{exec_to, exit_with, raise_then_exit};

#[aspawn::child]
fn execvp_to(cx: &Ctx, file: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execvp(file, argv, envp).context("execvp")
}

// Reads one byte from `gate` (blocking until the parent writes or closes it), then execs.
#[aspawn::child]
fn gated_exec(cx: &Ctx, gate: Fd, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
    let mut b = [0u8; 1];
    cx.read(gate, &mut b).context("read gate")?;
    cx.dup2(out, Fd::STDOUT).context("dup2")?;
    cx.restore_sigmask().context("sigmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

fn echo(stack: Stack, words: &[&str]) -> (String, Stack) {
    let (r, w) = std::io::pipe().unwrap();
    let spawned =
        aspawn::spawn!(stack, exec_to, (c"/bin/echo", words, Envp::inherit(), &w)).unwrap();
    drop(w);
    let (mut child, stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    (read_all(r), stack)
}

#[test]
fn exec_echo_output_read_from_a_pipe() {
    let (out, _) = echo(Stack::new().unwrap(), &["echo", "hello", "wörld", "a b"]);
    assert_eq!(out, "hello wörld a b\n");
}

#[test]
fn exit_code_of_a_child_that_returns_an_i32() {
    for code in [0, 1, 42, 255] {
        let (mut child, _stack) = aspawn::spawn!(Stack::new().unwrap(), exit_with, (code))
            .unwrap()
            .wait_released()
            .unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(code));
        // A second wait returns the same status.
        assert_eq!(child.wait().unwrap().code(), Some(code));
    }
}

#[test]
fn missing_program_is_a_typed_failure_with_its_step() {
    let (_r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (c"/nonexistent/program", &["x"], Envp::inherit(), &w),
    )
    .unwrap();
    let mut failed = spawned.wait_released().unwrap_err();
    assert_eq!(failed.errno(), Errno::NOENT);
    assert_eq!(failed.step(), "execve");
    assert_eq!(failed.child().wait().unwrap().code(), Some(127));
    let io: std::io::Error = failed.into();
    assert_eq!(io.raw_os_error(), Some(libc::ENOENT));
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
}

fn execvp_run(file: &str, path: &str, argv: &[&str]) -> Result<String, (Errno, &'static str)> {
    let (r, w) = std::io::pipe().unwrap();
    let env = [format!("PATH={path}")];
    let spawned = aspawn::spawn!(Stack::new().unwrap(), execvp_to, (file, argv, &env, &w)).unwrap();
    drop(w);
    match spawned.wait_released() {
        Ok((mut child, _)) => {
            assert!(child.wait().unwrap().success());
            Ok(read_all(r))
        }
        Err(f) => Err((f.errno(), f.step())),
    }
}

#[test]
fn execvp_finds_a_program_in_path() {
    assert_eq!(
        execvp_run("echo", "/nonexistent:/usr/bin:/bin", &["echo", "found"]),
        Ok("found\n".into())
    );
}

#[test]
fn execvp_enoent_when_no_directory_has_it() {
    assert_eq!(
        execvp_run("no-such-program-xyz", "/nonexistent1:/nonexistent2:/bin", &["x"]),
        Err((Errno::NOENT, "execvp"))
    );
}

#[test]
fn execvp_remembers_eacces_and_moves_on() {
    let dir = tempdir("eacces");
    let prog = dir.join("aspawn-noexec");
    std::fs::write(&prog, "#!/bin/sh\necho no\n").unwrap();
    // Not executable: EACCES, remembered, returned when nothing else worked.
    let p = format!("{}:/nonexistent", dir.display());
    assert_eq!(execvp_run("aspawn-noexec", &p, &["x"]), Err((Errno::ACCESS, "execvp")));
    // The same name later in PATH, executable: found. (A symlink to `echo`, not a written
    // script: a script written here could be exec'd while another test's child, cloned while the
    // file was open for writing, still holds that fd — ETXTBSY, as with fork.)
    let dir2 = tempdir("eacces-ok");
    std::os::unix::fs::symlink("/bin/echo", dir2.join("aspawn-noexec")).unwrap();
    let p = format!("{}:{}", dir.display(), dir2.display());
    assert_eq!(execvp_run("aspawn-noexec", &p, &["echo", "yes"]), Ok("yes\n".into()));
    // A name with a slash is used as is.
    assert_eq!(execvp_run("/bin/echo", "/nonexistent", &["echo", "slash"]), Ok("slash\n".into()));
}

#[test]
fn execvp_without_path_uses_bin_and_usr_bin() {
    let (r, w) = std::io::pipe().unwrap();
    let empty: [&str; 0] = [];
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), execvp_to, ("echo", &["echo", "dflt"], &empty, &w))
            .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(r), "dflt\n");
}

#[test]
fn caller_is_not_blocked_while_the_child_waits_before_exec() {
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let (out_r, out_w) = std::io::pipe().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Spawn in a thread so that a blocking spawn fails the test instead of hanging it.
    std::thread::spawn(move || {
        let s = aspawn::spawn!(
            Stack::new().unwrap(),
            gated_exec,
            (&gate_r, c"/bin/echo", &["echo", "after gate"], Envp::inherit(), &out_w),
        )
        .unwrap();
        tx.send(s).unwrap();
    });
    let mut spawned = rx.recv_timeout(Duration::from_secs(10)).expect("spawn returned at once");
    // The child is parked on the gate: not released.
    std::thread::sleep(Duration::from_millis(50));
    assert!(spawned.try_released().is_none());
    gate_w.write_all(b"g").unwrap();
    let (mut child, _) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(read_all(out_r), "after gate\n");
}

#[test]
fn child_killed_before_exec_still_releases_its_stack() {
    let (gate_r, _gate_w) = std::io::pipe().unwrap();
    let (_out_r, out_w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        gated_exec,
        (&gate_r, c"/bin/true", &["true"], Envp::inherit(), &out_w),
    )
    .unwrap();
    let spawned = spawned.wait_released_timeout(Duration::from_millis(20)).unwrap_err();
    spawned.kill().unwrap();
    let (mut child, stack) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
    // The stack is usable again.
    assert_eq!(echo(stack, &["echo", "reused"]).0, "reused\n");
}

#[test]
fn dropping_an_unreleased_spawned_never_unmaps_the_stack() {
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let (out_r, out_w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        gated_exec,
        (&gate_r, c"/bin/echo", &["echo", "still", "here"], Envp::inherit(), &out_w),
    )
    .unwrap();
    let pid = spawned.pid();
    drop(spawned);
    drop(out_w);
    // The child still runs on the stack and reads its arguments from it.
    gate_w.write_all(b"g").unwrap();
    assert_eq!(read_all(out_r), "still here\n");
    let mut status = 0;
    // SAFETY: plain waitpid on our own child.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    // The graveyard may have reaped it first: a sweep (another test's spawn) that finds the stack
    // free tries one `waitid` of the dropped child, which finds `echo` exited if it was quick.
    if r == -1 {
        assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::ECHILD));
    } else {
        assert_eq!(r, pid);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    }
}

#[test]
fn sixty_four_children_in_flight_at_once() {
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let (out_r, out_w) = std::io::pipe().unwrap();
    let mut flight = Vec::new();
    for i in 0..64 {
        let word = format!("c{i}");
        let s = aspawn::spawn!(
            Stack::new().unwrap(),
            gated_exec,
            (&gate_r, c"/bin/echo", &["echo", word.as_str()], Envp::inherit(), &out_w),
        )
        .unwrap();
        flight.push(s);
    }
    drop(out_w);
    // All 64 are parked before exec, on their own stacks, at the same time.
    assert!(flight.iter_mut().all(|s| s.try_released().is_none()));
    // One byte each: they all exec now. (Not EOF: every parked child holds a copy of the write
    // end, taken at its clone, until it execs and O_CLOEXEC drops it.)
    gate_w.write_all(&[b'g'; 64]).unwrap();
    for s in flight {
        let (mut child, _) = s.wait_released().unwrap();
        assert!(child.wait().unwrap().success());
    }
    let out = read_all(out_r);
    let mut lines: Vec<_> = out.lines().collect();
    lines.sort();
    let mut want: Vec<_> = (0..64).map(|i| format!("c{i}")).collect();
    want.sort();
    assert_eq!(lines, want);
}

#[test]
fn concurrent_spawns_from_four_threads() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut stack = Stack::new().unwrap();
                for i in 0..50 {
                    let word = format!("t{t}-{i}");
                    let (out, s) = echo(stack, &["echo", &word]);
                    assert_eq!(out, format!("{word}\n"));
                    stack = s;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

static HANDLER_RAN: AtomicBool = AtomicBool::new(false);

extern "C" fn on_usr1(_: libc::c_int) {
    HANDLER_RAN.store(true, Ordering::SeqCst);
}

#[test]
fn the_parents_signal_handler_never_runs_in_the_child() {
    // SAFETY: installing a handler that only stores to an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as *const () as usize;
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    for _ in 0..20 {
        let (mut child, _) =
            aspawn::spawn!(Stack::new().unwrap(), raise_then_exit, (libc::SIGUSR1))
                .unwrap()
                .wait_released()
                .unwrap();
        // Default action in the child: it dies of SIGUSR1; the handler (shared memory) never ran.
        assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGUSR1));
        assert!(!HANDLER_RAN.load(Ordering::SeqCst));
    }
}

#[test]
fn sig_ign_survives_exec_and_sigpipe_is_reset() {
    // SAFETY: setting SIGUSR2 to SIG_IGN in this test process (no other test uses SIGUSR2).
    unsafe { libc::signal(libc::SIGUSR2, libc::SIG_IGN) };
    let (r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (c"/bin/grep", &["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"], Envp::inherit(), &w),
    )
    .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    let out = read_all(r);
    let mask = |key: &str| {
        let line = out.lines().find(|l| l.starts_with(key)).unwrap();
        u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
    };
    let ign = mask("SigIgn:");
    assert_ne!(ign & (1 << (libc::SIGUSR2 - 1)), 0, "SIGUSR2 stays ignored: {out}");
    assert_eq!(ign & (1 << (libc::SIGPIPE - 1)), 0, "SIGPIPE is reset to default: {out}");
    assert_eq!(mask("SigBlk:"), 0, "the caller's (empty) mask was restored: {out}");
}

#[test]
fn interior_nul_is_a_spawn_error_and_the_stack_comes_back() {
    let (_r, w) = std::io::pipe().unwrap();
    let err = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        ("/bin/e\0cho", &["echo"], Envp::inherit(), &w),
    )
    .unwrap_err();
    assert!(matches!(err.kind(), SpawnErrorKind::InteriorNul { .. }), "{err}");
    let stack = err.into_stack().expect("stack handed back");
    let err =
        aspawn::spawn!(stack, exec_to, (c"/bin/echo", &["echo", "a\0b"], Envp::inherit(), &w))
            .unwrap_err();
    assert!(matches!(err.kind(), SpawnErrorKind::InteriorNul { what: "argv" }), "{err}");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn stack_too_small_for_the_arguments_is_a_spawn_error() {
    let big = "x".repeat(100 * 1024);
    let (r, w) = std::io::pipe().unwrap();
    let err = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (c"/bin/echo", &["echo", big.as_str()], Envp::inherit(), &w),
    )
    .unwrap_err();
    match err.kind() {
        SpawnErrorKind::StackTooSmall { needed, available } => {
            assert!(*needed > 100 * 1024 && *available == 64 * 1024, "{err}")
        }
        k => panic!("unexpected {k:?}"),
    }
    // A bigger stack takes it.
    let spawned = aspawn::spawn!(
        Stack::with_size(1 << 20).unwrap(),
        exec_to,
        (c"/bin/echo", &["echo", big.as_str()], Envp::inherit(), &w),
    )
    .unwrap();
    drop(w);
    let (mut child, _) = spawned.wait_released().unwrap();
    // Read first: 100 KiB do not fit in a pipe buffer.
    assert_eq!(read_all(r).len(), big.len() + 1);
    assert!(child.wait().unwrap().success());
}

#[test]
fn report_fd_cannot_be_closed_by_the_child() {
    /// Counts the open fds from 3 up (`fchdir` finds them open) whose `close` is refused, then
    /// `close_range`s everything from 3 and counts the open fds left. Exit code: refused × 10 +
    /// left. Only the engine's report fd (asked for: `with_release_fd`) may be refused and may
    /// survive: 11.
    #[aspawn::child]
    fn close_all_then_count(cx: &Ctx) -> i32 {
        let mut refused = 0;
        let mut fd = 3;
        while fd < 1024 {
            // `fchdir` probes without duplicating (which the report fd refuses): EBADF only
            // for a closed fd, ENOTDIR for a pipe.
            if cx.fchdir(Fd::from_raw(fd)) != Err(Errno::BADF)
                && cx.close(Fd::from_raw(fd)) == Err(Errno::BADF)
            {
                refused += 1;
            }
            fd += 1;
        }
        let _ = cx.close_range(3, u32::MAX, 0);
        let mut left = 0;
        let mut fd = 3;
        while fd < 1024 {
            if cx.fchdir(Fd::from_raw(fd)) != Err(Errno::BADF) {
                left += 1;
            }
            fd += 1;
        }
        refused * 10 + left
    }
    let (mut child, _) =
        aspawn::spawn!(Stack::new().unwrap().with_release_fd(), close_all_then_count, ())
            .unwrap()
            .wait_released()
            .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(11));
}

#[test]
fn pidfd_and_pid_agree() {
    let spawned = aspawn::spawn!(Stack::new().unwrap().with_pidfd(), exit_with, (7)).unwrap();
    let pid = spawned.pid();
    let fdinfo = std::fs::read_to_string(format!(
        "/proc/self/fdinfo/{}",
        spawned.pidfd().unwrap().as_raw_fd()
    ))
    .unwrap();
    assert!(fdinfo.lines().any(|l| l == format!("Pid:\t{pid}")), "{fdinfo}");
    let (mut child, stack) = spawned.wait_released().unwrap();
    assert_eq!(child.pid(), pid);
    assert!(child.pidfd().is_ok());
    assert_eq!(child.wait().unwrap().code(), Some(7));
    // The default spawn takes none.
    let spawned = aspawn::spawn!(stack, exit_with, (8)).unwrap();
    assert!(spawned.pidfd().is_none());
    let (mut child, _) = spawned.wait_released().unwrap();
    assert!(child.pidfd().is_err());
    assert_eq!(child.wait().unwrap().code(), Some(8));
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("aspawn-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
