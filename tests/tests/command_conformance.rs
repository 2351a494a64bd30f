//! Conformance: the same cases through `std::process::Command` and through `aspawn::Command`,
//! comparing what a user sees — stdout and stderr bytes, the exit status, and for a failed spawn
//! the error's kind, errno and message.
//!
//! Most cases are written once (`same!`) and compiled for both builders, which share method
//! names. The options std lacks (`umask`, `rlimit`, `keep_fd`, `child_hook`) are compared with
//! std doing the same in an `unsafe` `pre_exec` (`pair!`).
//!
//! Deliberate differences (none in this table, which must agree case by case):
//! - a script without `#!`: std's default `posix_spawn` path fails with `ENOEXEC` and so do we;
//!   std's `fork` path (taken with `pre_exec`, `uid`, …) would run it with `/bin/sh` — we never
//!   switch paths, so it fails the same way with every option.
//! - std's `Stdio` is consumed by a spawn; ours may be reused (not visible in this table).
//! - glibc's `posix_spawn` (std's path) sets glibc's internal real-time signals 32 and 33 to
//!   `SIG_IGN` in the child when the parent has handlers for them, and `SIG_IGN` survives
//!   `execve`: std's children start with those two ignored. Ours start with them as the parent
//!   had them minus any handler (default). The case below compares the SIGPIPE bit only.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::sync::OnceLock;

use aspawn::{Ctx, Failure, Fd, ResultExt};

/// What a user sees from one run.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Ran { code: Option<i32>, signal: Option<i32>, stdout: String, stderr: String },
    Failed { kind: ErrorKind, errno: Option<i32>, message: String },
}

type StdBuild = Box<dyn Fn(&mut std::process::Command)>;
type OurBuild = Box<dyn Fn(&mut aspawn::Command)>;

struct Case {
    name: &'static str,
    program: String,
    input: Option<Vec<u8>>,
    std: StdBuild,
    ours: OurBuild,
}

/// The same builder code for both `Command`s (`Stdio` names the right type in each).
macro_rules! same {
    (|$c:ident| $body:block) => {
        (
            Box::new(|$c: &mut std::process::Command| {
                #[allow(unused_imports)]
                use std::process::Stdio;
                $body
            }) as StdBuild,
            Box::new(|$c: &mut aspawn::Command| {
                #[allow(unused_imports)]
                use aspawn::Stdio;
                $body
            }) as OurBuild,
        )
    };
}

/// Different builder code: std's equivalent, then ours.
macro_rules! pair {
    (|$s:ident| $std:block, |$o:ident| $ours:block) => {
        (
            Box::new(|$s: &mut std::process::Command| $std) as StdBuild,
            Box::new(|$o: &mut aspawn::Command| $ours) as OurBuild,
        )
    };
}

fn case(
    name: &'static str,
    program: impl Into<String>,
    input: Option<&[u8]>,
    b: (StdBuild, OurBuild),
) -> Case {
    Case { name, program: program.into(), input: input.map(<[u8]>::to_vec), std: b.0, ours: b.1 }
}

/// Files the cases use, made once per test process.
fn fx() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("aspawn-conformance-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(d.join("bin")).unwrap();
        fs::create_dir_all(d.join("dir")).unwrap();
        // Written by a child process: see `write_file_outside` (ETXTBSY).
        let write = |rel: &str, body: &str, mode: u32| {
            aspawn_tests::write_file_outside(&d.join(rel), body.as_bytes(), mode);
        };
        write("noexec.sh", "#!/bin/sh\necho should not run\n", 0o644);
        write("noshebang", "echo from a script without shebang\n", 0o755);
        write("shebang", "#!/bin/sh\necho from a script with shebang \"$@\"\n", 0o755);
        write("bin/hello-aspawn", "#!/bin/sh\necho hello from PATH\n", 0o755);
        write("dir/local.sh", "#!/bin/sh\necho local in \"$(pwd -P)\"\n", 0o755);
        write("input.txt", "line one\nline two\n", 0o644);
        d.canonicalize().unwrap()
    })
}

fn path(rel: &str) -> String {
    fx().join(rel).to_str().unwrap().to_owned()
}

fn seen_err(e: std::io::Error) -> Seen {
    Seen::Failed { kind: e.kind(), errno: e.raw_os_error(), message: e.to_string() }
}

fn seen_out(o: std::process::Output) -> Seen {
    Seen::Ran {
        code: o.status.code(),
        signal: o.status.signal(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn run_std(c: &Case) -> Seen {
    let mut cmd = std::process::Command::new(&c.program);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    if c.input.is_some() {
        cmd.stdin(std::process::Stdio::piped());
    }
    (c.std)(&mut cmd);
    let mut child = match cmd.spawn() {
        Ok(ch) => ch,
        Err(e) => return seen_err(e),
    };
    if let (Some(input), Some(mut w)) = (&c.input, child.stdin.take()) {
        w.write_all(input).unwrap();
    }
    seen_out(child.wait_with_output().unwrap())
}

fn run_ours(c: &Case) -> Seen {
    let mut cmd = aspawn::Command::new(&c.program);
    cmd.stdout(aspawn::Stdio::piped()).stderr(aspawn::Stdio::piped());
    if c.input.is_some() {
        cmd.stdin(aspawn::Stdio::piped());
    }
    (c.ours)(&mut cmd);
    let mut child = match cmd.spawn() {
        Ok(ch) => ch,
        Err(e) => return seen_err(e),
    };
    if let (Some(input), Some(mut w)) = (&c.input, child.stdin.take()) {
        w.write_all(input).unwrap();
    }
    seen_out(child.wait_with_output().unwrap())
}

#[aspawn::child]
fn hook_write(cx: &Ctx, fd: Fd) -> Result<(), Failure> {
    cx.write_all(fd, b"hook ran\n").context("write")
}

#[aspawn::child]
fn hook_fail(cx: &Ctx) -> Result<(), Failure> {
    Err(Failure::new(aspawn::Errno::PERM, "hook"))?;
    let _ = cx;
    Ok(())
}

fn cases() -> Vec<Case> {
    let sh = "sh";
    vec![
        case(
            "plain arg",
            "echo",
            None,
            same!(|c| {
                c.arg("hello");
            }),
        ),
        case(
            "args with spaces",
            "printf",
            None,
            same!(|c| {
                c.args(["[%s]\n", "a b", "  c  ", "d"]);
            }),
        ),
        case(
            "unicode args",
            "printf",
            None,
            same!(|c| {
                c.args(["%s|", "héllo", "日本語", "🦀"]);
            }),
        ),
        case(
            "empty arg",
            "printf",
            None,
            same!(|c| {
                c.args(["<%s>", ""]);
            }),
        ),
        case(
            "many args",
            "sh",
            None,
            same!(|c| {
                c.args(["-c", "echo $#", "sh"]).args((0..500).map(|i| i.to_string()));
            }),
        ),
        case(
            "a long arg",
            "sh",
            None,
            same!(|c| {
                c.args(["-c", "printf %s \"$1\" | wc -c", "sh", &"y".repeat(100_000)]);
            }),
        ),
        case(
            "env add",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo $ASPAWN_A"]).env("ASPAWN_A", "value a");
            }),
        ),
        case(
            "env override",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo $HOME"]).env("HOME", "/overridden");
            }),
        ),
        case(
            "env remove",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo ${HOME-unset}"]).env_remove("HOME");
            }),
        ),
        case(
            "env clear then set",
            "/usr/bin/env",
            None,
            same!(|c| {
                c.env_clear().env("ONLY", "1");
            }),
        ),
        case(
            "env clear alone",
            "/usr/bin/env",
            None,
            same!(|c| {
                c.env_clear();
            }),
        ),
        case(
            "envs, in order",
            "/usr/bin/env",
            None,
            same!(|c| {
                c.env_clear().envs([("Z", "26"), ("A", "1"), ("M", "13")]);
            }),
        ),
        case(
            "env remove then set",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo $ASPAWN_B"]).env_remove("ASPAWN_B").env("ASPAWN_B", "back");
            }),
        ),
        case(
            "env set then remove",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo ${ASPAWN_C-gone}"]).env("ASPAWN_C", "x").env_remove("ASPAWN_C");
            }),
        ),
        case(
            "env value with =",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo \"$EQ\""]).env("EQ", "a=b=c");
            }),
        ),
        case(
            "whole environment",
            "/usr/bin/env",
            None,
            same!(|c| {
                c.env("ASPAWN_EXTRA", "1");
            }),
        ),
        case(
            "PATH from env finds the program",
            "hello-aspawn",
            None,
            same!(|c| {
                c.env("PATH", path("bin"));
            }),
        ),
        case(
            "PATH from env misses",
            "echo",
            None,
            same!(|c| {
                c.env("PATH", "/nonexistent");
            }),
        ),
        case(
            "env clear uses the default PATH",
            "sh",
            None,
            same!(|c| {
                c.env_clear().args(["-c", "echo default path"]);
            }),
        ),
        case(
            "current dir",
            "pwd",
            None,
            same!(|c| {
                c.arg("-P").current_dir(fx());
            }),
        ),
        case(
            "relative program in current dir",
            "./local.sh",
            None,
            same!(|c| {
                c.current_dir(fx().join("dir"));
            }),
        ),
        case(
            "missing current dir",
            "pwd",
            None,
            same!(|c| {
                c.current_dir("/nonexistent/dir");
            }),
        ),
        case(
            "current dir is a file",
            "pwd",
            None,
            same!(|c| {
                c.current_dir(fx().join("input.txt"));
            }),
        ),
        case(
            "stdin piped echoed back",
            "cat",
            Some(b"echo me\nback"),
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "stdin piped, big",
            "wc",
            Some(&[b'z'; 300_000]),
            same!(|c| {
                c.arg("-c");
            }),
        ),
        case(
            "stdin null",
            "cat",
            None,
            same!(|c| {
                c.stdin(Stdio::null());
            }),
        ),
        case(
            "stdin from a file",
            "cat",
            None,
            same!(|c| {
                c.stdin(File::open(fx().join("input.txt")).unwrap());
            }),
        ),
        case(
            "stdout null",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo out; echo err >&2"]).stdout(Stdio::null());
            }),
        ),
        case(
            "stderr null",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "echo out; echo err >&2"]).stderr(Stdio::null());
            }),
        ),
        case(
            "stdout and stderr, big",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "head -c 200000 /dev/zero | tr '\\0' o; head -c 200000 /dev/zero | tr '\\0' e >&2"]);
            }),
        ),
        case(
            "exit 0",
            "true",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "exit 1",
            "false",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "exit 42",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "exit 42"]);
            }),
        ),
        case(
            "killed by a signal",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "kill -9 $$"]);
            }),
        ),
        case(
            "missing program, absolute",
            "/nonexistent/program",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "missing program, by name",
            "aspawn-no-such-program",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "empty program",
            "",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "directory as program",
            "/tmp",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "non-executable file",
            path("noexec.sh"),
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "script without shebang",
            path("noshebang"),
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "script with shebang",
            path("shebang"),
            None,
            same!(|c| {
                c.args(["a", "b c"]);
            }),
        ),
        case(
            "nul in an arg",
            "echo",
            None,
            same!(|c| {
                c.arg("a\0b");
            }),
        ),
        case(
            "nul in an env value",
            "echo",
            None,
            same!(|c| {
                c.env("K", "v\0");
            }),
        ),
        case(
            "nul in the program",
            "ec\0ho",
            None,
            same!(|c| {
                let _ = c;
            }),
        ),
        case(
            "arg0",
            sh,
            None,
            same!(|c| {
                c.arg0("renamed").args(["-c", "tr '\\0' ' ' < /proc/$$/cmdline"]);
            }),
        ),
        case(
            "process group 0",
            sh,
            None,
            same!(|c| {
                c.process_group(0)
                    .args(["-c", "[ \"$(cut -d' ' -f5 /proc/$$/stat)\" = $$ ] && echo leader"]);
            }),
        ),
        case(
            "no process group",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "[ \"$(cut -d' ' -f5 /proc/$$/stat)\" = $$ ] || echo member"]);
            }),
        ),
        case(
            "signal mask is empty",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "grep SigBlk /proc/self/status"]);
            }),
        ),
        // The hex digit of SigIgn holding SIGPIPE (13, bit 12): not ignored, as std resets it.
        case(
            "SIGPIPE is not ignored",
            sh,
            None,
            same!(|c| {
                c.args(["-c", "awk '/SigIgn/ { print substr($2, 13, 1) }' /proc/self/status"]);
            }),
        ),
        case(
            "umask",
            sh,
            None,
            pair!(
                |s| {
                    s.args(["-c", "umask"]);
                    // SAFETY: `umask` is async-signal-safe.
                    unsafe {
                        s.pre_exec(|| {
                            libc::umask(0o027);
                            Ok(())
                        })
                    };
                },
                |o| {
                    o.args(["-c", "umask"]).umask(0o027);
                }
            ),
        ),
        case(
            "rlimit seen by the child",
            sh,
            None,
            pair!(
                |s| {
                    s.args(["-c", "ulimit -n; ulimit -Hn"]);
                    // SAFETY: `setrlimit` is async-signal-safe.
                    unsafe {
                        s.pre_exec(|| {
                            let l = libc::rlimit { rlim_cur: 77, rlim_max: 99 };
                            if libc::setrlimit(libc::RLIMIT_NOFILE, &l) != 0 {
                                return Err(std::io::Error::last_os_error());
                            }
                            Ok(())
                        })
                    };
                },
                |o| {
                    o.args(["-c", "ulimit -n; ulimit -Hn"]).rlimit(
                        aspawn::consts::RLIMIT_NOFILE,
                        77,
                        99,
                    );
                }
            ),
        ),
        case(
            "rlimit refused",
            sh,
            None,
            pair!(
                |s| {
                    s.args(["-c", "echo ran"]);
                    // SAFETY: `setrlimit` is async-signal-safe.
                    unsafe {
                        s.pre_exec(|| {
                            let l = libc::rlimit { rlim_cur: 10, rlim_max: 5 };
                            if libc::setrlimit(libc::RLIMIT_NOFILE, &l) != 0 {
                                return Err(std::io::Error::last_os_error());
                            }
                            Ok(())
                        })
                    };
                },
                |o| {
                    o.args(["-c", "echo ran"]).rlimit(aspawn::consts::RLIMIT_NOFILE, 10, 5);
                }
            ),
        ),
        case(
            "child hook fails the spawn",
            "true",
            None,
            pair!(
                |s| {
                    // SAFETY: builds an io::Error from a constant, no allocation.
                    unsafe { s.pre_exec(|| Err(std::io::Error::from_raw_os_error(libc::EPERM))) };
                },
                |o| {
                    o.child_hook(hook_fail, ());
                }
            ),
        ),
        case(
            "uid and gid of our own",
            sh,
            None,
            pair!(
                |s| {
                    s.args(["-c", "id -u; id -g"])
                        .uid(rustix::process::getuid().as_raw())
                        .gid(rustix::process::getgid().as_raw());
                },
                |o| {
                    o.args(["-c", "id -u; id -g"])
                        .uid(rustix::process::getuid().as_raw())
                        .gid(rustix::process::getgid().as_raw());
                }
            ),
        ),
    ]
}

#[test]
fn std_and_aspawn_agree() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut mismatches = Vec::new();
    for c in &cases {
        let (s, o) = (run_std(c), run_ours(c));
        if s != o {
            mismatches.push(format!("case {:?}:\n  std:    {s:?}\n  aspawn: {o:?}", c.name));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

/// The child sees exactly the kept fds (plus the one `ls` opens itself) in `/proc/self/fd`.
///
/// Deliberate difference: std closes nothing, so its child also sees every fd the parent has
/// without close-on-exec (here a stray one we leak on purpose, and whatever the test runner's
/// own parent leaked); `keep_fd` closes all of those.
#[test]
fn keep_fd_leaves_exactly_the_kept_fds() {
    let fds = |out: &Seen| -> Vec<i32> {
        match out {
            Seen::Ran { stdout, .. } => stdout.lines().map(|l| l.parse().unwrap()).collect(),
            other => panic!("{other:?}"),
        }
    };
    let (_r, w) = std::io::pipe().unwrap();
    let keep: OwnedFd = w.into();
    let n = keep.as_raw_fd();
    let stray = File::open("/dev/null").unwrap();
    rustix::io::fcntl_setfd(&stray, rustix::io::FdFlags::empty()).unwrap();

    // std: fds without close-on-exec survive; `pre_exec` makes the kept one so.
    let mut s = std::process::Command::new("sh");
    s.args(["-c", "ls /proc/self/fd | sort -n"]);
    // SAFETY: `fcntl` is async-signal-safe.
    unsafe {
        s.pre_exec(move || {
            libc::fcntl(n, libc::F_SETFD, 0);
            Ok(())
        })
    };
    let std_fds = fds(&seen_out(s.output().unwrap()));

    let mut o = aspawn::Command::new("sh");
    o.args(["-c", "ls /proc/self/fd | sort -n"]).keep_fd(&keep);
    let our_fds = fds(&seen_out(o.output().unwrap()));

    // `ls` opens /proc/self/fd on the lowest free number.
    let mut want = vec![0, 1, 2, n];
    let ls_fd = (3..).find(|f| !want.contains(f)).unwrap();
    want.push(ls_fd);
    want.sort();
    assert_eq!(our_fds, want);
    assert!(std_fds.contains(&n) && std_fds.contains(&stray.as_raw_fd()), "{std_fds:?}");
}

/// `child_hook` writing to a pipe, as std's `pre_exec` would.
#[test]
fn child_hook_writes_like_pre_exec() {
    let read = |r: std::io::PipeReader| {
        let mut s = String::new();
        let mut r = r;
        r.read_to_string(&mut s).unwrap();
        s
    };
    let (r1, w1) = std::io::pipe().unwrap();
    let n1 = w1.as_raw_fd();
    let mut s = std::process::Command::new("true");
    // SAFETY: `write` is async-signal-safe.
    unsafe {
        s.pre_exec(move || {
            libc::write(n1, b"hook ran\n".as_ptr().cast(), 9);
            Ok(())
        })
    };
    let st1 = s.status().unwrap();
    drop(w1);
    let (r2, w2) = std::io::pipe().unwrap();
    let mut o = aspawn::Command::new("true");
    o.child_hook(hook_write, Fd::from_raw(w2.as_raw_fd()));
    let st2 = o.status().unwrap();
    drop(w2);
    assert_eq!(st1, st2);
    assert_eq!(read(r1), read(r2));
}

/// The getters agree with std's.
#[test]
fn getters_agree() {
    let mut s = std::process::Command::new("prog");
    let mut o = aspawn::Command::new("prog");
    s.args(["a", "b"]).env("X", "1").env_remove("Y").current_dir("/tmp").arg0("zero");
    o.args(["a", "b"]).env("X", "1").env_remove("Y").current_dir("/tmp").arg0("zero");
    assert_eq!(s.get_program(), o.get_program());
    assert_eq!(s.get_args().collect::<Vec<_>>(), o.get_args().collect::<Vec<_>>());
    assert_eq!(s.get_envs().collect::<Vec<_>>(), o.get_envs().collect::<Vec<_>>());
    assert_eq!(s.get_current_dir(), o.get_current_dir());
    s.env_clear().env("Z", "2");
    o.env_clear().env("Z", "2");
    assert_eq!(
        s.get_envs().collect::<Vec<(&OsStr, Option<&OsStr>)>>(),
        o.get_envs().collect::<Vec<_>>()
    );
}

/// A pipeline: one child's stdout is the next one's stdin, in both.
#[test]
fn pipelines_agree() {
    let mut a = std::process::Command::new("echo")
        .arg("pipe me")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let std_out = std::process::Command::new("tr")
        .args(["a-z", "A-Z"])
        .stdin(a.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(a.wait().unwrap().success());
    let mut b =
        aspawn::Command::new("echo").arg("pipe me").stdout(aspawn::Stdio::piped()).spawn().unwrap();
    let our_out = aspawn::Command::new("tr")
        .args(["a-z", "A-Z"])
        .stdin(b.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(b.wait().unwrap().success());
    assert_eq!(seen_out(std_out), seen_out(our_out));
}
