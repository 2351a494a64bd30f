//! `Child::wait_timeout`: the exit within a time limit, with the child's pidfd, a private
//! one, or none (a temporary `pidfd_open`), and under a rain of signals (`EINTR`).

use std::os::unix::process::ExitStatusExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aspawn::{Argv, CStrRef, ChildResult, Command, Ctx, Envp, ResultExt, Stack};

/// The ways a `Child` can be made: with its pidfd shown, with the `Command`'s private pidfd,
/// without one (`create_pidfd(false)`), and `spawn!` without one.
fn spawn(how: usize, argv: &[&str]) -> aspawn::Child {
    #[aspawn::child]
    fn exec(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
        cx.restore_sigmask().context("sigprocmask")?;
        cx.execvp(prog, argv, envp).context("execvp")
    }
    let mut cmd = Command::new(argv[0]);
    cmd.args(&argv[1..]);
    match how {
        0 => cmd.create_pidfd(true).spawn().unwrap(),
        1 => cmd.spawn().unwrap(),
        2 => cmd.create_pidfd(false).spawn().unwrap(),
        _ => {
            let s = aspawn::spawn!(Stack::new().unwrap(), exec, (argv[0], argv, Envp::inherit()))
                .unwrap();
            s.wait_released().unwrap().0
        }
    }
}

const HOWS: [&str; 4] = ["own pidfd", "private pidfd", "no pidfd", "spawn! without pidfd"];

#[test]
fn a_quick_child_gives_its_status() {
    for (how, name) in HOWS.iter().enumerate() {
        let mut child = spawn(how, &["sh", "-c", "exit 6"]);
        let st = child.wait_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(st.and_then(|s| s.code()), Some(6), "{name}");
        // Reaped: the same status again, at once, like `wait`.
        assert_eq!(child.wait_timeout(Duration::ZERO).unwrap().unwrap().code(), Some(6), "{name}");
        assert_eq!(child.wait().unwrap().code(), Some(6), "{name}");
    }
}

#[test]
fn a_running_child_times_out_and_stays_waitable() {
    for (how, name) in HOWS.iter().enumerate() {
        let mut child = spawn(how, &["sleep", "5"]);
        let limit = Duration::from_millis(50);
        let start = Instant::now();
        assert!(child.wait_timeout(limit).unwrap().is_none(), "{name}");
        // Never `None` before the time is up.
        assert!(start.elapsed() >= limit, "{name}: returned after {:?}", start.elapsed());
        assert!(child.wait_timeout(Duration::ZERO).unwrap().is_none(), "{name}");
        assert!(child.try_wait().unwrap().is_none(), "{name}");
        child.kill().unwrap();
        let st = child.wait_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(st.and_then(|s| s.signal()), Some(libc::SIGKILL), "{name}");
    }
}

extern "C" fn on_usr1(_: libc::c_int) {}

/// A thread sends `SIGUSR1` (a handler without `SA_RESTART`, so `poll` fails with `EINTR`) to
/// the waiting thread every millisecond: the wait neither fails with `Interrupted` nor gives
/// up before its time, and still sees the exit.
#[test]
fn signals_do_not_cut_the_wait_short() {
    // SAFETY: installs a handler that does nothing, with `sa_flags` 0 (no `SA_RESTART`).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as *const () as usize;
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    for (how, name) in HOWS.iter().enumerate() {
        // SAFETY: `pthread_self` has no preconditions.
        let me = unsafe { libc::pthread_self() } as usize;
        let stop = Arc::new(AtomicBool::new(false));
        let rain = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut sent = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    // SAFETY: the waiting thread outlives this one (joined below).
                    unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR1) };
                    sent += 1;
                    std::thread::sleep(Duration::from_millis(1));
                }
                sent
            })
        };
        let mut child = spawn(how, &["sleep", "5"]);
        let limit = Duration::from_millis(200);
        let start = Instant::now();
        let r = child.wait_timeout(limit);
        let waited = start.elapsed();
        let mut quick = spawn(how, &["sh", "-c", "sleep 0.2; exit 7"]);
        let q = quick.wait_timeout(Duration::from_secs(60));
        stop.store(true, Ordering::Relaxed);
        let sent = rain.join().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(sent > 10, "{name}: only {sent} signals");
        assert!(r.as_ref().is_ok_and(Option::is_none), "{name}: {r:?}");
        assert!(waited >= limit, "{name}: gave up after {waited:?}");
        assert_eq!(q.unwrap().and_then(|s| s.code()), Some(7), "{name}");
    }
}
