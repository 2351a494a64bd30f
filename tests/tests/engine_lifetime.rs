//! How long a stack stays the child's: a grandchild made with `Ctx::spawn` keeps it (even when
//! its parent is killed), a grandchild killed before exec is a failure, and the handle of a
//! released or dropped child stays usable (no panic, no zombie, no leaked mapping).
//!
//! Hand-written children (as in `engine_nested.rs`) drive `Ctx::spawn::<F>` directly.

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;
use std::time::Duration;

use aspawn::{Fd, Stack, StackPool};
use aspawn_tests::{exit_with, hand_child, hand_spawn};

// Closes its copy of the gate's write end, blocks on `gate` (until the test writes a byte or
// exits), then exits 0.
hand_child!(gated_exit, |cx, (gate: Fd, gate_w: Fd)| -> i32 {
    let _ = cx.close(gate_w);
    let mut b = [0u8; 1];
    let _ = cx.read(gate, &mut b);
    0
});

// Says it runs (a byte on `ready`), then as `gated_exit`.
hand_child!(ready_gated_exit, |cx, (ready: Fd, gate: Fd, gate_w: Fd)| -> i32 {
    let _ = cx.close(gate_w);
    let _ = cx.write(ready, b"r");
    let mut b = [0u8; 1];
    let _ = cx.read(gate, &mut b);
    0
});

// Spawns `gated_exit(gate)` as a grandchild and exits with 0 once it returns (if it ever does).
hand_child!(spawns_gated, |cx, (ready: Fd, gate: Fd, gate_w: Fd)| -> i32 {
    match cx.spawn::<ready_gated_exit>((ready, gate, gate_w)) {
        Ok(_) => 0,
        Err(f) => f.errno().raw_os_error(),
    }
});

// The grandchild of `spawns_killer`: spawns `gated_exit(gate)` below itself.
hand_child!(spawns_gated_then_dies, |cx, (gate: Fd, gate_w: Fd)| -> i32 {
    let _ = cx.spawn::<kills_parent_then_waits>((gate, gate_w));
    0
});

// The great-grandchild: kills its parent (`spawns_gated_then_dies`, suspended in CLONE_VFORK),
// then blocks on `gate`.
hand_child!(kills_parent_then_waits, |cx, (gate: Fd, gate_w: Fd)| -> i32 {
    let _ = cx.close(gate_w);
    if let Ok(ppid) = cx.getppid() {
        let _ = cx.kill(ppid, libc::SIGKILL);
    }
    let mut b = [0u8; 1];
    let _ = cx.read(gate, &mut b);
    0
});

// Child -> grandchild -> great-grandchild; the great-grandchild kills the grandchild and blocks.
// The child exits 0 once its `spawn` returns.
hand_child!(spawns_killer, |cx, (gate: Fd, gate_w: Fd)| -> i32 {
    let _ = cx.spawn::<spawns_gated_then_dies>((gate, gate_w));
    0
});

// A grandchild that dies of SIGKILL before it execs.
hand_child!(kills_itself, |cx, ()| -> i32 {
    if let Ok(pid) = cx.getpid() {
        let _ = cx.kill(pid, libc::SIGKILL);
    }
    3
});

// Exits 100 if `Ctx::spawn` said the self-killing grandchild was fine, else the failure's errno.
hand_child!(spawns_self_killer, |cx, ()| -> i32 {
    match cx.spawn::<kills_itself>(()) {
        Ok(_) => 100,
        Err(f) => f.errno().raw_os_error(),
    }
});

// Spawns a grandchild that exits at once.
hand_child!(spawns_quick, |cx, ()| -> i32 {
    match cx.spawn::<exit_with>((0,)) {
        Ok(_) => 0,
        Err(f) => f.errno().raw_os_error(),
    }
});

/// Waits (up to a minute) until `pidfd` is readable: the process has exited.
fn wait_exit(pidfd: BorrowedFd<'_>) {
    let mut fds = [rustix::event::PollFd::new(&pidfd, rustix::event::PollFlags::IN)];
    let ts = rustix::event::Timespec { tv_sec: 60, tv_nsec: 0 };
    assert_eq!(rustix::event::poll(&mut fds, Some(&ts)).unwrap(), 1, "the child did not exit");
}

/// Item: the child waits in `CLONE_VFORK` while its grandchild runs on the same stack; killing
/// the child (the documented remedy for a stuck one) must not hand the stack back while the
/// grandchild still runs on it. The grandchild is forced to outlive the child: it blocks on a pipe
/// only the test writes to, and the test kills the child and waits for its exit first.
#[test]
fn a_killed_child_does_not_release_the_stack_under_its_grandchild() {
    for _ in 0..5 {
        let (gate_r, mut gate_w) = std::io::pipe().unwrap();
        let (mut ready_r, ready_w) = std::io::pipe().unwrap();
        let mut spawned = hand_spawn::<spawns_gated, _>(
            Stack::new().unwrap().with_pidfd(),
            (&ready_w, &gate_r, &gate_w),
        )
        .unwrap();
        // The grandchild runs (it wrote its byte) and blocks on `gate`: kill its parent.
        let mut b = [0u8; 1];
        ready_r.read_exact(&mut b).unwrap();
        spawned.kill().unwrap();
        wait_exit(spawned.pidfd().unwrap());
        // The child is dead; its grandchild is blocked on `gate` and still runs on the stack.
        assert!(spawned.try_released().is_none(), "released while the grandchild runs");
        let spawned = match spawned.wait_released_timeout(Duration::from_millis(200)) {
            Ok(_) => panic!("released while the grandchild still runs on the stack"),
            Err(s) => s,
        };
        // Let the grandchild go: it reads its byte and exits; now the stack is free.
        gate_w.write_all(b"x").unwrap();
        let (mut child, _stack) = match spawned.wait_released_timeout(Duration::from_secs(60)) {
            Ok(r) => r.unwrap(),
            Err(_) => panic!("not released after the grandchild exited"),
        };
        assert_eq!(child.wait().unwrap().signal_or_code(), (Some(libc::SIGKILL), None));
    }
}

/// The same through `Spawned::wait`, which reaps the child first: the killed child's exit must
/// not hand the stack back while its grandchild still runs on it.
#[test]
fn wait_after_a_killed_child_returns_the_stack_only_after_its_grandchild() {
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let (mut ready_r, ready_w) = std::io::pipe().unwrap();
    let spawned = hand_spawn::<spawns_gated, _>(
        Stack::new().unwrap().with_pidfd(),
        (&ready_w, &gate_r, &gate_w),
    )
    .unwrap();
    let mut b = [0u8; 1];
    ready_r.read_exact(&mut b).unwrap();
    spawned.kill().unwrap();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let released = spawned.wait();
        done_tx.send(()).unwrap();
        released
    });
    // The child is reaped by `wait`; its grandchild is blocked on `gate`, still on the stack.
    assert!(
        done_rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "wait returned while the grandchild still runs on the stack"
    );
    gate_w.write_all(b"x").unwrap();
    let (mut child, _stack) = waiter.join().unwrap().unwrap();
    assert_eq!(child.wait().unwrap().signal_or_code(), (Some(libc::SIGKILL), None));
}

/// One level deeper: the great-grandchild kills the grandchild (its parent, suspended in
/// `CLONE_VFORK`), which resumes the child while the great-grandchild still runs on the stack.
/// Neither the child's `spawn` may return nor the stack be released until it is gone.
#[test]
fn a_killed_grandchild_does_not_free_the_stack_under_its_own_child() {
    for _ in 0..5 {
        let (gate_r, mut gate_w) = std::io::pipe().unwrap();
        let spawned =
            hand_spawn::<spawns_killer, _>(Stack::new().unwrap(), (&gate_r, &gate_w)).unwrap();
        let spawned = match spawned.wait_released_timeout(Duration::from_millis(300)) {
            Ok(_) => panic!("released while the great-grandchild still runs on the stack"),
            Err(s) => s,
        };
        gate_w.write_all(b"x").unwrap();
        let (mut child, _stack) = match spawned.wait_released_timeout(Duration::from_secs(60)) {
            Ok(r) => r.unwrap(),
            Err(_) => panic!("not released after the great-grandchild exited"),
        };
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

/// The child may be killed at any point of its nested spawn, also before the grandchild exists or
/// in the middle of the clone: the stack must still come back once everything on it is gone
/// (never wait for a grandchild that was never made). Kills at varying delays to hit each point.
#[test]
fn killing_a_child_anywhere_in_its_nested_spawn_still_releases() {
    let mut stack = Stack::new().unwrap();
    for i in 0..300u32 {
        let spawned = hand_spawn::<spawns_quick, _>(stack, ()).unwrap();
        for _ in 0..(i % 30) * 50 {
            std::hint::spin_loop();
        }
        let _ = spawned.kill();
        stack = match spawned.wait_released_timeout(Duration::from_secs(60)) {
            Ok(Ok((mut c, s))) => {
                let _ = c.wait();
                s
            }
            Ok(Err(f)) => f.into_stack(),
            Err(_) => panic!("round {i}: never released"),
        };
    }
}

/// A grandchild killed by a signal before it execs is a failure of `Ctx::spawn`, not a pid.
#[test]
fn a_grandchild_killed_before_exec_is_a_failure() {
    for _ in 0..20 {
        let (mut child, _stack) = hand_spawn::<spawns_self_killer, _>(Stack::new().unwrap(), ())
            .unwrap()
            .wait_released()
            .unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(libc::EINTR), "100: spawn returned Ok(pid)");
    }
}

/// `Duration::MAX` means "no limit", as for std's `recv_timeout`.
#[test]
fn wait_released_timeout_accepts_huge_timeouts() {
    for t in [Duration::MAX, Duration::from_secs(u64::MAX / 2)] {
        let spawned = aspawn::spawn!(Stack::new().unwrap(), exit_with, (7)).unwrap();
        let (mut child, _) = match spawned.wait_released_timeout(t) {
            Ok(r) => r.unwrap(),
            Err(_) => panic!("timed out"),
        };
        assert_eq!(child.wait().unwrap().code(), Some(7));
    }
}

/// After `try_released` gave the release, the handle is spent but its methods still answer.
#[test]
fn a_spent_handle_does_not_panic() {
    let mut spawned = aspawn::spawn!(Stack::new().unwrap(), exit_with, (0)).unwrap();
    let (mut child, _) = loop {
        if let Some(r) = spawned.try_released() {
            break r.unwrap();
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    assert!(spawned.pidfd().is_none());
    assert_eq!(spawned.kill().unwrap_err().raw_os_error(), Some(libc::ESRCH));
    assert!(spawned.try_released().is_none());
    child.wait().unwrap();

    let mut pending = aspawn::Command::new("true").spawn_nowait().unwrap();
    let mut child = loop {
        if let Some(r) = pending.try_released() {
            break r.unwrap();
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    assert!(pending.pidfd().is_none());
    assert_eq!(pending.kill().unwrap_err().raw_os_error(), Some(libc::ESRCH));
    child.wait().unwrap();
}

/// The first address of `stack`'s mapping, from its `Debug` output.
fn base_of(stack: &Stack) -> usize {
    let s = format!("{stack:?}");
    let hex = s.split("base: 0x").nth(1).unwrap().split(|c: char| !c.is_ascii_hexdigit()).next();
    usize::from_str_radix(hex.unwrap(), 16).unwrap()
}

/// An unusual stack size, so that no other test's stack can take the same range.
const ODD_SIZE: usize = 77 * 4096;

/// Whether `stack`'s usable range (above its guard page) is mapped (`/proc/self/maps`).
fn mapped(base: usize) -> bool {
    let guard = if cfg!(target_arch = "aarch64") { 64 * 1024 } else { 4096 };
    let range = format!("{:x}-{:x} ", base + guard, base + guard + ODD_SIZE);
    std::fs::read_to_string("/proc/self/maps").unwrap().lines().any(|l| l.starts_with(&range))
}

/// The state letter of process `pid` (`None`: no such process).
fn proc_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

/// Drops an unreleased `Spawned` whose child blocks on a gate, lets the child exit, and returns
/// its pid and the stack's address once the child is a zombie (or already reaped by a sweep of
/// another test's spawn).
fn drop_unreleased() -> (i32, usize) {
    let (gate_r, mut gate_w) = std::io::pipe().unwrap();
    let stack = Stack::with_size(ODD_SIZE).unwrap();
    assert_eq!(stack.size(), ODD_SIZE);
    let base = base_of(&stack);
    let spawned = hand_spawn::<gated_exit, _>(stack, (&gate_r, &gate_w)).unwrap();
    let pid = spawned.pid();
    drop(spawned);
    assert!(mapped(base), "unmapped under a running child");
    gate_w.write_all(b"x").unwrap();
    for _ in 0..6000 {
        if matches!(proc_state(pid), Some('Z') | None) {
            return (pid, base);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("child {pid} did not exit");
}

/// The stack of a dropped, unreleased `Spawned` is unmapped and its child reaped by the next
/// spawn (or `StackPool::get`), not only when another unreleased `Spawned` is dropped.
#[test]
fn a_dropped_unreleased_spawn_is_swept_by_later_spawns() {
    let (pid, base) = drop_unreleased();
    let (mut c, _) =
        aspawn::spawn!(Stack::new().unwrap(), exit_with, (0)).unwrap().wait_released().unwrap();
    c.wait().unwrap();
    assert!(!mapped(base), "the stack of the dropped Spawned is still mapped");
    assert_ne!(proc_state(pid), Some('Z'), "the child of the dropped Spawned is a zombie");

    let pool = StackPool::new(Stack::DEFAULT_SIZE);
    let (pid, base) = drop_unreleased();
    drop(pool.get().unwrap());
    assert!(!mapped(base), "the stack of the dropped Spawned is still mapped");
    assert_ne!(proc_state(pid), Some('Z'), "the child of the dropped Spawned is a zombie");
}

trait SignalOrCode {
    fn signal_or_code(&self) -> (Option<i32>, Option<i32>);
}

impl SignalOrCode for std::process::ExitStatus {
    fn signal_or_code(&self) -> (Option<i32>, Option<i32>) {
        use std::os::unix::process::ExitStatusExt;
        (self.signal(), self.code())
    }
}
