//! What changes the process it runs in: `Command::exec`, and spawning from a parent whose
//! standard fds 0–2 are closed.
//!
//! Each case runs in a copy of this test binary, re-executed with `ASPAWN_TEST_ROLE` set and
//! filtered to one test; the test in the outer process checks what the copy printed and how it
//! exited.

use std::fs::{self, File};
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

use aspawn::{Command, Ctx, Failure, Stdio};
use aspawn_tests::{ROLE, rerun};

/// The role this process plays (`None`: the outer test process).
fn role() -> Option<String> {
    std::env::var(ROLE).ok()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What the exec'd program printed: the harness's stdout after `test NAME ... `, where the
/// harness (which never gets to print `ok`) left off.
fn after_harness(out: &std::process::Output, test: &str) -> String {
    let stdout = text(&out.stdout);
    let mark = format!("test {test} ... ");
    match stdout.find(&mark) {
        Some(i) => stdout[i + mark.len()..].to_owned(),
        None => panic!("no {mark:?} in {stdout:?}"),
    }
}

/// A path in the temporary directory, unique to this process.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("aspawn-exec-{}-{name}", std::process::id()))
}

#[test]
fn exec_replaces_the_process() {
    if role().is_some() {
        let e = Command::new("echo").arg("replaced").exec();
        panic!("exec returned: {e}");
    }
    let out = rerun("exec_replaces_the_process", "exec");
    assert!(out.status.success(), "{:?}", out.status);
    // Only `echo`'s line follows: the harness never got to report, `echo` took over the process.
    assert_eq!(after_harness(&out, "exec_replaces_the_process"), "replaced\n");
}

/// The exec'd program has the pid of the process that called `exec`.
#[test]
fn exec_keeps_the_pid() {
    if role().is_some() {
        let e = Command::new("sh").args(["-c", "echo pid=$$"]).exec();
        panic!("exec returned: {e}");
    }
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "exec_keeps_the_pid", "--nocapture", "--test-threads=1"])
        .env(ROLE, "exec")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(after_harness(&out, "exec_keeps_the_pid"), format!("pid={pid}\n"));
}

/// The options apply to the exec'd program: arguments, arg0, environment, working directory,
/// umask, a redirected stdout, and a parent-death signal (which must not fire: the parent of the
/// process that execs is alive).
#[test]
fn exec_applies_the_options() {
    if role().is_some() {
        let e = Command::new("sh")
            .arg0("renamed")
            .args(["-c", "echo \"$0 $X $(pwd) $(umask)\""])
            .env("X", "from-env")
            .current_dir("/")
            .umask(0o27)
            .stdout(std::io::stderr())
            .pdeathsig(aspawn::consts::SIGTERM)
            .exec();
        panic!("exec returned: {e}");
    }
    let out = rerun("exec_applies_the_options", "exec");
    assert!(out.status.success(), "{:?}", out.status);
    assert!(text(&out.stderr).ends_with("renamed from-env / 0027\n"), "{:?}", text(&out.stderr));
    assert_eq!(after_harness(&out, "exec_applies_the_options"), "");
}

/// With `keep_fd`, the exec'd program sees exactly 0, 1, 2 and the kept fd (and the one `ls`
/// opens to list them).
#[test]
fn exec_with_keep_fd_closes_the_others() {
    if role().is_some() {
        let keep = File::open("/dev/null").unwrap();
        let stray = File::open("/dev/null").unwrap();
        rustix::io::fcntl_setfd(&stray, rustix::io::FdFlags::empty()).unwrap();
        let n = keep.as_raw_fd();
        let script = format!("echo kept={n}; ls /proc/self/fd | sort -n | tr '\\n' ' '; echo");
        let e = Command::new("sh").args(["-c", &script]).keep_fd(&keep).exec();
        panic!("exec returned: {e}");
    }
    let out = rerun("exec_with_keep_fd_closes_the_others", "exec");
    assert!(out.status.success(), "{:?}", out.status);
    let printed = after_harness(&out, "exec_with_keep_fd_closes_the_others");
    let mut lines = printed.lines();
    let kept: i32 = lines.next().unwrap().strip_prefix("kept=").unwrap().parse().unwrap();
    let fds: Vec<i32> =
        lines.next().unwrap().split_whitespace().map(|f| f.parse().unwrap()).collect();
    let mut want = vec![0, 1, 2, kept];
    want.push((3..).find(|f| !want.contains(f)).unwrap()); // `ls`'s own
    want.sort();
    assert_eq!(fds, want);
}

#[aspawn::child]
fn refuse(cx: &Ctx) -> Result<(), Failure> {
    let _ = cx;
    Err(Failure::new(aspawn::Errno::ACCESS, "refuse"))
}

/// A failed `exec` returns std's error (kind, errno, message), and the process goes on: it can
/// still spawn, and a `keep_fd` that failed to exec has closed none of its fds.
#[test]
fn exec_failures_return_stds_errors() {
    if role().is_none() {
        let out = rerun("exec_failures_return_stds_errors", "exec");
        assert!(out.status.success(), "{:?}", out.status);
        assert!(text(&out.stdout).contains("test result: ok. 1 passed"));
        return;
    }
    let seen = |e: std::io::Error| (e.kind(), e.raw_os_error(), e.to_string());
    let dir = temp("dir");
    fs::create_dir_all(&dir).unwrap();
    let noexec = dir.join("noexec.sh");
    fs::write(&noexec, "#!/bin/sh\necho should not run\n").unwrap();
    let cases: [(&str, Option<&str>); 6] = [
        ("/nonexistent/aspawn-prog", None),
        ("aspawn-no-such-program-in-path", None),
        ("/", None),
        (noexec.to_str().unwrap(), None),
        ("true", Some("/nonexistent-dir")),
        ("nul\0byte", None),
    ];
    for (prog, cwd) in cases {
        let mut ours = Command::new(prog);
        let mut std = std::process::Command::new(prog);
        if let Some(d) = cwd {
            ours.current_dir(d);
            std.current_dir(d);
        }
        let (o, s) = (seen(ours.exec()), seen(std.exec()));
        assert_eq!(o, s, "{prog:?} in {cwd:?}");
    }
    // A hook's error comes back as std's `pre_exec` error would. Our failed exec then gives
    // the thread its SIGPIPE disposition (ignored, as Rust programs start) and signal mask back.
    // SAFETY: setting a disposition, no handler.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let blocked = rustix::process::Signal::USR2;
    // SAFETY: a plain sigprocmask on this thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, blocked.as_raw());
        assert_eq!(libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()), 0);
    }
    let e = Command::new("true").child_hook(refuse, ()).exec();
    assert_eq!(e.raw_os_error(), Some(libc::EACCES));
    let status = fs::read_to_string("/proc/thread-self/status").unwrap();
    let mask = |field: &str| {
        let line = status.lines().find(|l| l.starts_with(field)).unwrap();
        u64::from_str_radix(line[field.len()..].trim(), 16).unwrap()
    };
    assert_ne!(mask("SigIgn:") & 1 << (libc::SIGPIPE - 1), 0, "SIGPIPE no longer ignored");
    assert_ne!(mask("SigBlk:") & 1 << (blocked.as_raw() - 1), 0, "signal mask not restored");

    // `keep_fd` on a failed exec: the other fds are still open (they are only marked
    // close-on-exec), so the `File`s of this process are still valid.
    let stray = File::open("/dev/null").unwrap();
    let keep = File::open("/dev/null").unwrap();
    let e = Command::new("/nonexistent/aspawn-prog").keep_fd(&keep).exec();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    assert!(rustix::io::fcntl_getfd(&stray).is_ok(), "a failed exec closed an fd it did not own");
    drop(stray);

    // The process still spawns.
    let out = Command::new("echo").arg("still here").output().unwrap();
    assert_eq!(out.stdout, b"still here\n");
    fs::remove_dir_all(&dir).unwrap();
}

/// The cases of `spawn_with_closed_standard_fds`, run with fds 0–2 closed; each returns what
/// went wrong, if anything.
fn closed_fd_cases() -> Vec<(&'static str, Result<(), String>)> {
    let check = |got: std::io::Result<(bool, Vec<u8>)>, want: &[u8]| match got {
        Ok((true, out)) if out == want => Ok(()),
        other => Err(format!("{other:?}, want {:?}", text(want))),
    };
    let path = temp("closed-out");
    let read_back = || fs::read(&path).unwrap_or_default();
    let mut v = Vec::new();

    // The case: stdout piped.
    let r = Command::new("echo").arg("piped").stdout(Stdio::piped()).output();
    v.push(("output, stdout piped", check(r.map(|o| (o.status.success(), o.stdout)), b"piped\n")));

    // stdout to a file: the file is the parent's fd 0, the report pipe would take 1 and 2.
    let r =
        File::create(&path).and_then(|f| Command::new("echo").arg("to file").stdout(f).status());
    v.push((
        "status, stdout to a file",
        check(r.map(|s| (s.success(), read_back())), b"to file\n"),
    ));

    // stdout and stderr to the same file.
    let r = File::create(&path).and_then(|f| {
        let g = f.try_clone()?;
        Command::new("sh").args(["-c", "echo out; echo err >&2"]).stdout(f).stderr(g).status()
    });
    v.push((
        "status, stdout+stderr to a file",
        check(r.map(|s| (s.success(), read_back())), b"out\nerr\n"),
    ));

    // stderr to /dev/null, stdin from /dev/null.
    let r = Command::new("sh")
        .args(["-c", "echo quiet >&2; cat; echo done"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .stdout(Stdio::piped())
        .output();
    v.push((
        "output, stdin+stderr null",
        check(r.map(|o| (o.status.success(), o.stdout)), b"done\n"),
    ));

    // stdin piped, echoed back.
    let r = (|| {
        let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        child.stdin.take().unwrap().write_all(b"round trip")?;
        let out = child.wait_with_output()?;
        Ok((out.status.success(), out.stdout))
    })();
    v.push(("spawn, stdin+stdout piped", check(r, b"round trip")));

    // What the child sees: the closed fds stay closed (std's posix_spawn agrees).
    let r = Command::new("sh")
        .args(["-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '"])
        .stdout(Stdio::piped())
        .output();
    let std = std::process::Command::new("sh")
        .args(["-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '"])
        .stdout(std::process::Stdio::piped())
        .output()
        .map(|o| (o.status.success(), o.stdout));
    match std {
        Ok((_, want)) => {
            v.push(("fds seen, as std", check(r.map(|o| (o.status.success(), o.stdout)), &want)))
        }
        Err(e) => v.push(("fds seen, as std", Err(format!("std failed: {e}")))),
    }

    // `fd_map` onto 1 and 2 from a file that is the parent's fd 0.
    let r = File::create(&path).and_then(|f| {
        let mut child = Command::new("sh")
            .args(["-c", "echo one; echo two >&2; cat"])
            .fd_map(&f, 1)
            .fd_map(&f, 2)
            .stdin(Stdio::piped())
            .spawn()?;
        child.stdin.take().unwrap().write_all(b"three\n")?;
        Ok((child.wait()?.success(), read_back()))
    });
    v.push(("fd_map onto 1 and 2", check(r, b"one\ntwo\nthree\n")));
    let _ = fs::remove_file(&path);
    v
}

/// A parent that closed its fds 0–2 gets them back from `open`/`pipe2`: the engine's report pipe
/// must not sit where the child `dup2`s a standard stream.
#[test]
fn spawn_with_closed_standard_fds() {
    if role().is_none() {
        let out = rerun("spawn_with_closed_standard_fds", "closed");
        let report = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{report}");
        assert!(report.contains("cases: 7"), "{report}");
        assert!(!report.contains("FAILED"), "{report}");
        return;
    }
    // Report on a copy of stderr above the standard fds, then close 0–2.
    let report = rustix::io::fcntl_dupfd_cloexec(std::io::stderr(), 10).unwrap();
    let mut report = File::from(report);
    for fd in 0..3 {
        // SAFETY: the standard fds belong to std's `Stdin`/`Stdout`/`Stderr`, which tolerate a
        // closed fd (EBADF counts as success); nothing else in this process owns them.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    let results = closed_fd_cases();
    let mut failed = false;
    for (name, r) in &results {
        match r {
            Ok(()) => writeln!(report, "ok: {name}").unwrap(),
            Err(e) => {
                failed = true;
                writeln!(report, "FAILED: {name}: {e}").unwrap()
            }
        }
    }
    writeln!(report, "cases: {}", results.len()).unwrap();
    // Leave before the harness writes to fds that now belong to someone else.
    std::process::exit(if failed { 1 } else { 0 });
}

/// An inherited environment far bigger than the pool's stacks reaches the child whole (the
/// spawn sizes its stack from `environ`), with and without changes on top.
#[test]
fn a_large_inherited_environment_is_passed_whole() {
    const VARS: usize = 4;
    const LEN: usize = 100_000; // each under the kernel's 128 KiB limit for one string
    let script = concat!(
        "for v in \"$BIG0\" \"$BIG1\" \"$BIG2\" \"$BIG3\"; do printf '%s ' ${#v}; done; ",
        "echo $EXTRA"
    );
    if role().is_some() {
        let a = Command::new("sh").args(["-c", script]).output().unwrap();
        let b = Command::new("sh").args(["-c", script]).env("EXTRA", "changed").output().unwrap();
        print!("{}|{}", text(&a.stdout), text(&b.stdout));
        return;
    }
    let mut outer = std::process::Command::new(std::env::current_exe().unwrap());
    outer
        .args(["--exact", "a_large_inherited_environment_is_passed_whole", "--nocapture"])
        .env(ROLE, "large-env");
    for i in 0..VARS {
        outer.env(format!("BIG{i}"), "x".repeat(LEN));
    }
    let out = outer.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lens = "100000 ".repeat(VARS);
    let want = format!("{lens}\n|{lens}changed\n");
    assert!(text(&out.stdout).contains(&want), "{:?}", text(&out.stdout));
}
