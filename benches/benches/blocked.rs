//! Parent-blocked time per spawn of `/bin/true`: only the call that holds the caller is
//! timed, and every method is shown against the exec floor (`floor_clone_vm_exec`: a raw
//! `clone(CLONE_VM)` whose child raw-`execve`s `/bin/true`, the same child work); each child is waited for and reaped outside the measured region, before the next
//! spawn. Run twice: with the benchmark's own small heap (`parent_blocked`) and with a
//! 1 GiB resident parent (`parent_blocked_1GiB`), where fork must copy 262,144 page-table
//! entries and everything built on `CLONE_VM` should not notice.

use std::ffi::CString;
use std::time::Duration;

use aspawn::{Envp, ResultExt, Spawned, Stack};
use aspawn_benches::ours::{AspawnCommand, AspawnFresh, AspawnReuse, AspawnReuseNoEnv, reap_exec};
use aspawn_benches::peers::{
    Floor, FloorClone3Exec, FloorExec, ForkExec, PosixSpawn, StdCommand, VforkExec,
};
use aspawn_benches::{Ballast, Spawner, Target, ballast::GIB, time_blocked};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main};

fn bench<S: Spawner>(g: &mut BenchmarkGroup<'_, WallTime>, id: &str, mut spawner: S) {
    g.bench_function(id, |b| b.iter_custom(|iters| time_blocked(&mut spawner, iters)));
}

/// `aspawn_reuse`'s child written as a child closure: the same work (`restore_sigmask`, then
/// `execve("/bin/true", ["/bin/true"], the parent's environment)`), the same reused stack.
struct AspawnClosure {
    prog: CString,
    stack: Option<Stack>,
}

impl AspawnClosure {
    fn new() -> Self {
        AspawnClosure {
            prog: c"/bin/true".to_owned(),
            stack: Some(Stack::new().expect("Stack::new")),
        }
    }
}

impl Spawner for AspawnClosure {
    type InFlight = Spawned;

    #[inline]
    fn spawn(&mut self) -> Spawned {
        let stack = self.stack.take().expect("one child at a time");
        let prog = self.prog.as_c_str();
        let argv = [prog];
        let envp = Envp::inherit();
        aspawn::spawn!(stack, move |cx| {
            cx.restore_sigmask().context("sigprocmask")?;
            cx.execve(prog, argv, envp).context("execve")
        })
        .expect("aspawn::spawn!")
    }

    fn reap(&mut self, spawned: Spawned) {
        self.stack = Some(reap_exec(spawned));
    }
}

/// Every method, side by side. With `big_parent`, fork costs tens of milliseconds per spawn
/// and gets a small flat sample; the empty-environment variant of aspawn is left out there.
fn methods(g: &mut BenchmarkGroup<'_, WallTime>, big_parent: bool) {
    g.sample_size(100)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    bench(g, "floor_clone_vm", Floor::new());
    bench(g, "floor_clone_vm_exec", FloorExec::bin_true());
    bench(g, "floor_clone3_exec", FloorClone3Exec::bin_true());
    // The C library aspawn descends from, when `ASPAWN_C_LIB` names a shared build of it.
    if let Some(seed) = aspawn_benches::seed::CSeed::from_env(Target::bin_true()) {
        bench(g, "c_seed_aspawn", seed);
    }
    bench(g, "aspawn_reuse", AspawnReuse::new());
    bench(g, "aspawn_closure", AspawnClosure::new());
    bench(g, "aspawn_reuse_env_block", AspawnReuse::with_env_block());
    bench(g, "aspawn_reuse_env_list", AspawnReuse::with_env_list());
    bench(g, "aspawn_reuse_pidfd", AspawnReuse::with_options(true, false));
    bench(g, "aspawn_reuse_release_fd", AspawnReuse::with_options(false, true));
    bench(g, "aspawn_reuse_pidfd_release_fd", AspawnReuse::with_options(true, true));
    bench(g, "aspawn_fresh", AspawnFresh);
    if !big_parent {
        bench(g, "aspawn_reuse_empty_env", AspawnReuseNoEnv::new());
    }
    bench(g, "aspawn_command", AspawnCommand::bin_true());
    bench(g, "vfork_exec", VforkExec(Target::bin_true()));
    bench(g, "posix_spawn", PosixSpawn(Target::bin_true()));
    bench(g, "std_command", StdCommand::bin_true());
    if big_parent {
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
    }
    bench(g, "fork_exec", ForkExec(Target::bin_true()));
}

fn parent_blocked(c: &mut Criterion) {
    let mut g = c.benchmark_group("parent_blocked");
    methods(&mut g, false);
    g.finish();
}

fn parent_blocked_1gib(c: &mut Criterion) {
    let ballast = Ballast::new(GIB);
    let mut g = c.benchmark_group("parent_blocked_1GiB");
    methods(&mut g, true);
    g.finish();
    drop(ballast);
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = parent_blocked, parent_blocked_1gib
}
criterion_main!(benches);
