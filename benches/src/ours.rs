//! aspawn's cases: the child restores the signal mask and `execve`s the program (`/bin/true`
//! unless told otherwise) with the parent's environment, deep-copied into the stack by the
//! spawn, inside the timed region.
//!
//! - [`AspawnReuse`] — one stack, handed back after each exec and used again; by default the
//!   spawn makes no fd, [`AspawnReuse::with_options`] asks for a pidfd and/or the release fd.
//! - [`AspawnReuseNoEnv`] — the same with `Envp::empty()`, to show the cost of the copy.
//! - [`AspawnFresh`] — a new [`Stack`] (mmap + guard) for every spawn, unmapped after release
//!   (outside the timed region).
//! - [`AspawnStacks`] — a set of reused stacks, for the pipelined throughput benchmark.
//! - [`AspawnCommand`] — `aspawn::Command::spawn_nowait`, the std-like front door.

use std::ffi::{CStr, CString};

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Launch, Spawned, Stack};

use crate::Spawner;

/// The child: `restore_sigmask` then `execve(prog, argv, envp)`.
#[aspawn::child]
fn exec(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp) -> ChildResult {
    cx.restore_sigmask().context("sigprocmask")?;
    cx.execve(prog, argv, envp).context("execve")
}

/// Spawns `prog` (with `argv = [prog]`) on `stack`, with the parent's environment or none,
/// returning at once.
#[inline]
pub fn spawn_exec(stack: Stack, prog: &CStr, inherit_env: bool) -> Spawned {
    spawn_exec_with(stack.into(), prog, inherit_env)
}

/// [`spawn_exec`] with the spawn's options.
#[inline]
pub fn spawn_exec_with(launch: Launch, prog: &CStr, inherit_env: bool) -> Spawned {
    let env = if inherit_env { Envp::inherit() } else { Envp::empty() };
    aspawn::spawn!(launch, exec, (prog, &[prog], env)).expect("aspawn::spawn!")
}

/// Waits for the child's exit (one sleep, as every peer's reap), checks its status; returns
/// the stack.
pub fn reap_exec(spawned: Spawned) -> Stack {
    check_success(spawned.wait())
}

/// [`reap_exec`] in two sleeps: woken at the release (exec), then at the exit.
pub fn reap_exec_released_first(spawned: Spawned) -> Stack {
    check_success(spawned.wait_released())
}

/// The child's status must be success; gives the stack back.
fn check_success(released: aspawn::Released) -> Stack {
    let (mut child, stack) = released.expect("child exec'd");
    let status = child.wait().expect("Child::wait");
    assert!(status.success(), "child: {status}");
    stack
}

/// aspawn with one reused stack.
pub struct AspawnReuse {
    prog: CString,
    inherit_env: bool,
    stack: Option<Stack>,
    pidfd: bool,
    release_fd: bool,
    /// `KEY=VALUE` strings made once: placed instead of `Envp::inherit()` when set.
    env_list: Option<Vec<CString>>,
    /// The environment captured once as one block: placed instead of `Envp::inherit()` when set.
    env_block: Option<aspawn::EnvBlock>,
    /// Reap in two sleeps (`wait_released`, then `Child::wait`) instead of one (`wait`).
    released_first: bool,
}

impl AspawnReuse {
    /// `/bin/true` with the parent's environment, on one stack (64 KiB usable + guard).
    pub fn new() -> Self {
        Self::with_program(c"/bin/true")
    }

    /// `prog` with the parent's environment.
    pub fn with_program(prog: &CStr) -> Self {
        AspawnReuse {
            prog: prog.to_owned(),
            inherit_env: true,
            stack: Some(Stack::new().expect("Stack::new")),
            pidfd: false,
            release_fd: false,
            env_list: None,
            env_block: None,
            released_first: false,
        }
    }

    /// `/bin/true` with the parent's environment as `KEY=VALUE` strings made once, as the
    /// floors' `Target` holds it: `spawn!` still deep-copies them into the stack on every
    /// spawn, but skips `Envp::inherit()`'s locked read of `environ` (std's `vars_os`, two
    /// allocations per variable). The child's work is then exactly the exec floor's.
    pub fn with_env_list() -> Self {
        let env = crate::target::environment_strings();
        AspawnReuse { env_list: Some(env), ..Self::new() }
    }

    /// `/bin/true` with the parent's environment captured once as an [`aspawn::EnvBlock`]:
    /// each spawn lends it to the child (no copy). The child's work is exactly the exec floor's.
    pub fn with_env_block() -> Self {
        AspawnReuse { env_block: Some(aspawn::EnvBlock::capture()), ..Self::new() }
    }

    /// [`AspawnReuse::with_env_block`], each child reaped in two sleeps ([`reap_exec_released_first`]):
    /// the reap pattern's effect on the next spawn.
    pub fn with_env_block_released_first() -> Self {
        AspawnReuse { released_first: true, ..Self::with_env_block() }
    }

    /// `/bin/true`, the spawn also taking a pidfd and/or making the release fd.
    pub fn with_options(pidfd: bool, release_fd: bool) -> Self {
        AspawnReuse { pidfd, release_fd, ..Self::new() }
    }
}

impl Default for AspawnReuse {
    fn default() -> Self {
        Self::new()
    }
}

impl Spawner for AspawnReuse {
    type InFlight = Spawned;

    #[inline]
    fn spawn(&mut self) -> Spawned {
        let mut launch = Launch::from(self.stack.take().expect("one child at a time"));
        if self.pidfd {
            launch = launch.with_pidfd();
        }
        if self.release_fd {
            launch = launch.with_release_fd();
        }
        let prog = self.prog.as_c_str();
        match (&self.env_list, &self.env_block) {
            (Some(env), _) => {
                aspawn::spawn!(launch, exec, (prog, &[prog], env)).expect("aspawn::spawn!")
            }
            (None, Some(env)) => {
                aspawn::spawn!(launch, exec, (prog, &[prog], env)).expect("aspawn::spawn!")
            }
            (None, None) => spawn_exec_with(launch, &self.prog, self.inherit_env),
        }
    }

    fn reap(&mut self, spawned: Spawned) {
        self.stack = Some(if self.released_first {
            reap_exec_released_first(spawned)
        } else {
            reap_exec(spawned)
        });
    }
}

/// aspawn with one reused stack and an empty environment (nothing to deep-copy but `argv`).
pub struct AspawnReuseNoEnv(AspawnReuse);

impl AspawnReuseNoEnv {
    /// `/bin/true` with no environment.
    pub fn new() -> Self {
        AspawnReuseNoEnv(AspawnReuse { inherit_env: false, ..AspawnReuse::new() })
    }
}

impl Default for AspawnReuseNoEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl Spawner for AspawnReuseNoEnv {
    type InFlight = Spawned;

    #[inline]
    fn spawn(&mut self) -> Spawned {
        self.0.spawn()
    }

    fn reap(&mut self, spawned: Spawned) {
        self.0.reap(spawned)
    }
}

/// aspawn with a fresh stack for every spawn.
#[derive(Default)]
pub struct AspawnFresh;

impl Spawner for AspawnFresh {
    type InFlight = Spawned;

    #[inline]
    fn spawn(&mut self) -> Spawned {
        spawn_exec(Stack::new().expect("Stack::new"), c"/bin/true", true)
    }

    fn reap(&mut self, spawned: Spawned) {
        drop(reap_exec(spawned));
    }
}

/// aspawn through a set of reused stacks: as many children in flight as stacks.
pub struct AspawnStacks {
    prog: CString,
    stacks: Vec<Stack>,
}

impl AspawnStacks {
    /// `n` stacks for `/bin/true`.
    pub fn new(n: usize) -> Self {
        Self::with_program(n, c"/bin/true")
    }

    /// `n` stacks for `prog`.
    pub fn with_program(n: usize, prog: &CStr) -> Self {
        AspawnStacks {
            prog: prog.to_owned(),
            stacks: (0..n).map(|_| Stack::new().expect("Stack::new")).collect(),
        }
    }
}

impl Spawner for AspawnStacks {
    type InFlight = Spawned;

    #[inline]
    fn spawn(&mut self) -> Spawned {
        let stack = self.stacks.pop().expect("no more children in flight than stacks");
        spawn_exec(stack, &self.prog, true)
    }

    fn reap(&mut self, spawned: Spawned) {
        self.stacks.push(reap_exec(spawned));
    }
}

/// `aspawn::Command::spawn_nowait()` of `/bin/true`: the std-like front door, with its own
/// `#[aspawn::child]` function, the parent's environment and a stack from the global pool.
pub struct AspawnCommand(aspawn::Command);

impl AspawnCommand {
    /// `Command::new("/bin/true")`.
    pub fn bin_true() -> Self {
        AspawnCommand(aspawn::Command::new("/bin/true"))
    }
}

impl Spawner for AspawnCommand {
    type InFlight = aspawn::command::PendingChild;

    #[inline]
    fn spawn(&mut self) -> Self::InFlight {
        self.0.spawn_nowait().expect("Command::spawn_nowait")
    }

    fn reap(&mut self, pending: Self::InFlight) {
        let mut child = pending.wait().expect("exec /bin/true");
        assert!(child.wait().expect("wait").success());
    }
}
