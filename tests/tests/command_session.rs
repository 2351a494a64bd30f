//! Process groups, sessions and the parent-death signal, as the child sees them.
//!
//! The child reports its own pid, process group and session from `/proc/self/stat`; the cases
//! run through std (`process_group`, and `setsid` in a `pre_exec`, which std runs after
//! `setpgid` as we do) and through ours, and compare the ids relative to the child and the
//! parent.

use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec};

/// The shell's own `pid pgrp sid`, read by the shell itself (`read` is a builtin, so
/// `/proc/self` is the shell).
const IDS: &str = "read pid comm state ppid pgrp sid rest < /proc/self/stat; echo $pid $pgrp $sid";

/// What a user sees, with pids named: `self`, `parent` (the test process's group or session),
/// `leader` (a group leader the case joins).
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Ids { pgrp: String, sid: String },
    Failed { kind: std::io::ErrorKind, errno: Option<i32>, message: String },
}

fn name(id: &str, me: &str, parent: i32, leader: u32) -> String {
    match id.parse::<i64>().unwrap() {
        n if n.to_string() == me => "self".into(),
        n if n == parent as i64 => "parent".into(),
        n if n == leader as i64 => "leader".into(),
        n => n.to_string(),
    }
}

fn seen(r: std::io::Result<std::process::Output>, leader: u32) -> Seen {
    let out = match r {
        Ok(o) => o,
        Err(e) => {
            return Seen::Failed {
                kind: e.kind(),
                errno: e.raw_os_error(),
                message: e.to_string(),
            };
        }
    };
    assert!(out.status.success(), "{out:?}");
    let s = String::from_utf8(out.stdout).unwrap();
    let v: Vec<&str> = s.split_whitespace().collect();
    // Raw ids: in a pid namespace whose group or session leader lives outside it (a CI
    // container), the kernel reports 0, which `rustix::process::Pid` cannot hold.
    // SAFETY: `getpgrp` and `getsid(0)` only read the calling process's ids.
    let (pgrp0, sid0) = unsafe { (libc::getpgrp(), libc::getsid(0)) };
    assert!(sid0 >= 0, "getsid: {}", std::io::Error::last_os_error());
    Seen::Ids { pgrp: name(v[1], v[0], pgrp0, leader), sid: name(v[2], v[0], sid0, leader) }
}

fn std_setsid(c: &mut std::process::Command) {
    // SAFETY: `setsid` is async-signal-safe.
    unsafe {
        c.pre_exec(|| match libc::setsid() {
            -1 => Err(std::io::Error::last_os_error()),
            _ => Ok(()),
        })
    };
}

#[test]
fn process_group_and_session_agree_with_std() {
    // A group leader to join, alive for the whole test.
    let mut leader =
        aspawn::Command::new("sleep").arg("30").process_group(0).spawn().expect("leader");
    let lp = leader.id();
    type Case = (&'static str, Option<i32>, bool);
    let cases: [Case; 5] = [
        ("inherited", None, false),
        ("process_group(0)", Some(0), false),
        ("setsid", None, true),
        ("join the leader's group", Some(lp as i32), false),
        // A new group leader cannot start a session (EPERM), in std and here.
        ("process_group(0) then setsid", Some(0), true),
    ];
    let mut bad = Vec::new();
    for (what, pg, sid) in cases {
        let mut s = std::process::Command::new("sh");
        s.args(["-c", IDS]);
        let mut o = aspawn::Command::new("sh");
        o.args(["-c", IDS]);
        if let Some(pg) = pg {
            s.process_group(pg);
            o.process_group(pg);
        }
        if sid {
            std_setsid(&mut s);
            o.setsid(true);
        }
        let (s, o) = (seen(s.output(), lp), seen(o.output(), lp));
        if s != o {
            bad.push(format!("{what}:\n  std:    {s:?}\n  aspawn: {o:?}"));
        }
        // What each case must show, whoever runs it.
        let want = match (pg, sid) {
            (None, false) => ("parent", "parent"),
            (Some(0), false) => ("self", "parent"),
            (None, true) => ("self", "self"),
            (Some(_), false) => ("leader", "parent"),
            (Some(_), true) => {
                assert!(matches!(&o, Seen::Failed { errno: Some(libc::EPERM), .. }), "{o:?}");
                continue;
            }
        };
        assert_eq!(o, Seen::Ids { pgrp: want.0.into(), sid: want.1.into() }, "{what}");
    }
    leader.kill().unwrap();
    assert_eq!(leader.wait().unwrap().signal(), Some(libc::SIGKILL));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Waits up to `limit` for `fd` to become readable; `false` on timeout.
fn readable_within(fd: impl AsFd, limit: Duration) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let ts = Timespec { tv_sec: left.as_secs() as _, tv_nsec: left.subsec_nanos() as _ };
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match rustix::event::poll(&mut fds, Some(&ts)) {
            Ok(0) if left.is_zero() => return false,
            Ok(0) => continue,
            Ok(_) => return true,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => panic!("poll: {e}"),
        }
    }
}

/// `pdeathsig` fires when the *thread* that spawned the child exits (Linux ties it to the
/// thread); without it, the child outlives that thread.
#[test]
fn pdeathsig_fires_when_the_spawning_thread_exits() {
    let spawn_from_a_thread = |sig: Option<i32>| {
        std::thread::spawn(move || {
            let mut cmd = aspawn::Command::new("sleep");
            cmd.arg("30").create_pidfd(true);
            if let Some(sig) = sig {
                cmd.pdeathsig(sig);
            }
            cmd.spawn().unwrap()
        })
        .join()
        .unwrap()
    };

    for sig in [libc::SIGKILL, libc::SIGTERM] {
        let mut child = spawn_from_a_thread(Some(sig));
        // The signal comes as the thread exits; a generous bound for a loaded machine.
        if !readable_within(child.pidfd().unwrap(), Duration::from_secs(30)) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("signal {sig}: the child outlived its parent thread by 30 s");
        }
        assert_eq!(child.wait().unwrap().signal(), Some(sig));
    }

    // Control: no pdeathsig, the child is still running after its thread is gone.
    let mut child = spawn_from_a_thread(None);
    assert!(
        !readable_within(child.pidfd().unwrap(), Duration::from_millis(300)),
        "the child exited"
    );
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
}
