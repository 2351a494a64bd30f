//! `Command::cgroup`: every spawn of the `Command` (spawn, spawn_nowait, status, output, with
//! and without a child hook) starts the child in the cgroup; the `Command` keeps one
//! close-on-exec duplicate that no child inherits; refusals come back as `io::Error`s with the
//! kernel's errno, or of kind `Unsupported` where only legacy `clone` is usable and for `exec`.
//!
//! The membership tests need a writable cgroup2 (see `cgroup2/mod.rs`) and say "skipped: no
//! writable cgroup2" on stderr without one; the error tests always run. Forcing legacy `clone`
//! and `exec` run in re-executed copies of this binary (`rerun`).

mod cgroup2;

use std::io::{ErrorKind, Read};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;

use aspawn::__private::force_clone_mode;
use aspawn::{CloneMode, Command, Ctx, Failure, Stdio};
use aspawn_tests::{ROLE, rerun};
use cgroup2::{LIST_FDS, TempCgroup, names, unified_line};

/// How many fds of this process point at `path`.
fn fds_naming(path: &Path) -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .flatten()
        .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t == path))
        .count()
}

fn cat_cgroup() -> Command {
    let mut cmd = Command::new("cat");
    cmd.arg("/proc/self/cgroup");
    cmd
}

fn line_of(out: &[u8]) -> String {
    let s = String::from_utf8_lossy(out);
    unified_line(&s).unwrap_or("<no 0:: line>").to_owned()
}

#[aspawn::child]
fn no_op_hook(_cx: &Ctx) -> Result<(), Failure> {
    Ok(())
}

/// Whether this process spawns with legacy `clone` (e.g. `ASPAWN_CLONE_MODE=legacy`): then a
/// cgroup spawn must be refused with `Unsupported` (checked here), and the membership tests end.
fn only_legacy_here(cg: &TempCgroup) -> bool {
    assert!(Command::new("true").status().unwrap().success()); // settles the mode
    if aspawn::__private::clone_mode().0 != CloneMode::Legacy {
        return false;
    }
    let err = Command::new("true").cgroup(cg.open()).status().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    eprintln!("skipped: only legacy clone here; the cgroup spawn was refused");
    true
}

#[test]
fn every_spawn_of_the_command_starts_in_the_cgroup() {
    let Some(cg) = TempCgroup::new("cmd") else { return };
    if only_legacy_here(&cg) {
        return;
    }
    let mut cmd = cat_cgroup();
    cmd.cgroup(cg.open()); // by value: the `Command` keeps its own duplicate

    let out = cmd.output().unwrap();
    assert!(out.status.success());
    assert_eq!(line_of(&out.stdout), cg.line, "output()");

    // The same `Command` again, through spawn_nowait.
    let pending = cmd.stdout(Stdio::piped()).spawn_nowait().unwrap();
    let out = pending.wait_released().unwrap().wait_with_output().unwrap();
    assert_eq!(line_of(&out.stdout), cg.line, "spawn_nowait()");

    // And spawn, with a child hook (its own spawn path).
    let mut child = cmd.child_hook(no_op_hook, ()).spawn().unwrap();
    let mut s = String::new();
    child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(line_of(s.as_bytes()), cg.line, "spawn() with a child hook");

    // And `status`, its stdout a pipe of ours.
    let (mut r, w) = std::io::pipe().unwrap();
    {
        let mut cmd = cat_cgroup();
        cmd.cgroup(cg.open()).stdout(Stdio::from(OwnedFd::from(w)));
        assert!(cmd.status().unwrap().success());
    } // the `Command` keeps its stdout fd: dropped here, so the read below ends
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert_eq!(line_of(s.as_bytes()), cg.line, "status()");

    // Every child is reaped: the cgroup is empty again.
    assert_eq!(std::fs::read_to_string(cg.path.join("cgroup.procs")).unwrap(), "");
}

#[test]
fn the_command_keeps_one_duplicate_and_no_child_inherits_it() {
    let Some(cg) = TempCgroup::new("dup") else { return };
    if only_legacy_here(&cg) {
        return;
    }
    let mine = cg.open();
    assert_eq!(fds_naming(&cg.path), 1);
    let mut cmd = Command::new("sh");
    cmd.args(["-c", LIST_FDS]).cgroup(&mine);
    assert_eq!(fds_naming(&cg.path), 2, "a borrow: ours and the Command's copy");
    drop(mine);
    assert_eq!(fds_naming(&cg.path), 1, "the Command's copy outlives ours");

    // The executed program has none of them: the copy is close-on-exec.
    let out = cmd.output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(!listing.is_empty());
    assert!(!names(&listing, &cg.path), "the child kept the cgroup fd:\n{listing}");
    // Also where the child closes every fd it was not given (keep_fd's close_range path).
    let out = cmd.keep_fd(std::io::stderr()).output().unwrap();
    assert!(!names(&String::from_utf8_lossy(&out.stdout), &cg.path));

    // A value passed by value is closed at once; a later call replaces the cgroup (the old
    // copy is closed).
    cmd.cgroup(cg.open());
    assert_eq!(fds_naming(&cg.path), 1);
    drop(cmd);
    assert_eq!(fds_naming(&cg.path), 0, "dropping the Command closes its copy");
}

/// An fd number at or above the hard `RLIMIT_NOFILE`, which nothing can open.
fn never_open_fd() -> BorrowedFd<'static> {
    // SAFETY: getrlimit into a zeroed struct.
    let max = unsafe {
        let mut r: libc::rlimit = std::mem::zeroed();
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut r), 0);
        r.rlim_max
    };
    let n = max.min(i32::MAX as u64 - 1) as i32;
    // SAFETY: fcntl on a number only asks whether it is open.
    assert_eq!(unsafe { libc::fcntl(n, libc::F_GETFD) }, -1, "fd {n} is open");
    // SAFETY: only duplicated (which fails), never closed or used as an open file.
    unsafe { BorrowedFd::borrow_raw(n) }
}

#[test]
fn refusals_come_back_with_their_errno() {
    // Settle the clone mode; where only legacy clone is usable, every spawn below is
    // `Unsupported` instead.
    assert!(Command::new("true").status().unwrap().success());
    let legacy = aspawn::__private::clone_mode().0 == CloneMode::Legacy;
    let check = |err: std::io::Error, errno: i32, what: &str| {
        if legacy && err.kind() == ErrorKind::Unsupported {
            return;
        }
        assert_eq!(err.raw_os_error(), Some(errno), "{what}: {err}");
    };

    let file = std::fs::File::open("/proc/self/status").unwrap();
    let err = Command::new("true").cgroup(file).status().unwrap_err();
    check(err, libc::EBADF, "a regular file");
    let err = Command::new("true").cgroup(std::fs::File::open("/").unwrap()).output();
    check(err.unwrap_err(), libc::EBADF, "a directory outside cgroupfs");

    // A closed fd: the duplicate fails in the builder, and the spawn reports it (whatever the
    // clone mode: nothing is cloned).
    let err = Command::new("true").cgroup(never_open_fd()).spawn().unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF), "a closed fd: {err}");

    // A cgroup that cannot hold processes (see engine_cgroup.rs), where we may make one.
    if let Some(cg) = TempCgroup::new("cmd-invalid") {
        let t = cg.child("t").unwrap();
        if std::fs::write(t.join("cgroup.type"), "threaded").is_ok() {
            let invalid = cg.child("invalid").unwrap();
            let dir = std::fs::File::open(invalid).unwrap();
            let err = Command::new("true").cgroup(dir).spawn_nowait().unwrap_err();
            check(err, libc::EOPNOTSUPP, "a domain-invalid cgroup");
        }
    }
}

#[test]
fn std_cannot_express_it() {
    let mut cmd = Command::new("true");
    cmd.cgroup(std::fs::File::open("/").unwrap());
    let err = std::process::Command::try_from(&cmd).unwrap_err();
    assert_eq!(err.option(), "cgroup");
    let shown = format!("{cmd:#?}");
    assert!(shown.contains("cgroup:"), "{shown}");
}

/// One role of `legacy_clone_and_exec_refuse_it`, in its own process.
fn refusal_role(role: &str) {
    let root = std::fs::File::open("/").unwrap();
    match role {
        "legacy" => {
            force_clone_mode(Some(CloneMode::Legacy));
            let err = Command::new("true").cgroup(&root).status().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
            assert!(err.to_string().contains("CLONE_INTO_CGROUP"), "{err}");
            // Without a cgroup, the forced rung spawns as ever.
            assert!(Command::new("true").status().unwrap().success());
        }
        "exec" => {
            // If `exec` ignored the cgroup, this process would become `echo` and never print
            // the RESULT line.
            let err = Command::new("/bin/echo").arg("exec happened").cgroup(&root).exec();
            assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
        }
        other => panic!("unknown role {other}"),
    }
    println!("RESULT ok {role}");
}

#[test]
fn legacy_clone_and_exec_refuse_it() {
    if let Ok(role) = std::env::var(ROLE) {
        return refusal_role(&role);
    }
    for role in ["legacy", "exec"] {
        let out = rerun("legacy_clone_and_exec_refuse_it", role);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{role}: {:?}", out.status);
        assert!(stdout.contains(&format!("RESULT ok {role}")), "{role}: {stdout}");
        assert!(!stdout.contains("exec happened"), "{role}: {stdout}");
    }
}
