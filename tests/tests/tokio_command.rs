//! The `tokio` feature: releases, exits and pipes awaited in tokio's reactor.

use std::time::Duration;

use aspawn::{Argv, ChildResult, Command, Ctx, Envp, ResultExt, Stack, Stdio};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[aspawn::child]
fn run_true(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(c"/bin/true", argv, envp).context("execve")
}

#[aspawn::child]
fn fail_early(cx: &Ctx) -> ChildResult {
    cx.chdir(c"/nonexistent/dir").context("chdir")?;
    cx.exit(0)
}

#[tokio::test(flavor = "current_thread")]
async fn spawned_released_awaits_the_exec() {
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), run_true, (&["true"], Envp::inherit())).unwrap();
    let (mut child, _stack) = spawned.released().await.unwrap();
    assert!(child.wait_async().await.unwrap().success());
}

#[tokio::test(flavor = "current_thread")]
async fn spawned_released_reports_a_failure() {
    let spawned = aspawn::spawn!(Stack::new().unwrap(), fail_early, ()).unwrap();
    let failed = spawned.released().await.unwrap_err();
    assert_eq!(failed.step(), "chdir");
    assert_eq!(failed.errno(), aspawn::Errno::NOENT);
}

#[tokio::test(flavor = "current_thread")]
async fn child_wait_async_sees_the_exit_code() {
    let mut child =
        Command::new("sh").args(["-c", "sleep 0.05; exit 7"]).spawn_async().await.unwrap();
    assert_eq!(child.wait().await.unwrap().code(), Some(7));
}

#[tokio::test(flavor = "current_thread")]
async fn async_pipes_round_trip() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn_async()
        .await
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"through tokio").await.unwrap();
    drop(stdin);
    let mut s = String::new();
    child.stdout.take().unwrap().read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "through tokio");
    assert!(child.wait().await.unwrap().success());
}

#[tokio::test(flavor = "current_thread")]
async fn output_async_matches_output() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo out; echo err >&2; exit 2"]);
    let a = cmd.output_async().await.unwrap();
    let b = cmd.output().unwrap();
    assert_eq!(a, b);
}

#[tokio::test(flavor = "current_thread")]
async fn spawn_async_gives_std_errors() {
    let e = Command::new("/nonexistent/program").spawn_async().await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}

#[tokio::test(flavor = "current_thread")]
async fn the_reactor_keeps_running_while_children_run() {
    // A timer fires while a child sleeps: nothing blocks the only thread.
    let mut cmd = Command::new("sleep");
    cmd.arg("0.3");
    let wait = cmd.status_async();
    let timer = tokio::time::sleep(Duration::from_millis(20));
    tokio::pin!(wait);
    tokio::select! {
        _ = timer => {}
        _ = &mut wait => panic!("the child finished before a 20 ms timer"),
    }
    assert!(wait.await.unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_children() {
    let mut tasks = Vec::new();
    for i in 0..64 {
        tasks.push(tokio::spawn(async move {
            let out =
                Command::new("sh").args(["-c", &format!("echo {i}")]).output_async().await.unwrap();
            assert_eq!(out.stdout, format!("{i}\n").into_bytes());
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Both pipes carry far more than one read's worth (and more than a pipe buffer), interleaved,
/// so `output_async` must keep reading each across many wakeups without losing or reordering a
/// byte, and without one full pipe blocking the other.
#[tokio::test(flavor = "current_thread")]
async fn output_async_reads_large_interleaved_pipes_whole() {
    let script = "i=0; while [ $i -lt 3000 ]; do \
                  echo \"out line $i ................................\"; \
                  echo \"err line $i\" >&2; i=$((i+1)); done";
    let out = Command::new("sh").args(["-c", script]).output_async().await.unwrap();
    assert!(out.status.success());
    let expect_out: String =
        (0..3000).map(|i| format!("out line {i} ................................\n")).collect();
    let expect_err: String = (0..3000).map(|i| format!("err line {i}\n")).collect();
    assert!(expect_out.len() > 128 * 1024);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expect_out);
    assert_eq!(String::from_utf8(out.stderr).unwrap(), expect_err);
}

/// `AsyncChild::id` is tokio's: `Some` until the child is reaped, `None` after.
#[tokio::test(flavor = "current_thread")]
async fn id_is_none_once_reaped() {
    let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn_async().await.unwrap();
    let id = child.id().expect("running");
    assert!(id > 0);
    assert_eq!(child.wait().await.unwrap().code(), Some(3));
    assert_eq!(child.id(), None);
    // The wait is fused: the same status again.
    assert_eq!(child.wait().await.unwrap().code(), Some(3));
    let mut child = Command::new("true").spawn_async().await.unwrap();
    while child.try_wait().unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(child.id(), None);
}

/// The futures of `output_async`/`status_async`/`spawn_async` own what they need: built from
/// temporaries, joined, and sent to another task.
#[tokio::test(flavor = "current_thread")]
async fn async_futures_borrow_nothing() {
    let (one, two) = tokio::join!(
        Command::new("echo").arg("one").output_async(),
        Command::new("echo").arg("two").output_async(),
    );
    assert_eq!(one.unwrap().stdout, b"one\n");
    assert_eq!(two.unwrap().stdout, b"two\n");
    let status = tokio::spawn(Command::new("sh").args(["-c", "exit 4"]).status_async());
    assert_eq!(status.await.unwrap().unwrap().code(), Some(4));
    let spawn = tokio::spawn(Command::new("true").spawn_async());
    assert!(spawn.await.unwrap().unwrap().wait().await.unwrap().success());
}

/// An error that `Command::spawn` reports (a missing program) comes out of the future.
#[tokio::test(flavor = "current_thread")]
async fn output_async_reports_spawn_errors() {
    let e = Command::new("/nonexistent/program").output_async().await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    let e = Command::new("/nonexistent/program").status_async().await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}
