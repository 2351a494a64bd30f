//! Parent-blocked time per spawn of `/bin/true` as the inherited environment grows: about
//! 1 KB (the benchmark's own), 100 KB and 320 KB, made of 200-byte variables (500 and 1,600 of
//! them on top). Compares `spawn!` with `Envp::inherit()` (one reused 1 MiB stack),
//! `aspawn::Command::spawn_nowait` and `std::process::Command::spawn`. Every method reads the
//! environment under std's lock at each spawn (aspawn through `std::env::vars_os`); std passes
//! `environ` to its `posix_spawn` as is and waits for the child's `execve`.

use std::time::Duration;

use aspawn::{Argv, ChildResult, Ctx, Envp, Spawned, Stack};
use aspawn_benches::ours::AspawnCommand;
use aspawn_benches::peers::StdCommand;
use aspawn_benches::{Spawner, time_blocked};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

#[aspawn::child]
fn exec_true(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(c"/bin/true", argv, envp).context("execve")
}

/// `spawn!` with the parent's environment on one reused stack big enough for it.
struct SpawnMacro(Option<Stack>);

impl Spawner for SpawnMacro {
    type InFlight = Spawned;

    fn spawn(&mut self) -> Spawned {
        let stack = self.0.take().expect("one child at a time");
        aspawn::spawn!(stack, exec_true, (&["true"], Envp::inherit())).expect("spawn!")
    }

    fn reap(&mut self, spawned: Spawned) {
        let (mut child, stack) = spawned.wait_released().expect("exec /bin/true");
        assert!(child.wait().expect("wait").success());
        self.0 = Some(stack);
    }
}

fn bench<S: Spawner>(g: &mut BenchmarkGroup<'_, WallTime>, id: &str, mut spawner: S) {
    g.bench_function(id, |b| b.iter_custom(|iters| time_blocked(&mut spawner, iters)));
}

/// Adds `n` variables of 200 bytes each (`ASPAWN_BENCH_ENV_<i>=…`).
fn grow_environment(from: usize, to: usize) {
    for i in from..to {
        let key = format!("ASPAWN_BENCH_ENV_{i:05}");
        let value = "v".repeat(200 - key.len() - 2);
        // SAFETY: set on the main thread before any spawn of the group; nothing in this process
        // reads the environment without std's lock meanwhile.
        unsafe { std::env::set_var(key, value) };
    }
}

fn environment_size(c: &mut Criterion) {
    let mut g = c.benchmark_group("parent_blocked_env");
    g.sample_size(60)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let mut have = 0;
    for (label, extra) in [("1KB", 0), ("100KB", 500), ("320KB", 1600)] {
        grow_environment(have, extra);
        have = extra;
        let bytes: usize = std::env::vars_os().map(|(k, v)| k.len() + v.len() + 2).sum();
        eprintln!(
            "environment {label}: {bytes} bytes in {} variables",
            std::env::vars_os().count()
        );
        bench(
            &mut g,
            &format!("spawn_macro/{label}"),
            SpawnMacro(Some(Stack::with_size(1 << 20).unwrap())),
        );
        bench(&mut g, &format!("aspawn_command/{label}"), AspawnCommand::bin_true());
        bench(&mut g, &format!("std_command/{label}"), StdCommand::bin_true());
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = environment_size
}
criterion_main!(benches);
