//! Shared code for the benchmarks: the peers aspawn is measured against, the 1 GiB ballast,
//! and the two drivers every method goes through.
//!
//! Every method implements [`Spawner`]: [`Spawner::spawn`] is the call that holds the caller
//! (the only part the parent-blocked benchmarks time), [`Spawner::reap`] waits for the child
//! and collects it (never timed by them). The throughput benchmarks time both, one at a time
//! ([`serial`]) or with up to `depth` children in flight ([`pipelined`]).
//!
//! aspawn's cases are in [`ours`]. The peers spawn `/bin/true` with the parent's environment,
//! as aspawn's cases do:
//! - [`peers::Floor`] — a bare `clone(CLONE_VM | SIGCHLD)` whose child calls `exit(0)` at once,
//!   on a small mmap'd stack — the cost of creating a task that shares the parent's memory.
//! - [`peers::VforkExec`] — the `vfork` syscall, the child `execve`s (raw syscalls, no libc).
//! - [`peers::ForkExec`] — glibc `fork()`, the child `execve`s.
//! - [`peers::PosixSpawn`] — glibc `posix_spawn` (`clone(CLONE_VM | CLONE_VFORK)` inside).
//! - [`peers::StdCommand`] — `std::process::Command::spawn`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub mod ballast;
pub mod ours;
pub mod peers;
pub mod seed;
pub mod target;
pub mod tiny;

mod arch;

pub use ballast::Ballast;
pub use target::Target;

/// A way to start a process.
pub trait Spawner {
    /// What a started, not yet reaped child is known by.
    type InFlight;

    /// Starts one child. This is the call that holds the caller: the parent-blocked
    /// benchmarks time exactly this.
    fn spawn(&mut self) -> Self::InFlight;

    /// Waits for the child to exit, collects it and recycles whatever `spawn` used.
    /// Panics if the child did not run `/bin/true` to a zero exit status.
    fn reap(&mut self, child: Self::InFlight);
}

/// Parent-blocked time of `iters` spawns: the sum of the `spawn` calls alone, each child
/// reaped outside the measured region before the next spawn.
pub fn time_blocked<S: Spawner>(spawner: &mut S, iters: u64) -> Duration {
    let mut blocked = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        let child = spawner.spawn();
        blocked += start.elapsed();
        spawner.reap(child);
    }
    blocked
}

/// spawn → exec → reap of `n` children, one at a time.
pub fn serial<S: Spawner>(spawner: &mut S, n: usize) {
    for _ in 0..n {
        let child = spawner.spawn();
        spawner.reap(child);
    }
}

/// spawn → exec → reap of `n` children with up to `depth` of them in flight; the oldest is
/// reaped first when the window is full.
pub fn pipelined<S: Spawner>(spawner: &mut S, n: usize, depth: usize) {
    let mut window = VecDeque::with_capacity(depth);
    for _ in 0..n {
        if window.len() == depth {
            let oldest = window.pop_front().expect("the window is full");
            spawner.reap(oldest);
        }
        window.push_back(spawner.spawn());
    }
    while let Some(child) = window.pop_front() {
        spawner.reap(child);
    }
}

/// Waits for `pid` with `waitpid` and checks that it exited with status 0.
pub fn reap_pid(pid: libc::pid_t) {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid out-pointer; `pid` is our unreaped child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        assert!(err.kind() == std::io::ErrorKind::Interrupted, "waitpid({pid}): {err}");
    }
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child {pid} ended with wait status {status:#x}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ours::{AspawnFresh, AspawnReuse, AspawnStacks};
    use crate::peers::{Floor, FloorExec, ForkExec, PosixSpawn, StdCommand, VforkExec};

    /// Every method starts and reaps its children (`reap` checks the zero exit status),
    /// one at a time and pipelined. No timing is asserted.
    fn exercise<S: Spawner>(mut s: S) {
        let mut blocked = Duration::ZERO;
        blocked += time_blocked(&mut s, 3);
        assert!(blocked > Duration::ZERO);
        serial(&mut s, 3);
    }

    #[test]
    fn floor() {
        exercise(Floor::new());
        pipelined(&mut Floor::new(), 20, 8);
        exercise(FloorExec::bin_true());
        pipelined(&mut FloorExec::bin_true(), 20, 8);
    }

    #[test]
    fn peers_run_bin_true() {
        exercise(VforkExec(Target::bin_true()));
        exercise(ForkExec(Target::bin_true()));
        exercise(PosixSpawn(Target::bin_true()));
        exercise(StdCommand::bin_true());
        pipelined(&mut PosixSpawn(Target::bin_true()), 20, 8);
        pipelined(&mut StdCommand::bin_true(), 20, 8);
    }

    #[test]
    fn aspawn_runs_bin_true() {
        exercise(AspawnReuse::new());
        for (pidfd, release_fd) in [(true, false), (false, true), (true, true)] {
            exercise(AspawnReuse::with_options(pidfd, release_fd));
        }
        exercise(AspawnReuse::with_env_list());
        exercise(AspawnFresh);
        exercise(crate::ours::AspawnReuseNoEnv::new());
        pipelined(&mut AspawnStacks::new(8), 40, 8);
    }

    #[test]
    fn ballast_is_resident() {
        let b = Ballast::new(8 << 20);
        assert_eq!(b.len(), 8 << 20);
        exercise(ForkExec(Target::bin_true()));
    }

    #[test]
    fn tiny_exe_runs_and_exits_zero() {
        let tiny = crate::tiny::TinyExe::create().unwrap();
        exercise(PosixSpawn(Target::new(tiny.c_path(), &[c"exit0"])));
        exercise(StdCommand(std::process::Command::new(tiny.path())));
        exercise(crate::ours::AspawnReuse::with_program(tiny.c_path()));
        pipelined(&mut AspawnStacks::with_program(4, tiny.c_path()), 20, 4);
    }

    #[test]
    fn target_has_the_environment() {
        let t = Target::bin_true();
        assert_eq!(t.path(), c"/bin/true");
        // SAFETY: argv is NULL-terminated with one entry.
        unsafe {
            assert!(!(*t.argv()).is_null());
            assert!((*t.argv().add(1)).is_null());
        }
    }
}
