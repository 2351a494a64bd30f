//! `uid`, `gid` and `groups` for real (this needs root; without it each test prints a note and
//! passes): the same cases through std and through ours, comparing what `id` and
//! `/proc/self/status` show, and the order of the three calls (setgroups, setresgid, setresuid),
//! seen through which step fails when a capability is missing.
//!
//! std has no stable `groups`, and its `pre_exec` runs after its `setuid`, so where a case needs
//! supplementary groups, std's side makes all three calls in a `pre_exec`, in our order.

use std::io::ErrorKind;
use std::os::unix::process::CommandExt;

use aspawn::Errno;
use aspawn_tests::{ROLE, rerun};
use rustix::event::{PollFd, PollFlags};
use rustix::thread::{CapabilitySet, capabilities, set_capabilities};

const NOBODY: u32 = 65534;
const USERS: u32 = 100;

/// Prints the ids as `id` sees them, then as the kernel keeps them (real, effective, saved, fs).
const SCRIPT: &str = "id -u; id -g; id -G; grep -E '^(Uid|Gid|Groups):' /proc/self/status";

fn root() -> bool {
    if rustix::process::geteuid().is_root() {
        return true;
    }
    println!("note: not root, skipping the privilege tests (they need CAP_SETUID and CAP_SETGID)");
    false
}

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Ran { code: Option<i32>, stdout: String, stderr: String },
    Failed { kind: ErrorKind, errno: Option<i32>, message: String },
}

fn seen(r: std::io::Result<std::process::Output>) -> Seen {
    match r {
        Ok(o) => Seen::Ran {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        },
        Err(e) => Seen::Failed { kind: e.kind(), errno: e.raw_os_error(), message: e.to_string() },
    }
}

/// The ids a case asks for; `None` leaves that one alone.
#[derive(Clone, Copy)]
struct Ids {
    uid: Option<u32>,
    gid: Option<u32>,
    groups: Option<&'static [u32]>,
}

fn ours(ids: Ids) -> aspawn::Command {
    let mut c = aspawn::Command::new("sh");
    c.args(["-c", SCRIPT]);
    if let Some(u) = ids.uid {
        c.uid(u);
    }
    if let Some(g) = ids.gid {
        c.gid(g);
    }
    if let Some(g) = ids.groups {
        c.groups(g);
    }
    c
}

/// std's equivalent: its own `uid`/`gid` when the case sets no groups; otherwise the three calls
/// in a `pre_exec`, in our order.
fn stds(ids: Ids) -> std::process::Command {
    let mut c = std::process::Command::new("sh");
    c.args(["-c", SCRIPT]);
    let Some(groups) = ids.groups else {
        if let Some(u) = ids.uid {
            c.uid(u);
        }
        if let Some(g) = ids.gid {
            c.gid(g);
        }
        return c;
    };
    let (uid, gid) = (ids.uid, ids.gid);
    let cvt = |r: libc::c_int| if r == -1 { Err(std::io::Error::last_os_error()) } else { Ok(()) };
    // SAFETY: setgroups/setresgid/setresuid are async-signal-safe system calls; `groups` is a
    // `'static` slice.
    unsafe {
        c.pre_exec(move || {
            cvt(libc::setgroups(groups.len(), groups.as_ptr()))?;
            if let Some(g) = gid {
                cvt(libc::setresgid(g, g, g))?;
            }
            if let Some(u) = uid {
                cvt(libc::setresuid(u, u, u))?;
            }
            Ok(())
        })
    };
    c
}

#[test]
fn ids_agree_with_std() {
    if !root() {
        return;
    }
    let none = Ids { uid: None, gid: None, groups: None };
    let cases: [(&str, Ids, Option<&str>); 7] = [
        (
            "uid, gid and groups",
            Ids { uid: Some(NOBODY), gid: Some(NOBODY), groups: Some(&[NOBODY, USERS]) },
            Some("65534\n65534\n65534 100\n"),
        ),
        // A root parent dropping to `uid` without `groups` clears the supplementary groups.
        ("uid only", Ids { uid: Some(NOBODY), ..none }, Some("65534\n0\n0\n")),
        ("gid only", Ids { gid: Some(NOBODY), ..none }, None),
        ("uid and gid", Ids { uid: Some(NOBODY), gid: Some(NOBODY), ..none }, None),
        ("groups only", Ids { groups: Some(&[USERS]), ..none }, Some("0\n0\n0 100\n")),
        ("no groups at all", Ids { uid: Some(NOBODY), groups: Some(&[]), ..none }, None),
        (
            "groups with duplicates",
            Ids { gid: Some(USERS), groups: Some(&[USERS, NOBODY, USERS]), ..none },
            None,
        ),
    ];
    let mut bad = Vec::new();
    for (what, ids, want) in cases {
        let (s, o) = (seen(stds(ids).output()), seen(ours(ids).output()));
        eprintln!("{what}: {o:?}");
        if s != o {
            bad.push(format!("{what}:\n  std:    {s:?}\n  aspawn: {o:?}"));
        }
        match (&o, want) {
            (Seen::Ran { code: Some(0), stdout, .. }, Some(w)) => {
                assert!(stdout.starts_with(w), "{what}: {stdout:?}, want it to start {w:?}")
            }
            (Seen::Ran { code: Some(0), .. }, None) => {}
            (other, _) => panic!("{what}: {other:?}"),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Spawns `cmd` and gives the step and errno of the child's failure, if it failed.
fn failed_step(cmd: &mut aspawn::Command) -> Option<(&'static str, Errno)> {
    let mut pending = cmd.spawn_nowait().unwrap();
    loop {
        {
            let fd = pending.release_fd().unwrap();
            let mut fds = [PollFd::new(&fd, PollFlags::IN)];
            match rustix::event::poll(&mut fds, None) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => panic!("poll: {e}"),
            }
        }
        match pending.spawned().try_released() {
            None => continue,
            Some(Ok((mut child, _stack))) => {
                child.wait().unwrap();
                return None;
            }
            Some(Err(failed)) => return Some((failed.step(), failed.errno())),
        }
    }
}

/// Runs `f` on a new thread whose effective capabilities lack `drop` (capabilities are per
/// thread, and a child gets the credentials of the thread that spawns it).
fn without<T: Send>(drop: CapabilitySet, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut caps = capabilities(None).unwrap();
            caps.effective.remove(drop);
            set_capabilities(None, caps).unwrap();
            f()
        })
        .join()
        .unwrap()
    })
}

/// The calls come in Go's order, setgroups → setresgid → setresuid, and a failure names its
/// step: without `CAP_SETGID` the first of the group calls fails; without `CAP_SETUID`, only the
/// last. std fails the same cases with the same error.
#[test]
fn the_order_is_setgroups_setresgid_setresuid() {
    if !root() {
        return;
    }
    let all = Ids { uid: Some(NOBODY), gid: Some(NOBODY), groups: Some(&[NOBODY]) };
    let no_groups = Ids { groups: None, ..all };
    let gid_only = Ids { uid: None, groups: None, ..all };
    // (missing capability, ids, the step that fails)
    let cases: [(CapabilitySet, Ids, &str); 4] = [
        (CapabilitySet::SETGID, all, "setgroups"),
        // With `uid` and no `groups`, the groups are cleared first, ignoring EPERM as std does;
        // then `setresgid` fails, in the middle.
        (CapabilitySet::SETGID, no_groups, "setresgid"),
        (CapabilitySet::SETGID, gid_only, "setresgid"),
        // Group calls done, the user id last.
        (CapabilitySet::SETUID, all, "setresuid"),
    ];
    for (cap, ids, step) in cases {
        let (ours_step, o, s) = without(cap, || {
            (failed_step(&mut ours(ids)), seen(ours(ids).output()), seen(stds(ids).output()))
        });
        eprintln!("without {cap:?}: {ours_step:?}, {o:?}");
        assert_eq!(ours_step, Some((step, Errno::PERM)), "{cap:?}");
        assert_eq!(o, s, "{cap:?} {step}: std and aspawn differ");
        assert!(matches!(o, Seen::Failed { errno: Some(libc::EPERM), .. }), "{o:?}");
    }
    // With both capabilities the three succeed: setresuid came last (after it, without root,
    // the group calls would fail).
    assert_eq!(failed_step(ours(all).stdout(aspawn::Stdio::null())), None);
}

/// `u32::MAX` is `-1`, which `setresuid`/`setresgid` read as "leave unchanged": std's
/// `setuid`/`setgid` refuse it with `EINVAL`, and so must we, rather than run the child with the
/// parent's ids. (Root or not: the kernel checks the id before the permission.)
#[test]
fn an_id_of_u32_max_is_refused_as_in_std() {
    for (what, uid, gid) in [("uid", Some(u32::MAX), None), ("gid", None, Some(u32::MAX))] {
        let ids = Ids { uid, gid, groups: None };
        let (s, o) = (seen(stds(ids).output()), seen(ours(ids).output()));
        assert_eq!(o, s, "{what}");
        assert!(matches!(o, Seen::Failed { errno: Some(libc::EINVAL), .. }), "{what}: {o:?}");
    }
}

/// Whether this thread has `CAP_SYS_RESOURCE` (containers often drop it, root or not).
fn has_sys_resource() -> bool {
    capabilities(None).is_ok_and(|c| c.effective.contains(CapabilitySet::SYS_RESOURCE))
}

/// A resource limit is set before the ids change: raising a hard limit needs
/// `CAP_SYS_RESOURCE`, which the child no longer has once it runs as `nobody` (it failed with
/// `EPERM` from `setrlimit` when the limits came after `setresuid`).
#[test]
fn rlimits_are_set_before_the_user_id_changes() {
    if !root() {
        return;
    }
    if !has_sys_resource() {
        println!("note: no CAP_SYS_RESOURCE here, skipping (see the RLIMIT_NPROC test)");
        return;
    }
    let hard = rustix::process::getrlimit(rustix::process::Resource::Nofile).maximum;
    let Some(raised) = hard.and_then(|h| h.checked_add(1000)).filter(|&r| r <= 1 << 20) else {
        println!("note: the open-files hard limit cannot be raised here ({hard:?}), skipping");
        return;
    };
    let out = aspawn::Command::new("sh")
        .args(["-c", "ulimit -Hn; id -u"])
        .uid(NOBODY)
        .gid(NOBODY)
        .rlimit(aspawn::consts::RLIMIT_NOFILE, raised, raised)
        .output();
    let o = seen(out);
    assert_eq!(
        o,
        Seen::Ran { code: Some(0), stdout: format!("{raised}\n{NOBODY}\n"), stderr: String::new() }
    );
}

/// The same order seen without `CAP_SYS_RESOURCE`: the kernel checks `RLIMIT_NPROC` when
/// `setresuid` switches users and, over the limit, fails the next `execve` with `EAGAIN`
/// ("programs doing set*uid()+execve()", kernel/sys.c). A limit of 0 for a user that already
/// runs a process (a `sleep` as `nobody`) therefore stops the program only if it was set
/// before the switch; set after it (the old order), the program ran.
#[test]
fn an_nproc_limit_is_in_force_when_the_user_id_changes() {
    if !root() {
        return;
    }
    let mut sleeper = std::process::Command::new("sleep")
        .arg("30")
        .uid(NOBODY)
        .gid(NOBODY)
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let o = seen(
        aspawn::Command::new("true")
            .uid(NOBODY)
            .gid(NOBODY)
            .rlimit(aspawn::consts::RLIMIT_NPROC, 0, 0)
            .output(),
    );
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    assert!(matches!(o, Seen::Failed { errno: Some(libc::EAGAIN), .. }), "{o:?}");
}

/// A setuid-root caller (real uid 1000, effective uid 0) that sets `uid` without `groups`:
/// std decides from the effective uid — it always calls `setgroups(0)` and ignores only
/// `EPERM` — so the child has no supplementary groups. Deciding from the real uid kept the
/// caller's groups (`disk`, `sudo` …) in a child running as `nobody`. Runs in a copy of this
/// binary, which takes groups 6 and 27 and real uid 1000 first.
#[test]
fn a_setuid_root_parent_clears_the_groups_as_std_does() {
    if !root() {
        return;
    }
    if std::env::var_os(ROLE).is_some() {
        // SAFETY: plain system calls; glibc applies them to every thread of this copy.
        unsafe {
            assert_eq!(libc::setgroups(2, [6, 27].as_ptr()), 0);
            assert_eq!(libc::setresuid(1000, 0, 0), 0);
        }
        let script = "id -u; grep -E '^Groups:' /proc/self/status";
        let s = seen(
            std::process::Command::new("sh").args(["-c", script]).uid(NOBODY).gid(NOBODY).output(),
        );
        let o =
            seen(aspawn::Command::new("sh").args(["-c", script]).uid(NOBODY).gid(NOBODY).output());
        println!("std:    {s:?}\naspawn: {o:?}");
        assert_eq!(o, s, "std and aspawn differ");
        match o {
            Seen::Ran { code: Some(0), stdout, .. } => {
                assert!(stdout.starts_with("65534\n"), "{stdout:?}");
                assert_eq!(stdout.trim_end(), "65534\nGroups:", "{stdout:?}");
            }
            other => panic!("{other:?}"),
        }
        return;
    }
    let out = rerun("a_setuid_root_parent_clears_the_groups_as_std_does", "setuid-root");
    assert!(out.status.success(), "{:?}", out.status);
}
