//! The behaviours std's own process tests check (rust-lang/rust `library/std/src/process/tests.rs`
//! and `library/std/tests/process_spawning.rs`), in our own tests of `aspawn::Command`: those
//! not already covered elsewhere (`command_conformance.rs` compares std and us case by case;
//! `command_std_debug.rs`, `command_std_pidfd.rs` and the other `command_std_*.rs` cover
//! more). Each test names the upstream test it covers.

use std::io::{ErrorKind, Read, Write};
use std::os::unix::process::ExitStatusExt;

use aspawn::{Command, Stdio};

/// Covers std's `smoke` and `exit_reported_right` (through `spawn` and `wait`).
#[test]
fn spawn_then_wait_reports_the_exit() {
    let mut child = Command::new("/bin/sh").args(["-c", "true"]).spawn().unwrap();
    assert!(child.wait().unwrap().success());
    let mut child = Command::new("/bin/sh").args(["-c", "false"]).spawn().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// Covers std's `smoke_failure` (through `spawn`, not `output`).
#[test]
fn spawning_a_missing_program_fails() {
    let e = Command::new("if-this-is-a-binary-then-the-world-has-ended").spawn().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

/// Covers std's `signal_reported_right`: a child blocked reading a pipe, killed, reports
/// signal 9.
#[test]
fn a_killed_child_reports_sigkill() {
    let mut child =
        Command::new("/bin/sh").args(["-c", "read a"]).stdin(Stdio::piped()).spawn().unwrap();
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));
}

/// Covers std's `stdout_works` and `set_current_dir_works` (reading `Child::stdout` by hand).
#[test]
fn stdout_read_by_hand_and_current_dir() {
    let mut child = Command::new("/bin/sh")
        .args(["-c", "echo foobar; pwd"])
        .current_dir("/")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child.stdout.as_mut().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(out, "foobar\n/\n");
}

/// Covers std's `stdin_works`: write, close by `take`, read the echo.
#[test]
fn stdin_written_then_closed_by_take() {
    let mut child = Command::new("/bin/sh")
        .args(["-c", "read line; echo $line"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.as_mut().unwrap().write_all(b"foobar").unwrap();
    drop(child.stdin.take());
    let mut out = String::new();
    child.stdout.as_mut().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(out, "foobar\n");
}

/// Covers std's `test_process_status`.
#[test]
fn status_gives_the_exit_code() {
    assert_eq!(Command::new("/bin/sh").args(["-c", "false"]).status().unwrap().code(), Some(1));
    assert!(Command::new("/bin/sh").args(["-c", "true"]).status().unwrap().success());
}

/// Covers std's `test_process_output_fail_to_start`.
#[test]
fn output_of_a_missing_program_is_not_found() {
    let e = Command::new("/no-binary-by-this-name-should-exist").output().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

/// Covers std's `test_process_output_output` and `test_process_output_error`.
#[test]
fn output_collects_success_and_failure() {
    let out = Command::new("/bin/sh").args(["-c", "echo hello"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!((out.stdout.as_slice(), out.stderr.as_slice()), (&b"hello\n"[..], &b""[..]));

    let out = Command::new("mkdir").arg("./").output().unwrap();
    assert!(out.status.code().is_some_and(|c| c != 0), "{:?}", out.status);
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

/// Covers std's `test_finish_once` and `test_finish_twice`: a second `wait` gives the same
/// status again.
#[test]
fn wait_twice_gives_the_same_status() {
    let mut child = Command::new("/bin/sh").args(["-c", "exit 1"]).spawn().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    assert_eq!(child.wait().unwrap().code(), Some(1));
    assert_eq!(child.try_wait().unwrap().and_then(|s| s.code()), Some(1));
}

/// Covers std's `test_wait_with_output_once`.
#[test]
fn wait_with_output_collects_piped_stdout() {
    let child =
        Command::new("/bin/sh").args(["-c", "echo hello"]).stdout(Stdio::piped()).spawn().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"hello\n");
    assert!(out.stderr.is_empty(), "stderr was not piped: nothing collected");
}

fn env_lines(cmd: &mut Command) -> Vec<String> {
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

/// Covers std's `test_override_env` (`env_clear`, then `env`, with `PATH` passed on) and
/// `test_add_to_env`.
#[test]
fn env_clear_then_set_and_env_added() {
    let mut cmd = Command::new("env");
    cmd.env_clear().env("RUN_TEST_NEW_ENV", "123");
    if let Some(p) = std::env::var_os("PATH") {
        cmd.env("PATH", p);
    }
    let lines = env_lines(&mut cmd);
    assert!(lines.iter().any(|l| l == "RUN_TEST_NEW_ENV=123"), "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("RUN_TEST_NEW_ENV=") || l.starts_with("PATH=")));

    let lines = env_lines(Command::new("env").env("RUN_TEST_NEW_ENV", "123"));
    assert!(lines.iter().any(|l| l == "RUN_TEST_NEW_ENV=123"), "{lines:?}");
    assert!(lines.len() > 1, "the parent's environment is inherited too: {lines:?}");
}

/// Covers std's `test_capture_env_at_spawn`: the parent's environment is read at the spawn,
/// not when the `Command` is built.
#[test]
fn the_environment_is_read_at_the_spawn() {
    let mut cmd = Command::new("env");
    cmd.env("AS_TEST_CAPTURE_ONE", "123");
    // SAFETY: no other test of this binary reads or writes this variable, and std's own
    // environment lock (which `Command` takes to read the environment) orders it with spawns.
    unsafe { std::env::set_var("AS_TEST_CAPTURE_TWO", "456") };
    let lines = env_lines(&mut cmd);
    // SAFETY: as above.
    unsafe { std::env::remove_var("AS_TEST_CAPTURE_TWO") };
    assert!(lines.iter().any(|l| l == "AS_TEST_CAPTURE_ONE=123"), "{lines:?}");
    assert!(lines.iter().any(|l| l == "AS_TEST_CAPTURE_TWO=456"), "{lines:?}");
    // And a later spawn of the same `Command` no longer sees it.
    let lines = env_lines(&mut cmd);
    assert!(!lines.iter().any(|l| l.starts_with("AS_TEST_CAPTURE_TWO=")), "{lines:?}");
}

/// Covers std's `test_interior_nul_in_progname_is_error`, `…_in_arg_…`, `…_in_args_…`,
/// `…_in_current_dir_…`, `…_in_env_key_…` and `…_in_env_value_…`: each is `InvalidInput` at
/// the spawn.
#[test]
fn a_nul_anywhere_is_invalid_input() {
    let mut cmds = vec![Command::new("has-some-\0\0s-inside")];
    let mut c = Command::new("echo");
    c.arg("has-some-\0\0s-inside");
    cmds.push(c);
    let mut c = Command::new("echo");
    c.args(["fine", "has-some-\0\0s-inside"]);
    cmds.push(c);
    let mut c = Command::new("echo");
    c.current_dir("has-some-\0\0s-inside");
    cmds.push(c);
    let mut c = Command::new("env");
    c.env("has-some-\0\0s-inside", "value");
    cmds.push(c);
    let mut c = Command::new("env");
    c.env("key", "has-some-\0\0s-inside");
    cmds.push(c);
    for mut cmd in cmds {
        let e = cmd.spawn().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{cmd:?}: {e}");
    }
}

/// Covers std's `test_command_implements_send_sync` (and `Child`, `PidFd`, `Stdio` with it:
/// std's are `Send + Sync` too).
#[test]
fn command_and_child_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let cmd = Command::new("");
    send_sync(&cmd);
    send_sync(&Stdio::piped());
    let mut child = Command::new("true").create_pidfd(true).spawn().unwrap();
    send_sync(&child);
    send_sync(child.pidfd().unwrap());
    // Moved to another thread and waited for there.
    let st = std::thread::spawn(move || child.wait().unwrap()).join().unwrap();
    assert!(st.success());
}

/// Covers std's `env_empty` (upstream Windows-only: a spawn with no environment at all works)
/// on Linux: the child sees an empty environment.
#[test]
fn an_empty_environment_spawns() {
    let out = Command::new("/usr/bin/env").env_clear().output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "{:?}", String::from_utf8_lossy(&out.stdout));
}

/// Covers std's `run_canonical_bin_path` (upstream Windows-only: a program given by its full
/// canonical path runs) on Linux.
#[test]
fn a_canonical_program_path_runs() {
    let path = std::fs::canonicalize("/bin/sh").unwrap();
    let out = Command::new(&path).args(["-c", "echo $0"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, format!("{}\n", path.display()).into_bytes());
}

/// Covers `process_spawning.rs`'s `issue_15149`: a program found in the `PATH` given to the
/// child (a directory the parent's `PATH` lacks), here a copy of `/bin/true`.
#[test]
fn a_program_is_found_in_the_childs_path() {
    let dir = std::env::temp_dir().join(format!("aspawn-issue-15149-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("aspawn-only-here");
    // Written by a `cat` child, never open for writing in this process: a child that another
    // test thread clones meanwhile would keep our fd until its exec, and exec'ing the copy would
    // then fail with ETXTBSY.
    aspawn_tests::write_file_outside(&copy, &std::fs::read("/bin/true").unwrap(), 0o755);
    let mut path = std::env::split_paths(&std::env::var_os("PATH").unwrap()).collect::<Vec<_>>();
    path.push(dir.clone());
    let path = std::env::join_paths(path).unwrap();
    let found = Command::new("aspawn-only-here").env("PATH", &path).output();
    let missing = Command::new("aspawn-only-here").output();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(found.unwrap().status.success());
    assert_eq!(missing.unwrap_err().kind(), ErrorKind::NotFound);
}
