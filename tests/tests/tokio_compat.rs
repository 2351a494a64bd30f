//! `aspawn::tokio`, used as a tokio user uses `tokio::process`: the code below is written against
//! tokio's names, with `use aspawn::tokio::Command` in place of `use tokio::process::Command`.
//! Each test names the tokio test (tokio/tests/process_*.rs) whose behaviour it checks; the code
//! is our own.

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use aspawn::tokio::{Child, ChildStdin, ChildStdout, Command};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Covers tokio's `process_smoke`: an id while running, the exit code, a fused `wait`, no id once
/// reaped, `kill` after the exit.
#[tokio::test]
async fn smoke_exit_code_and_id() {
    let mut child: Child = Command::new("sh").arg("-c").arg("exit 2").spawn().unwrap();
    assert!(child.id().expect("an id while running") > 0);
    assert_eq!(child.wait().await.unwrap().code(), Some(2));
    assert_eq!(child.wait().await.unwrap().code(), Some(2));
    assert_eq!(child.id(), None);
    // Killing a reaped child is not an error (as with tokio and std).
    child.kill().await.unwrap();
}

/// Covers tokio's `process_arg0`: `arg0` is what the program sees as `$0`.
#[tokio::test]
async fn arg0_is_seen_by_the_program() {
    let mut cmd = Command::new("sh");
    cmd.arg0("custom_zero").arg("-c").arg("echo $0");
    let out = cmd.output().await.unwrap();
    assert_eq!(out.stdout, b"custom_zero\n");
}

/// Covers tokio's `process_kill_on_drop`: dropping the child kills it, not what it started.
#[tokio::test]
async fn kill_on_drop_kills_the_dropped_child() {
    let mut cmd = Command::new("sh");
    // The background job writes once the shell is gone (killed and reaped), never before.
    cmd.args([
        "-c",
        "(while kill -0 $$ 2>/dev/null; do sleep 0.01; done; echo grandchild) & \
         echo up; read never; echo not killed",
    ]);
    assert!(!cmd.get_kill_on_drop());
    let mut child =
        cmd.kill_on_drop(true).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    assert!(cmd.get_kill_on_drop());
    let stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("up"));
    drop(child);
    let rest = tokio::time::timeout(Duration::from_secs(5), async {
        let mut v = Vec::new();
        while let Some(l) = lines.next_line().await.unwrap() {
            v.push(l);
        }
        v
    })
    .await
    .expect("the shell outlived its dropped handle");
    assert_eq!(rest, ["grandchild"]);
    drop(stdin);
}

/// Covers tokio's `process_issue_42`: children spawned in a runtime that is then dropped (the
/// children not awaited) do not deadlock the runtime's shutdown, ten times over.
#[test]
fn runtime_dropped_with_unawaited_children() {
    for _ in 0..10 {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let children: Vec<Child> = rt.block_on(async {
                (0..2)
                    .map(|i| {
                        Command::new("echo")
                            .arg(format!("child {i}"))
                            .stdin(Stdio::null())
                            .stdout(Stdio::null())
                            .stderr(Stdio::null())
                            .spawn()
                            .unwrap()
                    })
                    .collect()
            });
            drop(rt);
            drop(children);
            tx.send(()).unwrap();
        });
        rx.recv_timeout(Duration::from_secs(10)).expect("deadlocked");
    }
}

/// Covers tokio's `process_issue_2174`: a task blocked writing to a full stdin pipe fails
/// (broken pipe) once the child is killed, instead of hanging.
#[tokio::test]
async fn writer_to_a_killed_childs_full_stdin_fails() {
    let mut child = Command::new("sleep")
        .arg("1000")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin: ChildStdin = child.stdin.take().unwrap();
    let written = Arc::new(AtomicUsize::new(0));
    let count = written.clone();
    let writer = tokio::spawn(async move {
        let block = [0u8; 8192];
        loop {
            stdin.write_all(&block).await?;
            count.fetch_add(block.len(), Ordering::SeqCst);
        }
        #[allow(unreachable_code)]
        Ok::<(), std::io::Error>(())
    });
    // Nobody reads: the pipe (64 KiB by default, at most 1 MiB unprivileged) fills up and the
    // writer waits in the reactor. Wait until it has stopped making progress for a while.
    let mut last = usize::MAX;
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = written.load(Ordering::SeqCst);
        if now == last && now > 0 {
            break;
        }
        last = now;
    }
    child.kill().await.unwrap();
    let err = writer.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

/// Covers tokio's `process_change_of_runtime`: spawned in one runtime, awaited in another.
#[test]
fn spawned_in_one_runtime_waited_in_another() {
    let mut child = tokio::runtime::Runtime::new().unwrap().block_on(async {
        Command::new("true").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap()
    });
    let status = tokio::runtime::Runtime::new().unwrap().block_on(child.wait()).unwrap();
    assert!(status.success());
}

/// Covers tokio's `process_change_of_runtime` (its second test): a spawn with piped streams
/// outside any runtime panics with tokio's own message, as tokio's does.
#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_with_pipes_outside_a_runtime_panics() {
    let _ = Command::new("true").stdin(Stdio::piped()).stdout(Stdio::null()).spawn();
}

/// Covers tokio's `process_raw_handle` (Windows only there: the child's process handle). The
/// Linux counterpart is the pidfd: it names the same process as `id()`.
#[tokio::test]
async fn the_pidfd_names_the_child() {
    let mut cmd = Command::new("sleep");
    cmd.arg("1000").kill_on_drop(true);
    let mut child = cmd.spawn().unwrap();
    let id = child.id().unwrap();
    let fd = child.pidfd().expect("a pidfd");
    let info = std::fs::read_to_string(format!(
        "/proc/self/fdinfo/{}",
        std::os::fd::AsRawFd::as_raw_fd(&fd)
    ))
    .unwrap();
    let pid = info.lines().find_map(|l| l.strip_prefix("Pid:")).unwrap().trim();
    assert_eq!(pid, id.to_string());
    child.kill().await.unwrap();
}

/// Piped stdin and stdout, as tokio users write them.
#[tokio::test]
async fn piped_stdin_and_stdout() {
    let mut child =
        Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout: ChildStdout = child.stdout.take().unwrap();
    stdin.write_all(b"hello tokio user\n").await.unwrap();
    drop(stdin);
    let mut s = String::new();
    stdout.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "hello tokio user\n");
    assert!(child.wait().await.unwrap().success());
}

/// `output()` and `status()` are futures, joinable from temporaries.
#[tokio::test]
async fn output_and_status_futures() {
    let (out, status) = tokio::join!(
        Command::new("sh").args(["-c", "echo out; echo err >&2; exit 5"]).output(),
        Command::new("sh").args(["-c", "exit 6"]).status(),
    );
    let out = out.unwrap();
    assert_eq!(
        (out.status.code(), &out.stdout[..], &out.stderr[..]),
        (Some(5), &b"out\n"[..], &b"err\n"[..])
    );
    assert_eq!(status.unwrap().code(), Some(6));
}

/// `spawn` reports exec errors synchronously, as tokio's does.
#[tokio::test]
async fn spawn_reports_a_missing_program() {
    let e = Command::new("/nonexistent/program").spawn().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    let e = Command::new("/nonexistent/program").output().await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}

/// `start_kill`, `try_wait`, `kill().await`, `wait_with_output`.
#[tokio::test]
async fn kill_and_try_wait() {
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    assert!(child.try_wait().unwrap().is_none());
    child.start_kill().unwrap();
    assert_eq!(child.wait().await.unwrap().signal(), Some(9));
    assert!(child.try_wait().unwrap().is_some());

    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    child.kill().await.unwrap();
    assert_eq!(child.try_wait().unwrap().and_then(|s| s.signal()), Some(9));

    let child = Command::new("sh")
        .args(["-c", "read x; echo got $x"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // `wait_with_output` closes stdin first: `read` sees end of file.
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.stdout, b"got\n");
}

/// Builder setters and getters that tokio's `Command` has.
#[tokio::test]
async fn builder_setters() {
    let dir = std::env::temp_dir();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo $A:$B:$C; pwd"])
        .env("A", "1")
        .envs([("B", "2")])
        .env("C", "3")
        .env_remove("C")
        .current_dir(&dir)
        .stdout(Stdio::piped());
    assert_eq!(cmd.as_aspawn().get_program(), "sh");
    let out = cmd.output().await.unwrap();
    let want = format!("1:2:\n{}\n", dir.canonicalize().unwrap().display());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    let out =
        Command::new("sh").args(["-c", "echo ${HOME:-none}"]).env_clear().output().await.unwrap();
    assert_eq!(out.stdout, b"none\n");
}

/// A pipeline as tokio users build one: a tokio `ChildStdout` turned into a `Stdio`
/// (`try_into`) and given to the next command.
#[tokio::test]
async fn pipeline_through_try_into_stdio() {
    let mut first = Command::new("echo").arg("piped along").stdout(Stdio::piped()).spawn().unwrap();
    let pipe: Stdio = first.stdout.take().unwrap().try_into().unwrap();
    let out = Command::new("tr").args(["a-z", "A-Z"]).stdin(pipe).output().await.unwrap();
    assert_eq!(out.stdout, b"PIPED ALONG\n");
    assert!(first.wait().await.unwrap().success());
}

/// `status()` closes the pipes of streams set to `piped` right after the spawn, as tokio's
/// does: a child writing much to such a stdout gets `EPIPE` instead of blocking forever.
#[tokio::test]
async fn status_closes_piped_streams() {
    let status = tokio::time::timeout(
        Duration::from_secs(10),
        Command::new("head").args(["-c", "1000000", "/dev/zero"]).stdout(Stdio::piped()).status(),
    )
    .await
    .expect("the child blocked on a pipe nobody reads")
    .unwrap();
    assert!(!status.success());
}
