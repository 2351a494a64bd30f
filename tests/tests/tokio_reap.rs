//! Orphans of the tokio API are reaped: dropped `AsyncChild`s and cancelled `output_async`,
//! `status_async` and `spawn_async` futures leave no zombie behind (tokio reaps its orphans too).
//!
//! One test in its own binary: it counts every child of this process, so no other test may run
//! beside it.

use std::time::{Duration, Instant};

use aspawn::Command;

/// Our children as `(pid, state)`, from `/proc/*/stat` (field 3 is the state, field 4 the ppid).
fn children() -> Vec<(u32, char)> {
    let me = std::process::id();
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else { continue };
        let mut f = rest.split_whitespace();
        let state = f.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid: u32 = f.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        if ppid == me {
            v.push((pid, state));
        }
    }
    v
}

/// Lets the runtime run until we have no child left (every one exited and was reaped), or
/// 5 s have passed; gives the zombies left (0 when none is left at all).
async fn zombies_after_exit() -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let kids = children();
        if kids.is_empty() {
            return 0;
        }
        if Instant::now() > deadline {
            eprintln!("children left: {kids:?}");
            return kids.iter().filter(|(_, s)| *s == 'Z').count();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A command whose children all wait for end of file on a pipe we hold: none can exit before
/// [`Gate::open`], so every timeout below fires while its child runs.
struct Gate {
    cmd: Command,
    w: Option<std::io::PipeWriter>,
}

impl Gate {
    fn new() -> Gate {
        let (r, w) = std::io::pipe().unwrap();
        let mut cmd = Command::new("head");
        cmd.args(["-c", "1"]).stdin(r);
        Gate { cmd, w: Some(w) }
    }

    /// Lets every child of the gate exit.
    fn open(&mut self) {
        self.w = None;
    }
}

#[test]
fn dropped_and_cancelled_children_leave_no_zombie() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        assert!(children().is_empty(), "{:?}", children());

        // 20 dropped children, spawned and dropped before they can exit.
        let mut gate = Gate::new();
        for _ in 0..20 {
            let child = gate.cmd.spawn_async().await.unwrap();
            drop(child);
        }
        gate.open();
        assert_eq!(zombies_after_exit().await, 0, "dropped AsyncChilds left zombies");

        // 50 `output_async` futures cancelled by a timeout, at different points: before the
        // exec (0 µs: polled once), while the output is read. No child can finish first.
        let mut gate = Gate::new();
        for i in 0..50u64 {
            let r =
                tokio::time::timeout(Duration::from_micros(i * 100), gate.cmd.output_async()).await;
            assert!(r.is_err(), "a gated child finished");
        }
        gate.open();
        assert_eq!(zombies_after_exit().await, 0, "cancelled output_async futures left zombies");

        // The same for `status_async` and `spawn_async` (a spawn that completes in time gives
        // an `AsyncChild`, dropped at once).
        let mut gate = Gate::new();
        for i in 0..20u64 {
            let r =
                tokio::time::timeout(Duration::from_micros(i * 100), gate.cmd.status_async()).await;
            assert!(r.is_err(), "a gated child finished");
            let r =
                tokio::time::timeout(Duration::from_micros(i * 20), gate.cmd.spawn_async()).await;
            drop(r);
        }
        gate.open();
        assert_eq!(zombies_after_exit().await, 0, "cancelled status/spawn futures left zombies");
    });

    // Dropped with no runtime current: queued, and reaped by the next spawn of the tokio API.
    let other = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut child = other.block_on(Command::new("sleep").arg("0.05").spawn_async()).unwrap();
    drop(other);
    let pidfd = child.as_inner().pidfd().unwrap().try_clone_to_owned().unwrap();
    drop(child); // still running: nothing can reap it now
    let mut fds = [rustix::event::PollFd::new(&pidfd, rustix::event::PollFlags::IN)];
    assert_eq!(rustix::event::poll(&mut fds, None).unwrap(), 1);
    assert_eq!(children().iter().filter(|(_, s)| *s == 'Z').count(), 1, "{:?}", children());
    rt.block_on(async {
        assert!(Command::new("true").status_async().await.unwrap().success());
        assert_eq!(
            zombies_after_exit().await,
            0,
            "a child dropped outside a runtime stayed a zombie"
        );
    });
}
