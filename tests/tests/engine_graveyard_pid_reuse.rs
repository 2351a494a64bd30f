//! A dropped, unreleased `Spawned` without a pidfd goes to the graveyard, which reaps the child
//! later. If a foreign reaper (a `waitpid` elsewhere in the program) takes the child first and
//! its pid is reused by another process of ours, the graveyard must not reap that process: its
//! owner's `wait` would get `ECHILD`, or worse, another child's status.
//!
//! The pid is reused on purpose through `/proc/sys/kernel/ns_last_pid` (root in our own pid
//! namespace); where that file cannot be written the test says so and checks nothing else.
//! Alone in its binary: it steals a child with `waitpid` and sets the next pid.

use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use aspawn::{Ctx, Fd, Stack};

/// Waits for a byte on `gate`, then exits with 3 (without exec).
#[aspawn::child]
fn wait_then_exit(cx: &Ctx, gate: Fd) -> i32 {
    let mut b = [0u8; 1];
    let _ = cx.read(gate, &mut b);
    3
}

#[aspawn::child]
fn exit_zero(_cx: &Ctx) -> i32 {
    0
}

/// The state letter of `/proc/<pid>/stat`, if the process exists.
fn state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

/// Makes the kernel's next pid in our namespace `pid` (best effort: another process may fork
/// in between, so the caller checks what it got).
fn next_pid_is(pid: i32) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/sys/kernel/ns_last_pid")?
        .write_all(format!("{}", pid - 1).as_bytes())
}

#[test]
fn the_graveyard_never_reaps_a_process_that_reused_a_stolen_pid() {
    let (r, mut w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(Stack::new().unwrap(), wait_then_exit, (r.as_fd())).unwrap();
    assert!(spawned.pidfd().is_none(), "the default spawn takes no pidfd");
    let pid = spawned.pid();
    drop(spawned); // unreleased: to the graveyard
    w.write_all(b"go").unwrap();

    // The foreign reaper takes it.
    let mut status = 0;
    // SAFETY: waitpid on a pid of ours with a valid out-pointer.
    let got = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(got, pid, "waitpid: {}", std::io::Error::last_os_error());
    assert_eq!(libc::WEXITSTATUS(status), 3);

    // Another child of ours takes the pid, and exits.
    let mut reused = None;
    for _ in 0..50 {
        if let Err(e) = next_pid_is(pid) {
            eprintln!("skipped: cannot set the next pid ({e}): pid reuse is not forced here");
            return;
        }
        let mut child =
            std::process::Command::new("/bin/sh").args(["-c", "exit 7"]).spawn().unwrap();
        if child.id() as i32 == pid {
            reused = Some(child);
            break;
        }
        child.wait().unwrap();
    }
    let mut child = reused.expect("the pid was reused within 50 tries");
    let deadline = Instant::now() + Duration::from_secs(10);
    while state(pid) != Some('Z') {
        assert!(Instant::now() < deadline, "the reusing child did not exit");
        std::thread::sleep(Duration::from_millis(1));
    }

    // Any spawn sweeps the graveyard; a few, so that every retry of the grave has run.
    for _ in 0..3 {
        let spawned = aspawn::spawn!(Stack::new().unwrap(), exit_zero, ()).unwrap();
        let (mut c, _) = spawned.wait_released().unwrap();
        c.wait().unwrap();
    }

    // The zombie is still the reusing child's, and its owner gets its status.
    let status = child.wait().expect("the child's own wait (ECHILD if the graveyard reaped it)");
    assert_eq!((status.code(), status.signal()), (Some(7), None));
}
