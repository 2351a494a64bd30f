//! [`StackPool`]: thread-safe reuse of stacks. A stack taken from a pool goes back to it by itself
//! when it is dropped — after the child released it — so callers never hand stacks back by hand.

use std::io;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::stack::{Home, Stack};

struct Inner {
    size: usize,
    max_idle: usize,
    idle: Mutex<Vec<Stack>>,
}

/// A bounded, thread-safe pool of [`Stack`]s of one size.
///
/// [`StackPool::get`] hands out an idle stack or maps a new one; when that stack is dropped (for
/// example when the `Stack` returned by [`Spawned::wait_released`](crate::Spawned::wait_released)
/// goes out of scope) it returns to the pool, up to `max_idle` stacks; beyond that, or once the pool
/// is gone, it is unmapped.
///
/// ```
/// let pool = aspawn::StackPool::new(aspawn::Stack::DEFAULT_SIZE);
/// let a = pool.get()?;
/// drop(a);                         // back to the pool
/// assert_eq!(pool.idle(), 1);
/// let _b = pool.get()?;            // the same mapping, reused
/// assert_eq!(pool.idle(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct StackPool {
    inner: Arc<Inner>,
}

impl Home for Inner {
    /// Keeps `stack` unless the pool is full.
    fn give_back(&self, stack: Stack) -> Option<Stack> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() >= self.max_idle {
            return Some(stack);
        }
        idle.push(stack);
        None
    }
}

impl StackPool {
    /// A pool of stacks of `stack_size` usable bytes, keeping up to 64 idle.
    ///
    /// ```
    /// let pool = aspawn::StackPool::new(256 * 1024);
    /// assert_eq!(pool.stack_size(), 256 * 1024);
    /// assert!(pool.get()?.size() >= 256 * 1024);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(stack_size: usize) -> StackPool {
        Self::with_max_idle(stack_size, 64)
    }

    /// A pool that keeps at most `max_idle` idle stacks; a stack dropped while that many are
    /// idle is unmapped.
    ///
    /// ```
    /// let pool = aspawn::StackPool::with_max_idle(aspawn::Stack::DEFAULT_SIZE, 1);
    /// let (a, b) = (pool.get()?, pool.get()?);
    /// drop(a); // kept
    /// drop(b); // the pool is full: unmapped
    /// assert_eq!(pool.idle(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_max_idle(stack_size: usize, max_idle: usize) -> StackPool {
        StackPool {
            inner: Arc::new(Inner { size: stack_size, max_idle, idle: Mutex::new(Vec::new()) }),
        }
    }

    /// The process-wide pool [`Command`](crate::Command) uses unless given another: stacks of
    /// [`Stack::DEFAULT_SIZE`], up to 64 idle.
    ///
    /// ```
    /// let a = aspawn::StackPool::global();
    /// let b = aspawn::StackPool::global();
    /// assert_eq!(a.stack_size(), b.stack_size());
    /// ```
    pub fn global() -> &'static StackPool {
        static GLOBAL: OnceLock<StackPool> = OnceLock::new();
        GLOBAL.get_or_init(|| StackPool::new(Stack::DEFAULT_SIZE))
    }

    /// An idle stack, or a new one; it returns to this pool when dropped — also when it comes
    /// back from a spawn (from [`Spawned::wait_released`](crate::Spawned::wait_released), a
    /// [`ChildFailed`](crate::ChildFailed), a [`SpawnError`](crate::SpawnError)) and is
    /// dropped then.
    ///
    /// ```
    /// use aspawn::{Ctx, StackPool};
    ///
    /// #[aspawn::child]
    /// fn exit_0(_cx: &Ctx) -> i32 {
    ///     0
    /// }
    ///
    /// let pool = StackPool::new(aspawn::Stack::DEFAULT_SIZE);
    /// let (mut child, stack) = aspawn::spawn!(pool.get()?, exit_0, ())?.wait_released()?;
    /// assert!(child.wait()?.success());
    /// assert_eq!(pool.idle(), 0);
    /// drop(stack);
    /// assert_eq!(pool.idle(), 1); // home again, for the next `get`
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self) -> io::Result<Stack> {
        // Stacks of dropped, unreleased `Spawned`s whose children are done go home first.
        crate::spawned::sweep_graveyard();
        let reused = self.inner.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut stack = match reused {
            Some(s) => s,
            None => Stack::with_size(self.inner.size)?,
        };
        let home: Weak<dyn Home> = Arc::downgrade(&self.inner) as Weak<Inner>;
        stack.home = Some(home);
        Ok(stack)
    }

    /// Stacks waiting in the pool now.
    ///
    /// ```
    /// let pool = aspawn::StackPool::new(aspawn::Stack::DEFAULT_SIZE);
    /// assert_eq!(pool.idle(), 0); // stacks are mapped on demand
    /// drop(pool.get()?);
    /// assert_eq!(pool.idle(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn idle(&self) -> usize {
        self.inner.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// The usable size of this pool's stacks.
    ///
    /// ```
    /// assert_eq!(aspawn::StackPool::global().stack_size(), aspawn::Stack::DEFAULT_SIZE);
    /// ```
    pub fn stack_size(&self) -> usize {
        self.inner.size
    }
}

impl core::fmt::Debug for StackPool {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StackPool")
            .field("stack_size", &self.inner.size)
            .field("idle", &self.idle())
            .finish()
    }
}
