//! `Command::kill_on_drop`: a dropped `AsyncChild` of such a command is killed (through its
//! pidfd) and reaped; without it, the child keeps running.

use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use aspawn::{Command, Stdio};
use rustix::event::{PollFd, PollFlags};
use tokio::io::AsyncReadExt;

/// Our own copy of the child's pidfd: stays valid after the handle is gone.
fn pidfd_copy(child: &mut aspawn::AsyncChild) -> OwnedFd {
    child.pidfd().expect("Command takes a pidfd").try_clone_to_owned().unwrap()
}

/// Whether the process behind `pidfd` has exited (readable), waiting at most `ms`.
fn exited_within(pidfd: &OwnedFd, ms: i32) -> bool {
    let mut fds = [PollFd::new(pidfd, PollFlags::IN)];
    let timeout = rustix::event::Timespec {
        tv_sec: (ms / 1000).into(),
        tv_nsec: ((ms % 1000) * 1_000_000).into(),
    };
    rustix::event::poll(&mut fds, Some(&timeout)).unwrap() == 1
}

/// Lets the runtime run until `/proc/<pid>` is gone (exited and reaped), at most 5 s.
async fn reaped(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_child_with_kill_on_drop_is_killed_and_reaped() {
    let mut child =
        Command::new("sleep").arg("1000").kill_on_drop(true).spawn_async().await.unwrap();
    let pid = child.id().unwrap();
    let pidfd = pidfd_copy(&mut child);
    drop(child);
    assert!(exited_within(&pidfd, 5000), "sleep 1000 still runs after the drop");
    assert!(reaped(pid).await, "the killed child was not reaped");
}

#[tokio::test(flavor = "current_thread")]
async fn without_kill_on_drop_a_dropped_child_keeps_running() {
    let mut cmd = Command::new("sleep");
    cmd.arg("1000");
    let mut child = cmd.spawn_async().await.unwrap();
    let pidfd = pidfd_copy(&mut child);
    drop(child);
    assert!(!exited_within(&pidfd, 50), "the child died at the drop without kill_on_drop");
    rustix::process::pidfd_send_signal(&pidfd, rustix::process::Signal::KILL).unwrap();
    assert!(exited_within(&pidfd, 5000));
}

/// Covers tokio's `process_kill_on_drop`: the shell is killed at the drop and never prints its
/// last line, while what it started in the background is not killed and still writes.
#[tokio::test(flavor = "current_thread")]
async fn kill_on_drop_kills_the_child_only() {
    // `read` waits on a stdin we keep open: the shell reaches its last line only if it lives.
    // The background job writes once the shell is gone (killed and reaped), never before.
    let script = "(while kill -0 $$ 2>/dev/null; do sleep 0.01; done; echo background ran) & \
                  echo started; read x; echo survived";
    let mut child = Command::new("sh")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn_async()
        .await
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 8];
    out.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"started\n");
    drop(child);
    let mut rest = String::new();
    tokio::time::timeout(Duration::from_secs(5), out.read_to_string(&mut rest))
        .await
        .expect("stdout stayed open: the shell still runs")
        .unwrap();
    assert_eq!(rest, "background ran\n");
    drop(stdin);
}

/// A cancelled `output_async` of a `kill_on_drop` command kills its child too.
#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_output_kills_with_kill_on_drop() {
    // The child writes its pid to a file; the future is cancelled once it is running.
    let dir = std::env::temp_dir().join(format!("aspawn-kod-{}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &format!("echo $$ > {}; exec sleep 1000", dir.display())]).kill_on_drop(true);
    let mut fut = Box::pin(cmd.output_async());
    let deadline = Instant::now() + Duration::from_secs(5);
    let pid: u32 = loop {
        tokio::select! {
            _ = &mut fut => panic!("sleep 1000 finished"),
            _ = tokio::time::sleep(Duration::from_millis(5)) => {}
        }
        if let Ok(s) = std::fs::read_to_string(&dir)
            && let Ok(pid) = s.trim().parse()
        {
            break pid;
        }
        assert!(Instant::now() < deadline, "the child never started");
    };
    let _ = std::fs::remove_file(&dir);
    let pidfd = rustix::process::pidfd_open(
        rustix::process::Pid::from_raw(pid as i32).unwrap(),
        rustix::process::PidfdFlags::empty(),
    )
    .unwrap();
    drop(fut);
    assert!(exited_within(&pidfd, 5000), "the cancelled command still runs");
    assert!(reaped(pid).await, "the killed child was not reaped");
}
