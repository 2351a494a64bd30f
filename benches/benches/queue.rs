//! A job queue on tokio: [`JOBS`] commands (`/bin/true`, streams to `/dev/null`), at most
//! [`IN_FLIGHT`] at a time, through three front doors side by side:
//!
//! - `aspawn`: `aspawn::Command::status_async` (release and exit awaited on the report pipe and
//!   the pidfd, in the reactor);
//! - `tokio_process`: `tokio::process::Command::status` (tokio's `posix_spawn`-based spawn on
//!   the calling worker, exit through its SIGCHLD/pidfd machinery);
//! - `std_blocking`: `std::process::Command::status` on tokio's blocking pool, the usual way to
//!   call std from async code.
//!
//! Reported as jobs per second.

use std::process::Stdio as StdStdio;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

/// Jobs per measured iteration.
const JOBS: usize = 200;
/// Jobs running at most at once.
const IN_FLIGHT: usize = 32;
const PROGRAM: &str = "/bin/true";

/// Runs `JOBS` jobs made by `job`, `IN_FLIGHT` at a time.
async fn queue<F, Fut>(job: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = std::io::Result<std::process::ExitStatus>> + Send + 'static,
{
    let mut running: JoinSet<std::io::Result<std::process::ExitStatus>> = JoinSet::new();
    for _ in 0..JOBS {
        if running.len() >= IN_FLIGHT
            && let Some(r) = running.join_next().await
        {
            assert!(r.expect("job task").expect("job").success());
        }
        running.spawn(job());
    }
    while let Some(r) = running.join_next().await {
        assert!(r.expect("job task").expect("job").success());
    }
}

async fn aspawn_job() -> std::io::Result<std::process::ExitStatus> {
    aspawn::Command::new(PROGRAM)
        .stdin(aspawn::Stdio::null())
        .stdout(aspawn::Stdio::null())
        .stderr(aspawn::Stdio::null())
        .status_async()
        .await
}

async fn tokio_job() -> std::io::Result<std::process::ExitStatus> {
    tokio::process::Command::new(PROGRAM)
        .stdin(StdStdio::null())
        .stdout(StdStdio::null())
        .stderr(StdStdio::null())
        .status()
        .await
}

async fn std_job() -> std::io::Result<std::process::ExitStatus> {
    tokio::task::spawn_blocking(|| {
        std::process::Command::new(PROGRAM)
            .stdin(StdStdio::null())
            .stdout(StdStdio::null())
            .stderr(StdStdio::null())
            .status()
    })
    .await
    .expect("blocking task")
}

fn bench(c: &mut Criterion) {
    let rt: Runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut g = c.benchmark_group("job_queue");
    g.throughput(Throughput::Elements(JOBS as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("aspawn", |b| b.iter(|| rt.block_on(queue(aspawn_job))));
    g.bench_function("tokio_process", |b| b.iter(|| rt.block_on(queue(tokio_job))));
    g.bench_function("std_blocking", |b| b.iter(|| rt.block_on(queue(std_job))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
