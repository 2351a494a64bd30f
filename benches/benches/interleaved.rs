//! Parent-blocked time per spawn of `/bin/true`, every method in the same rounds: 7 rounds,
//! each running every method for 800 spawns in turn, the figure of a method being the median
//! of its 7 round medians. Criterion runs one method after the other, so a change of load on
//! this noisy 2-core VM moves whole rows; interleaving lets every method see the same load, and
//! the ratios to the exec floor hold even when the absolute figures drift.
//!
//! `cargo bench -p aspawn-benches --bench interleaved` (set `ASPAWN_C_LIB` to a shared build of
//! the C seed for its row; `ASPAWN_ROUNDS`/`ASPAWN_SPAWNS` change 7 and 800). It prints a
//! markdown table and writes it to `target/interleaved.md` (`$CARGO_TARGET_DIR` when set).

use std::time::Duration;

use aspawn_benches::ours::{AspawnCommand, AspawnReuse, AspawnReuseNoEnv};
use aspawn_benches::peers::{Floor, FloorClone3Exec, FloorExec, PosixSpawn, StdCommand, VforkExec};
use aspawn_benches::{Spawner, Target};

/// One method: its label and a closure timing `n` spawns one by one.
struct Row {
    label: &'static str,
    run: Box<dyn FnMut(usize) -> Vec<Duration>>,
    medians: Vec<Duration>,
}

fn row<S: Spawner + 'static>(label: &'static str, mut s: S) -> Row {
    let run = Box::new(move |n: usize| {
        (0..n)
            .map(|_| {
                let start = std::time::Instant::now();
                let child = s.spawn();
                let took = start.elapsed();
                s.reap(child);
                took
            })
            .collect()
    });
    Row { label, run, medians: Vec::new() }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing else we need:
    // run a token round there so that the binary is checked without taking a minute.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { env_usize("ASPAWN_ROUNDS", 7) };
    let spawns = if quick { 5 } else { env_usize("ASPAWN_SPAWNS", 800) };

    let mut rows = vec![
        row("floor: clone(CLONE_VM), child execs", FloorExec::bin_true()),
        row("floor: clone(CLONE_VM), child exits", Floor::new()),
        row("floor: clone3 with aspawn's flags, child execs", FloorClone3Exec::bin_true()),
    ];
    if let Some(seed) = aspawn_benches::seed::CSeed::from_env(Target::bin_true()) {
        rows.push(row("the C seed's `aspawn()`, child execs", seed));
    }
    rows.extend([
        row("aspawn `spawn!`, `EnvBlock` captured once (no fd)", AspawnReuse::with_env_block()),
        row(
            "aspawn `spawn!`, `EnvBlock`, reaped in two sleeps",
            AspawnReuse::with_env_block_released_first(),
        ),
        row("aspawn `spawn!`, envp from a prepared list (no fd)", AspawnReuse::with_env_list()),
        row("aspawn `spawn!`, `Envp::inherit()` (no fd)", AspawnReuse::new()),
        row("aspawn `spawn!`, empty envp (no fd)", AspawnReuseNoEnv::new()),
        row("aspawn `spawn!`, with_pidfd", AspawnReuse::with_options(true, false)),
        row("aspawn `spawn!`, with_release_fd", AspawnReuse::with_options(false, true)),
        row("aspawn::Command::spawn_nowait", AspawnCommand::bin_true()),
        row("vfork + execve", VforkExec(Target::bin_true())),
        row("glibc posix_spawn", PosixSpawn(Target::bin_true())),
        row("std Command::spawn", StdCommand::bin_true()),
    ]);
    for r in &mut rows {
        (r.run)(spawns.min(50)); // warm up: stacks mapped, code paged in
    }
    for _ in 0..rounds {
        for r in &mut rows {
            let mut times = (r.run)(spawns);
            r.medians.push(median(&mut times));
        }
    }
    let figures: Vec<Duration> = rows.iter_mut().map(|r| median(&mut r.medians)).collect();
    let floor = figures[0].as_secs_f64();
    let mut out = format!(
        "| method ({rounds} rounds × {spawns} spawns, median of round medians) | parent blocked | × exec floor |\n|---|---:|---:|\n"
    );
    for (r, f) in rows.iter().zip(&figures) {
        let us = f.as_secs_f64() * 1e6;
        out += &format!("| {} | {us:.2} µs | {:.2}× |\n", r.label, f.as_secs_f64() / floor);
    }
    print!("{out}");
    if !quick {
        let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
            std::path::PathBuf::from,
        );
        let path = dir.join("interleaved.md");
        if let Err(e) = std::fs::write(&path, &out) {
            eprintln!("could not write {}: {e}", path.display());
        } else {
            eprintln!("written to {}", path.display());
        }
    }
}
