//! No fd leaks and no zombies: many spawns, failed and successful, through every entry point,
//! then the same `/proc/self/fd` as before and no child left to reap.
//!
//! One test in its own binary: fd counts are per process, and a test running beside it would
//! open fds of its own.

use std::io::{ErrorKind, Write};

use aspawn::{Command, Ctx, Failure, Stdio};
use rustix::process::{WaitId, WaitIdOptions};

fn open_fds() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let target = std::fs::read_link(e.path()).map(|p| p.display().to_string());
            format!("{} -> {}", e.file_name().to_string_lossy(), target.unwrap_or_default())
        })
        .collect();
    v.sort();
    v
}

#[aspawn::child]
fn refuse(cx: &Ctx) -> Result<(), Failure> {
    let _ = cx;
    Err(Failure::new(aspawn::Errno::ACCESS, "refuse"))
}

/// Every way a spawn can fail, each with pipes to clean up.
fn failures() -> Vec<(&'static str, Command)> {
    let piped = |prog: &str| {
        let mut c = Command::new(prog);
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        c
    };
    let mut v = vec![
        ("missing program", piped("/nonexistent/aspawn-prog")),
        ("missing in PATH", piped("aspawn-no-such-program")),
        ("a directory", piped("/")),
        ("bad cwd", {
            let mut c = piped("true");
            c.current_dir("/nonexistent-dir");
            c
        }),
        ("hook fails", {
            let mut c = piped("true");
            c.child_hook(refuse, ());
            c
        }),
        ("nul byte", piped("nul\0byte")),
        ("bad fd_map", {
            let mut c = piped("true");
            c.fd_map(std::io::stdout(), -1);
            c
        }),
        ("bad rlimit", {
            let mut c = piped("true");
            c.rlimit(1000, 1, 1);
            c
        }),
        ("keep_fd, missing program", {
            let mut c = piped("/nonexistent/aspawn-prog");
            c.keep_fd(std::io::stderr()).stdin(Stdio::null());
            c
        }),
    ];
    // A bad uid: refused without root, and for root an id the kernel cannot map.
    let mut c = piped("true");
    c.uid(u32::MAX);
    v.push(("bad uid", c));
    v
}

#[test]
fn spawns_leak_no_fds_and_leave_no_zombies() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Warm up what a first spawn sets up once (the stack pool, tokio's reactor).
    Command::new("true").status().unwrap();
    rt.block_on(async { Command::new("true").status_async().await.unwrap() });
    let before = open_fds();

    for _ in 0..5 {
        for (what, mut cmd) in failures() {
            let kind = cmd.spawn().map(drop).unwrap_err().kind();
            assert_ne!(kind, ErrorKind::Other, "{what}");
            cmd.output().unwrap_err();
            cmd.status().unwrap_err();
            match cmd.spawn_nowait() {
                Ok(pending) => drop(pending.wait_released().unwrap_err()),
                Err(e) => drop(e),
            }
            rt.block_on(async {
                cmd.spawn_async().await.unwrap_err();
                cmd.output_async().await.unwrap_err();
            });
        }
        // A failed `exec` returns to us (streams inherited, so nothing of ours is replaced).
        Command::new("/nonexistent/aspawn-prog").exec();

        // Successes, with every kind of stream.
        let out = Command::new("sh").args(["-c", "cat; echo err >&2"]).output().unwrap();
        assert_eq!(out.stderr, b"err\n");
        let mut child =
            Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"x").unwrap();
        assert_eq!(child.wait_with_output().unwrap().stdout, b"x");
        // Pipes never read: dropped with the `Child`, after `wait`.
        let mut child = Command::new("true")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(child.wait().unwrap().success());
        drop(child);
        let mut child = Command::new("true").spawn_nowait().unwrap().wait_released().unwrap();
        assert!(child.wait().unwrap().success());
        let file = std::fs::File::open("/dev/null").unwrap();
        assert!(
            Command::new("true").stdin(file).keep_fd(std::io::stdout()).status().unwrap().success()
        );
        rt.block_on(async {
            let mut c =
                Command::new("echo").arg("async").stdout(Stdio::piped()).spawn_async().await;
            assert!(c.as_mut().unwrap().wait().await.unwrap().success());
            let out = Command::new("echo").arg("async").output_async().await.unwrap();
            assert_eq!(out.stdout, b"async\n");
        });
    }

    assert_eq!(open_fds(), before, "fds leaked");
    // Every child was reaped: none left, running or zombie.
    match rustix::process::waitid(WaitId::All, WaitIdOptions::EXITED | WaitIdOptions::NOHANG) {
        Err(rustix::io::Errno::CHILD) => {}
        other => panic!("a child was left unreaped: {other:?}"),
    }
}
