//! `Launch::with_cgroup`: a child spawned straight into a cgroup (`clone3`'s
//! `CLONE_INTO_CGROUP`), what the kernel's refusals look like, and every clone rung with a
//! cgroup (legacy `clone` cannot do it: `Unsupported`, never a child outside the cgroup).
//!
//! The membership tests need a cgroup2 hierarchy this process may write (see `cgroup2/mod.rs`)
//! and say "skipped: no writable cgroup2" on stderr without one; the error tests always run.
//! Forcing a rung and seccomp filters are process-wide: those cases run in re-executed copies of
//! this binary (`rerun`).

mod cgroup2;

use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;

use aspawn::__private::{clone_mode, force_clone_mode};
use aspawn::{CloneMode, Envp, Errno, Launch, SpawnError, SpawnErrorKind, Stack};
use aspawn_tests::{ROLE, exec_to, rerun};
use cgroup2::{LIST_FDS, TempCgroup, names, unified_line};

/// Runs `argv` (`argv[0]` a path) with `launch`, its stdout captured; gives the output and
/// whether it exited 0.
fn run(launch: impl Into<Launch>, argv: &[&str]) -> Result<(String, bool), SpawnError> {
    let (mut r, w) = std::io::pipe().unwrap();
    let prog = std::ffi::CString::new(argv[0]).unwrap();
    let spawned = aspawn::spawn!(launch, exec_to, (prog.as_c_str(), argv, Envp::inherit(), &w))?;
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    let ok = child.wait().unwrap().success();
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    Ok((out, ok))
}

fn cat_cgroup(launch: impl Into<Launch>) -> Result<String, SpawnError> {
    let (out, ok) = run(launch, &["/bin/cat", "/proc/self/cgroup"])?;
    assert!(ok, "cat failed: {out}");
    Ok(out)
}

/// Where fd number `n` of this process points now, if it is open.
fn fd_target(n: i32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/self/fd/{n}")).ok()
}

/// Settles the clone mode with one plain spawn, and says whether it is legacy `clone` (then a
/// cgroup spawn must fail with `Unsupported`, not reach the kernel's cgroup checks).
fn only_legacy_here() -> bool {
    let (out, ok) = run(Stack::new().unwrap(), &["/bin/echo", "settled"]).unwrap();
    assert!(ok && out == "settled\n");
    clone_mode().0 == CloneMode::Legacy
}

/// `err` is the kernel's `errno` for the clone — or `Unsupported` where only legacy `clone` is
/// usable — and the stack came back with it.
fn assert_refused(err: SpawnError, errno: Errno, legacy: bool, what: &str) {
    match (err.kind(), legacy) {
        (SpawnErrorKind::Os { errno: e, call }, false) => {
            assert_eq!((*e, *call), (errno, "clone3"), "{what}: {err}")
        }
        (SpawnErrorKind::Unsupported { feature, .. }, true) => {
            assert_eq!(*feature, "CLONE_INTO_CGROUP", "{what}")
        }
        _ => panic!("{what}: expected {errno:?} from clone3 (legacy only: {legacy}), got {err:?}"),
    }
    assert!(err.into_stack().is_some(), "{what}: the stack comes back");
}

#[test]
fn the_child_starts_in_the_cgroup() {
    let Some(cg) = TempCgroup::new("member") else { return };
    if only_legacy_here() {
        // e.g. `ASPAWN_CLONE_MODE=legacy`: refused, never a child outside the cgroup.
        let err = run(Stack::new().unwrap().with_cgroup(cg.open()), &["/bin/true"]).unwrap_err();
        assert!(matches!(err.kind(), SpawnErrorKind::Unsupported { .. }), "{err:?}");
        eprintln!("skipped: only legacy clone here; the cgroup spawn was refused");
        return;
    }
    // Our own cgroup, for comparison: the child must not be there.
    let ours = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let ours = unified_line(&ours).unwrap().to_owned();
    assert_ne!(ours, cg.line);

    // A read-only directory fd, as `File::open` gives it.
    let dir = cg.open();
    let n = dir.as_raw_fd();
    let out = cat_cgroup(Stack::new().unwrap().with_cgroup(dir)).unwrap();
    assert_eq!(unified_line(&out), Some(cg.line.as_str()), "child's /proc/self/cgroup:\n{out}");
    // The launch owned the fd and the spawn closed it (the number may since name another file
    // of another test thread, never our cgroup).
    assert_ne!(fd_target(n).as_deref(), Some(cg.path.as_path()), "fd {n} still open");

    // An `O_PATH` fd works too, through `Launch` after `with_pidfd`.
    let path_fd: OwnedFd = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
        .open(&cg.path)
        .unwrap()
        .into();
    let out = cat_cgroup(Stack::new().unwrap().with_pidfd().with_cgroup(path_fd)).unwrap();
    assert_eq!(unified_line(&out), Some(cg.line.as_str()), "O_PATH:\n{out}");

    // The executed program does not inherit the directory fd (`File::open` is close-on-exec
    // and the engine makes no copy of it).
    let (fds, ok) =
        run(Stack::new().unwrap().with_cgroup(cg.open()), &["/bin/sh", "-c", LIST_FDS]).unwrap();
    assert!(ok);
    assert!(!names(&fds, &cg.path), "the child kept the cgroup fd:\n{fds}");

    // And the cgroup really held it: the child is gone, so it is empty again.
    let procs = std::fs::read_to_string(cg.path.join("cgroup.procs")).unwrap();
    assert_eq!(procs, "");
}

#[test]
fn what_is_not_a_cgroup2_directory_is_ebadf() {
    let legacy = only_legacy_here();
    let file = std::fs::File::open("/proc/self/status").unwrap();
    let err = run(Stack::new().unwrap().with_cgroup(file), &["/bin/true"]).unwrap_err();
    assert_refused(err, Errno::BADF, legacy, "a regular file");

    let dir = std::fs::File::open("/").unwrap();
    let err = run(Stack::new().unwrap().with_cgroup(dir), &["/bin/true"]).unwrap_err();
    assert_refused(err, Errno::BADF, legacy, "a directory outside cgroupfs");

    // A cgroup v1 directory, where this host also mounts v1 hierarchies (hybrid).
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let v1 = mountinfo.lines().find_map(|l| {
        let (fields, fs) = l.split_once(" - ")?;
        fs.starts_with("cgroup ").then(|| fields.split(' ').nth(4).map(str::to_owned))?
    });
    match v1 {
        Some(mount) => {
            let dir = std::fs::File::open(&mount).unwrap();
            let err = run(Stack::new().unwrap().with_cgroup(dir), &["/bin/true"]).unwrap_err();
            assert_refused(err, Errno::BADF, legacy, &format!("cgroup v1 at {mount}"));
        }
        None => eprintln!("no cgroup v1 mount: that case skipped"),
    }
}

#[test]
fn a_removed_cgroup_is_enoent() {
    let Some(cg) = TempCgroup::new("removed") else { return };
    let legacy = only_legacy_here();
    let dir = cg.open();
    std::fs::remove_dir(&cg.path).unwrap();
    let err = run(Stack::new().unwrap().with_cgroup(dir), &["/bin/true"]).unwrap_err();
    assert_refused(err, Errno::NOENT, legacy, "a removed cgroup");
}

#[test]
fn a_domain_invalid_cgroup_is_eopnotsupp() {
    let Some(cg) = TempCgroup::new("invalid") else { return };
    let legacy = only_legacy_here();
    // With `t` threaded, `cg` becomes a threaded domain, and a non-threaded cgroup made below it
    // afterwards is "domain invalid": it cannot hold processes.
    let t = cg.child("t").unwrap();
    if let Err(e) = std::fs::write(t.join("cgroup.type"), "threaded") {
        eprintln!("skipped: cannot make a threaded cgroup here: {e}");
        return;
    }
    let invalid = cg.child("invalid").unwrap();
    let kind = std::fs::read_to_string(invalid.join("cgroup.type")).unwrap();
    assert_eq!(kind, "domain invalid\n");
    let dir = std::fs::File::open(&invalid).unwrap();
    let err = run(Stack::new().unwrap().with_cgroup(dir), &["/bin/true"]).unwrap_err();
    assert_refused(err, Errno::OPNOTSUPP, legacy, "a domain-invalid cgroup");
}

/// Installs a seccomp filter on this thread (and the children it spawns) that fails `clone3`
/// with `errno` and allows every other call.
fn clone3_fails_with(errno: u32) {
    const NR_CLONE3: u32 = 435; // x86_64 and aarch64 alike
    let insn =
        |code: u32, k: u32, jt: u8, jf: u8| libc::sock_filter { code: code as u16, jt, jf, k };
    let prog = [
        insn(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, 0), // A = nr
        insn(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, NR_CLONE3, 0, 1),
        insn(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ERRNO | errno, 0, 0),
        insn(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW, 0, 0),
    ];
    let fprog = libc::sock_fprog { len: prog.len() as u16, filter: prog.as_ptr().cast_mut() };
    // SAFETY: prctl with a valid filter program that outlives the call.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog), 0);
    }
}

fn root_dir() -> std::fs::File {
    std::fs::File::open("/").unwrap()
}

/// One role of `every_rung_with_a_cgroup`, in its own process.
fn rung_role(role: &str) {
    match role {
        "clone3" => {
            // The rung without CLONE_CLEAR_SIGHAND places the child as well.
            force_clone_mode(Some(CloneMode::Clone3));
            if let Some(cg) = TempCgroup::new("rung-clone3") {
                let out = cat_cgroup(Stack::new().unwrap().with_cgroup(cg.open())).unwrap();
                assert_eq!(unified_line(&out), Some(cg.line.as_str()), "{out}");
            }
            let err = run(Stack::new().unwrap().with_cgroup(root_dir()), &["/bin/true"]);
            assert_refused(err.unwrap_err(), Errno::BADF, false, "forced clone3, not a cgroup");
        }
        "legacy" => {
            force_clone_mode(Some(CloneMode::Legacy));
            let err = run(Stack::new().unwrap().with_cgroup(root_dir()), &["/bin/true"]);
            let err = err.unwrap_err();
            assert_eq!(
                err.kind(),
                &SpawnErrorKind::Unsupported { feature: "CLONE_INTO_CGROUP", clone3_errno: None }
            );
            let io = std::io::Error::from(err);
            assert_eq!(io.kind(), std::io::ErrorKind::Unsupported, "{io}");
            // Without a cgroup, the forced rung spawns as ever.
            assert_eq!(run(Stack::new().unwrap(), &["/bin/echo", "x"]).unwrap().0, "x\n");
        }
        "seccomp-ENOSYS" | "seccomp-EPERM" => {
            let errno = if role.ends_with("ENOSYS") { Errno::NOSYS } else { Errno::PERM };
            clone3_fails_with(errno.raw_os_error() as u32);
            // First spawn of the process: clone3 is tried (both clone3 rungs), then legacy would
            // be next: refused, naming what clone3 said.
            let err = run(Stack::new().unwrap().with_cgroup(root_dir()), &["/bin/true"]);
            assert_eq!(
                err.unwrap_err().kind(),
                &SpawnErrorKind::Unsupported {
                    feature: "CLONE_INTO_CGROUP",
                    clone3_errno: Some(errno)
                }
            );
            // The failed spawn cached nothing; a plain one falls back to legacy and caches it.
            assert_eq!(clone_mode(), (CloneMode::Clone3ClearSighand, false));
            assert_eq!(run(Stack::new().unwrap(), &["/bin/echo", "y"]).unwrap().0, "y\n");
            assert_eq!(clone_mode(), (CloneMode::Legacy, false));
            // From then on clone3 is not tried.
            let err = run(Stack::new().unwrap().with_cgroup(root_dir()), &["/bin/true"]);
            assert_eq!(
                err.unwrap_err().kind(),
                &SpawnErrorKind::Unsupported { feature: "CLONE_INTO_CGROUP", clone3_errno: None }
            );
        }
        "seccomp-EINVAL" => {
            // On Linux >= 5.7, EINVAL from clone3 with CLONE_INTO_CGROUP is an answer about the
            // cgroup, not about clone3: the spawn fails with it, no fallback.
            clone3_fails_with(libc::EINVAL as u32);
            let err = run(Stack::new().unwrap().with_cgroup(root_dir()), &["/bin/true"]);
            assert_refused(err.unwrap_err(), Errno::INVAL, false, "EINVAL under seccomp");
        }
        other => panic!("unknown role {other}"),
    }
    println!("RESULT ok {role}");
}

#[test]
fn every_rung_with_a_cgroup() {
    if let Ok(role) = std::env::var(ROLE) {
        return rung_role(&role);
    }
    // The values the engine honours (any other is ignored).
    let forced = std::env::var("ASPAWN_CLONE_MODE")
        .is_ok_and(|m| ["clone3-clear-sighand", "clone3", "legacy"].contains(&m.as_str()));
    for role in ["clone3", "legacy", "seccomp-ENOSYS", "seccomp-EPERM", "seccomp-EINVAL"] {
        if forced && role.starts_with("seccomp") {
            eprintln!("{role} skipped: ASPAWN_CLONE_MODE forces a rung, so nothing falls back");
            continue;
        }
        let out = rerun("every_rung_with_a_cgroup", role);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{role}: {:?}", out.status);
        assert!(stdout.contains(&format!("RESULT ok {role}")), "{role}: {stdout}");
    }
}
