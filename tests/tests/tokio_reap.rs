//! Orphans of the tokio API are reaped: dropped `AsyncChild`s and cancelled `output_async`,
//! `status_async` and `spawn_async` futures leave no zombie behind (tokio reaps its orphans too).
//!
//! One test in its own binary: it counts every child of this process, so no other test may run
//! beside it.

use std::time::{Duration, Instant};

use std::os::fd::AsRawFd;

use aspawn::{Command, Ctx, Failure, Fd, ResultExt};

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

/// Before its exec, the child closes its copy of the gate's write end and waits for end of file
/// on the read end: it cannot exec (be released) until the parent drops its write end.
#[aspawn::child]
fn wait_at_gate(cx: &Ctx, r: Fd, w: Fd) -> Result<(), Failure> {
    cx.close(w).context("close")?;
    let mut b = [0u8; 1];
    cx.read(r, &mut b).context("read")?;
    Ok(())
}

/// Like [`Gate`], but the children wait before their exec.
struct ExecGate {
    cmd: Command,
    _r: std::io::PipeReader,
    w: Option<std::io::PipeWriter>,
}

impl ExecGate {
    fn new(program: &str, arg: &str) -> ExecGate {
        let (r, w) = std::io::pipe().unwrap();
        let mut cmd = Command::new(program);
        cmd.arg(arg)
            .child_hook(wait_at_gate, (Fd::from_raw(r.as_raw_fd()), Fd::from_raw(w.as_raw_fd())));
        ExecGate { cmd, _r: r, w: Some(w) }
    }

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

        // Futures cancelled before their child's exec (it waits at the gate, so every one is):
        // the children are reaped once they have exec'd and exited.
        let mut gate = ExecGate::new("sleep", "0");
        for i in 0..10u64 {
            let r =
                tokio::time::timeout(Duration::from_micros(i * 100), gate.cmd.output_async()).await;
            assert!(r.is_err(), "a gated child finished");
            let r =
                tokio::time::timeout(Duration::from_micros(i * 100), gate.cmd.spawn_async()).await;
            assert!(r.is_err(), "a gated child was released");
        }
        gate.open();
        assert_eq!(zombies_after_exit().await, 0, "futures cancelled before the exec left zombies");

        // The same with `kill_on_drop`: killed before their exec (the gate stays closed).
        let mut gate = ExecGate::new("sleep", "1000");
        gate.cmd.kill_on_drop(true);
        for i in 0..10u64 {
            let r =
                tokio::time::timeout(Duration::from_micros(i * 100), gate.cmd.status_async()).await;
            assert!(r.is_err(), "a gated child finished");
        }
        assert_eq!(zombies_after_exit().await, 0, "children killed before the exec left zombies");
        assert!(children().is_empty(), "not killed: {:?}", children());
        gate.open();

        // With `kill_on_drop`, cancelled futures kill their children (before or after the exec)
        // and reap them: `sleep 1000` never ends by itself.
        for i in 0..10u64 {
            let mut cmd = Command::new("sleep");
            cmd.arg("1000").kill_on_drop(true);
            let r = tokio::time::timeout(Duration::from_micros(i * 300), cmd.output_async()).await;
            assert!(r.is_err());
        }
        assert_eq!(zombies_after_exit().await, 0, "killed children left zombies");
        assert!(children().is_empty(), "not killed: {:?}", children());
    });

    // Dropped with no runtime current: queued, and reaped by the next spawn of the tokio API.
    let other = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let child = other.block_on(Command::new("sleep").arg("0.05").spawn_async()).unwrap();
    drop(other);
    let pidfd = child.pidfd().unwrap().try_clone_to_owned().unwrap();
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
