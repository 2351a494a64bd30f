//! Many children in flight: 1,000 `/bin/true` with up to 64 alive at once, each on its own
//! reused stack. The caller only ever waits when all 64 stacks are busy.
//!
//! `cargo run --release --example many_in_flight`

use std::collections::VecDeque;
use std::time::Instant;

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Spawned, StackPool};

#[aspawn::child]
fn exec(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

const TOTAL: usize = 1000;
const IN_FLIGHT: usize = 64;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Released stacks go back to the pool by themselves when dropped.
    let pool = StackPool::new(aspawn::Stack::DEFAULT_SIZE);
    let mut window: VecDeque<Spawned> = VecDeque::with_capacity(IN_FLIGHT);
    let mut failures = 0;
    let start = Instant::now();
    for _ in 0..TOTAL {
        if window.len() == IN_FLIGHT {
            let oldest = window.pop_front().expect("the window is full");
            failures += finish(oldest)?;
        }
        window.push_back(aspawn::spawn!(
            pool.get()?,
            exec,
            (c"/bin/true", &["true"], Envp::inherit())
        )?);
    }
    for spawned in window {
        failures += finish(spawned)?;
    }
    let elapsed = start.elapsed();
    println!(
        "{TOTAL} × /bin/true, up to {IN_FLIGHT} in flight: {:.0} ms, {:.0} spawns/s, {failures} failures, {} stacks in the pool afterwards",
        elapsed.as_secs_f64() * 1e3,
        TOTAL as f64 / elapsed.as_secs_f64(),
        pool.idle(),
    );
    Ok(())
}

/// Waits for the exec and the exit; the stack returns to the pool when dropped here.
fn finish(spawned: Spawned) -> std::io::Result<usize> {
    let (mut child, _stack) = spawned.wait_released()?;
    Ok(usize::from(!child.wait()?.success()))
}
