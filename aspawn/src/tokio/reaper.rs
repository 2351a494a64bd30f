//! Orphans: children whose async handle was dropped (an [`AsyncChild`](super::AsyncChild), a
//! cancelled `spawn_async`/`status_async`/`output_async` future) before they were reaped.
//!
//! Each orphan is reaped by a tokio task of the runtime current at the drop, which awaits the
//! child's pidfd (or, before the exec, its wake-up fd) in the reactor and then reaps it: a task,
//! not a thread, and no `SIGCHLD` handler. With no runtime current at the drop, or when that
//! runtime shuts down first, the orphan waits in a queue that every later spawn of the tokio API
//! sweeps (reaping what has exited, handing the rest to the runtime of that spawn).

use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::child::Child;
use crate::command::PendingChild;

/// A child nobody will wait for.
pub(crate) enum Orphan {
    /// Before its release (exec or exit).
    Pending(PendingChild),
    /// Released, not yet reaped.
    Child(Child),
}

/// Orphans with no runtime to reap them; swept by [`sweep`].
static QUEUE: Mutex<Vec<Orphan>> = Mutex::new(Vec::new());
/// `QUEUE.len()`, read without the lock, so that a spawn with nothing queued pays one load.
static QUEUED: AtomicUsize = AtomicUsize::new(0);

impl Orphan {
    /// Sends `SIGKILL` (through the pidfd when there is one); errors are ignored: the child is
    /// then gone already.
    pub(crate) fn kill(&self) {
        let _ = match self {
            Orphan::Pending(p) => p.kill(),
            Orphan::Child(c) => c.signal(linux_raw_sys::general::SIGKILL as i32),
        };
    }

    /// Reaps the child if that needs no wait; gives back what is left to do.
    fn try_finish(self) -> Option<Orphan> {
        match self {
            Orphan::Pending(mut p) => match p.try_released() {
                None => Some(Orphan::Pending(p)),
                Some(Ok(child)) => Orphan::Child(child).try_finish(),
                // The failure reaped its child when it was dropped.
                Some(Err(_)) => None,
            },
            Orphan::Child(mut c) => match c.try_wait() {
                Ok(None) => Some(Orphan::Child(c)),
                // Reaped now; or not ours any more (`ECHILD`: a foreign reaper took it).
                Ok(Some(_)) | Err(_) => None,
            },
        }
    }
}

/// Makes sure `orphan` is reaped once it exits (see the module docs).
pub(crate) fn adopt(orphan: Orphan) {
    if let Some(orphan) = orphan.try_finish() {
        hand_over(vec![orphan]);
    }
}

/// Reaps the queued orphans that have exited and hands the others to the current runtime.
pub(crate) fn sweep() {
    if QUEUED.load(Ordering::Acquire) == 0 {
        return;
    }
    let queued = match QUEUE.try_lock() {
        Ok(mut q) if !q.is_empty() => {
            QUEUED.store(0, Ordering::Release);
            std::mem::take(&mut *q)
        }
        _ => return,
    };
    let left: Vec<Orphan> = queued.into_iter().filter_map(Orphan::try_finish).collect();
    if !left.is_empty() {
        hand_over(left);
    }
}

/// One task per orphan on the current runtime, or the queue without one. (Never called with
/// the queue's lock held: a task dropped at once, by a runtime that is shutting down, queues
/// its orphan.)
fn hand_over(orphans: Vec<Orphan>) {
    match ::tokio::runtime::Handle::try_current() {
        Ok(rt) => {
            for o in orphans {
                rt.spawn(settle(Adopted(Some(o))));
            }
        }
        Err(_) => queue(orphans),
    }
}

fn queue(orphans: Vec<Orphan>) {
    let mut q = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
    q.extend(orphans);
    QUEUED.store(q.len(), Ordering::Release);
}

/// An orphan owned by a reaper task: queued if the task is dropped before it is reaped.
struct Adopted(Option<Orphan>);

impl Drop for Adopted {
    fn drop(&mut self) {
        if let Some(o) = self.0.take().and_then(Orphan::try_finish) {
            queue(vec![o]);
        }
    }
}

/// The release of `p` awaited on tokio's blocking pool (the futex wait), for a wake-up fd that
/// fired early. Cancel-safe: a child whose future is gone by the release is adopted (and
/// killed first with `kill_on_drop`).
pub(crate) async fn release_blocking(p: PendingChild, kill_on_drop: bool) -> io::Result<Child> {
    let waited = ::tokio::task::spawn_blocking(move || {
        p.wait_released().map(|c| Unclaimed(Some(c), kill_on_drop))
    });
    match waited.await {
        Ok(r) => r.map(|mut u| u.0.take().expect("just made")),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(io::Error::other(e)),
    }
}

/// A released child on its way out of a blocking task: adopted if nobody takes it.
struct Unclaimed(Option<Child>, bool);

impl Drop for Unclaimed {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            let orphan = Orphan::Child(c);
            if self.1 {
                orphan.kill();
            }
            adopt(orphan);
        }
    }
}

/// The reaper task: awaits the orphan's fd, then reaps it.
async fn settle(mut slot: Adopted) {
    loop {
        let Some(o) = slot.0.take().and_then(Orphan::try_finish) else { return };
        let o = slot.0.insert(o);
        let fd = match o {
            // `Command` always makes the wake-up fd for the async paths.
            Orphan::Pending(p) => p.release_fd(),
            Orphan::Child(c) => c.pidfd_or_open().ok(),
        };
        // No fd to wait on (none free for a pidfd): the queue's sweeps reap it later. No
        // reactor (a runtime without IO): the same.
        let Some(fd) = fd else { return };
        if crate::async_io::readable(fd).await.is_err() {
            return;
        }
        // A release fd readable before the word is clear (see `Spawned::released`) would be
        // ready at every turn: finish that release on a blocking thread instead.
        slot.0 = match slot.0.take() {
            Some(Orphan::Pending(mut p)) => match p.try_released() {
                Some(Ok(c)) => Some(Orphan::Child(c)),
                // The failure reaped its child when it was dropped.
                Some(Err(_)) => None,
                None => release_blocking(p, false).await.ok().map(Orphan::Child),
            },
            other => other,
        };
    }
}
