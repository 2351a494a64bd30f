//! Throughput: spawn → exec → reap, timed end to end, reported as spawns per second. Each
//! measured iteration is a batch of [`BATCH`] spawns and each method runs ten such samples, so
//! every method spawns 10,000 children in the measured part (plus its warm-up).
//!
//! - `throughput_serial`: `/bin/true`, the next child started only once the previous one is
//!   reaped.
//! - `throughput_pipelined`: `/bin/true`, up to [`DEPTH`] children in flight, the oldest reaped
//!   first when the window is full.
//! - `throughput_pipelined_exit0`: the same with a 129-byte static program that only calls
//!   `exit(0)` (see `aspawn_benches::tiny`): `/bin/true`'s dynamic loading dominates its cost
//!   on this project's VM and hides the spawning machinery's own.
//! - `throughput_serial_1GiB`: the serial case with a 1 GiB resident parent, in batches of
//!   [`BATCH_1GIB`] (fork takes milliseconds there).

use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use aspawn_benches::ours::{AspawnReuse, AspawnStacks};
use aspawn_benches::peers::{ForkExec, PosixSpawn, StdCommand, VforkExec};
use aspawn_benches::tiny::TinyExe;
use aspawn_benches::{Ballast, Spawner, Target, ballast::GIB, pipelined, serial};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

/// Spawns per measured iteration.
const BATCH: usize = 1000;
/// Spawns per measured iteration with the 1 GiB parent, where fork takes milliseconds.
const BATCH_1GIB: usize = 100;
/// Children in flight at most, in the pipelined group.
const DEPTH: usize = 64;

/// Ten flat samples of `batch` spawns; `secs` is about ten batches' time, so that each sample
/// is one batch.
fn configure(g: &mut BenchmarkGroup<'_, WallTime>, batch: usize, secs: u64) {
    g.throughput(Throughput::Elements(batch as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(secs));
}

fn serial_one<S: Spawner>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    batch: usize,
    mut spawner: S,
) {
    g.bench_function(id, |b| b.iter(|| serial(&mut spawner, batch)));
}

fn pipelined_one<S: Spawner>(g: &mut BenchmarkGroup<'_, WallTime>, id: &str, mut spawner: S) {
    g.bench_function(id, |b| b.iter(|| pipelined(&mut spawner, BATCH, DEPTH)));
}

fn throughput_serial(c: &mut Criterion) {
    let mut g = c.benchmark_group("throughput_serial");
    configure(&mut g, BATCH, 8);
    serial_methods(&mut g, BATCH);
    g.finish();
}

fn serial_methods(g: &mut BenchmarkGroup<'_, WallTime>, batch: usize) {
    serial_one(g, "aspawn_reuse", batch, AspawnReuse::new());
    serial_one(g, "vfork_exec", batch, VforkExec(Target::bin_true()));
    serial_one(g, "posix_spawn", batch, PosixSpawn(Target::bin_true()));
    serial_one(g, "std_command", batch, StdCommand::bin_true());
    serial_one(g, "fork_exec", batch, ForkExec(Target::bin_true()));
}

/// One at a time again, with a 1 GiB resident parent (see the parent-blocked benchmark).
fn throughput_serial_1gib(c: &mut Criterion) {
    let ballast = Ballast::new(GIB);
    let mut g = c.benchmark_group("throughput_serial_1GiB");
    configure(&mut g, BATCH_1GIB, 2);
    serial_methods(&mut g, BATCH_1GIB);
    g.finish();
    drop(ballast);
}

fn throughput_pipelined(c: &mut Criterion) {
    let mut g = c.benchmark_group("throughput_pipelined");
    configure(&mut g, BATCH, 5);
    pipelined_methods(&mut g, c"/bin/true");
    g.finish();
}

fn throughput_pipelined_exit0(c: &mut Criterion) {
    let tiny = TinyExe::create().expect("write the exit(0) program to the temp dir");
    let mut g = c.benchmark_group("throughput_pipelined_exit0");
    configure(&mut g, BATCH, 2);
    pipelined_methods(&mut g, tiny.c_path());
    g.finish();
}

fn pipelined_methods(g: &mut BenchmarkGroup<'_, WallTime>, prog: &CStr) {
    let path = Path::new(OsStr::from_bytes(prog.to_bytes()));
    pipelined_one(g, "aspawn_64_stacks", AspawnStacks::with_program(DEPTH, prog));
    pipelined_one(g, "posix_spawn", PosixSpawn(Target::new(prog, &[prog])));
    pipelined_one(g, "std_command", StdCommand(Command::new(path)));
    // std's best effort at parallelism: two threads (one per core), each with half the
    // batch and half the window.
    let mut pair = [StdCommand(Command::new(path)), StdCommand(Command::new(path))];
    g.bench_function("std_command_2_threads", |b| {
        b.iter(|| {
            thread::scope(|s| {
                for spawner in &mut pair {
                    s.spawn(|| pipelined(spawner, BATCH / 2, DEPTH / 2));
                }
            })
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = throughput_serial, throughput_pipelined, throughput_pipelined_exit0, throughput_serial_1gib
}
criterion_main!(benches);
