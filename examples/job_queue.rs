//! A parallel job queue: 1,000 short commands, at most 32 in flight, run with
//! `aspawn::Command` on tokio. No thread ever waits for a child's `execve` or exit: releases
//! and exits are awaited in tokio's reactor (report pipes and pidfds).
//!
//! ```text
//! cargo run --release --example job_queue            # 1,000 jobs, 32 in flight
//! cargo run --release --example job_queue -- 5000 64
//! ```

use std::io;
use std::time::Instant;

use aspawn::{Command, Stdio};
use tokio::task::JoinSet;

/// One job: `sh -c 'echo job N'`, its output collected.
async fn job(i: usize) -> io::Result<Vec<u8>> {
    let out = Command::new("sh")
        .args(["-c", "echo job $0", &i.to_string()])
        .stdin(Stdio::null())
        .output_async()
        .await?;
    if !out.status.success() {
        return Err(io::Error::other(format!("job {i} failed: {}", out.status)));
    }
    Ok(out.stdout)
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let jobs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let in_flight: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(32);

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let start = Instant::now();
        let mut running = JoinSet::new();
        let (mut done, mut bytes) = (0usize, 0usize);
        let mut finish =
            |r: Result<io::Result<Vec<u8>>, tokio::task::JoinError>| -> io::Result<()> {
                let out = r.map_err(io::Error::other)??;
                done += 1;
                bytes += out.len();
                Ok(())
            };
        for i in 0..jobs {
            if running.len() >= in_flight
                && let Some(r) = running.join_next().await
            {
                finish(r)?;
            }
            running.spawn(job(i));
        }
        while let Some(r) = running.join_next().await {
            finish(r)?;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{done} jobs ({in_flight} in flight) in {:.3} s: {:.0} jobs/s, {bytes} bytes of output",
            secs,
            done as f64 / secs
        );
        println!(
            "stacks idle in the process-wide pool afterwards: {}",
            aspawn::StackPool::global().idle()
        );
        Ok(())
    })
}
