//! [`Command`]: a drop-in for `std::process::Command` on top of the engine.
//!
//! The child a `Command` runs is itself an `#[aspawn::child]` function (`command/child.rs`):
//! the same compile-time checks as any user's child, the same raw system calls. What std does in
//! its child (or asks `posix_spawn` to do) happens there, in std's order; what the child needs is
//! built once per spawn in the parent (the environment, the fd map) and deep-copied into a stack
//! from a [`StackPool`].
//!
//! Where this differs from std, on purpose:
//!
//! - **The parent does not wait for `execve`** with [`Command::spawn_nowait`] (and, with the
//!   `tokio` feature, `Command::spawn_async`); [`Command::spawn`] waits, to give std's errors.
//! - **`child_hook` instead of `pre_exec`**: the hook is an `#[aspawn::child]` function, so it is
//!   safe; one hook per command (a later `child_hook` replaces the earlier).
//! - **No fork, ever**: every option runs on the same `clone(CLONE_VM)` path. std switches to
//!   `fork` for `pre_exec`, `uid`, … and glibc's `execvp` there runs a script without `#!` with
//!   `/bin/sh`; std's default `posix_spawn` path, like ours, fails with `ENOEXEC`
//!   ("Exec format error") for such a script.
//! - **Stdio is reusable**: [`Stdio`] is ours, not std's; an fd given with `Stdio::from` stays
//!   in the `Command` and serves every spawn. A `std::process::Stdio` converts with
//!   `Stdio::from` (std's has no getter: its setting is read from std's `Debug` output).
//! - **Conversions with std's `Command`**: `Command::from(std_command)` carries what std
//!   shows (getters, and its `{:#?}` for the cleared environment, argv\[0\], ids, process
//!   group and streams), not its `pre_exec` closures; `std::process::Command::try_from(&cmd)`
//!   refuses what std cannot express on stable ([`ToStdError`] names it: `groups`, `setsid`,
//!   `umask`, `rlimit`, `pdeathsig`, `keep_fd`/`fd_map`, `fd`, `child_hook`,
//!   `cgroup`).
//! - **`keep_fd`/`fd_map` keep a duplicate**, so every spawn of the `Command` gets the fd; a
//!   value passed to them is closed at once (pass a borrow to keep yours). [`Command::fd`] is
//!   std's `CommandExt::fd`: the fd itself, open until the spawn, which closes it.
//! - **An fd map is applied as a map**: with `fd(a, fd_at_b)` and `fd(b, fd_at_a)` the child's
//!   `a` and `b` are swapped; std applies its `fd` mappings one `dup2` after the other, so the
//!   second copies what the first put there ("clobbered", in std's own test).
//! - **A private pidfd by default**: unless told otherwise, the [`Child`] waits and signals
//!   through a pidfd it took at the clone (std waits by pid), so a foreign reaper cannot make it
//!   wait for or signal another process; it is dropped, and the child spawned anyway, when no fd
//!   is free. [`Child::pidfd`] does not show it (std's default has no pidfd), so it answers as
//!   std's; [`Command::create_pidfd(false)`](Command::create_pidfd) spawns without one, as std.
//! - **`create_pidfd(true)`, [`PidFd`](crate::PidFd), `Child::pidfd`/`into_pidfd` on stable**
//!   (std's are unstable, `linux_pidfd`). `Child::pidfd`'s error without one has std's message,
//!   "No pidfd was created.", but kind `Other`: std's `Uncategorized` is unstable.
//! - **`{:#?}` shows aspawn's options too** (after std's fields, when set); its `create_pidfd`
//!   field is the setting, `false` unless `create_pidfd(true)`, as std's.
//! - **Extras**: `setsid`, `umask`, `rlimit`, `pdeathsig`, `keep_fd`/`fd_map` (which also close
//!   every other fd), `groups` on stable, [`Command::cgroup`] (the child starts in a cgroup:
//!   `clone3`'s `CLONE_INTO_CGROUP`, as Go's `UseCgroupFD` and glibc's
//!   `posix_spawnattr_setcgroup_np`; refused, not ignored, where only legacy `clone` is
//!   available and by [`Command::exec`]), a choice of [`StackPool`], and on the [`Child`]:
//!   [`Child::wait_timeout`], [`Child::signal_group`]/[`Child::kill_group`] (the process group
//!   the child leads), [`Child::signal`].

pub(crate) mod child;
mod convert;
mod hook;
mod process;
mod stdio;

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output};

use crate::arg::{CStrRef, Envp, Place};
use crate::placer::Placer;
use crate::pool::StackPool;
use crate::spawn_error::{SpawnError, SpawnErrorKind};
use crate::spawned::Spawned;
use crate::stack::Stack;

pub use convert::ToStdError;
pub use hook::HookCall;
#[cfg(feature = "tokio")]
pub(crate) use process::finish;
pub use process::{Child, PendingChild};
pub use stdio::Stdio;
use stdio::{Kind, Pipes};

/// A process builder with the surface of [`std::process::Command`] (and of its unix
/// `CommandExt`), spawning through aspawn's engine: `clone(CLONE_VM)` onto a pooled stack, no
/// `fork`, and — with [`Command::spawn_nowait`] — no wait for the child's `execve`.
///
/// ```
/// use aspawn::Command;
///
/// let out = Command::new("sh").args(["-c", "echo $GREETING, $0"]).env("GREETING", "hello").output()?;
/// assert!(out.status.success());
/// assert_eq!(out.stdout, b"hello, sh\n");
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Code written for std keeps working: pipes come back as std's [`ChildStdin`],
/// [`ChildStdout`] and [`ChildStderr`], statuses as [`ExitStatus`], `output()` as
/// [`std::process::Output`], and failures to spawn as the same [`io::Error`]s (a missing
/// program is `ErrorKind::NotFound`, a directory or a file without execute permission
/// `PermissionDenied`, a missing working directory `NotFound`).
///
/// [`ChildStdin`]: std::process::ChildStdin
/// [`ChildStdout`]: std::process::ChildStdout
/// [`ChildStderr`]: std::process::ChildStderr
pub struct Command {
    program: OsString,
    /// `args[0]` is argv\[0\] (the program, or `arg0`).
    args: Vec<OsString>,
    env: EnvChanges,
    cwd: Option<PathBuf>,
    stdin: Option<Stdio>,
    stdout: Option<Stdio>,
    stderr: Option<Stdio>,
    uid: Option<u32>,
    gid: Option<u32>,
    groups: Option<Vec<u32>>,
    pgroup: Option<i32>,
    setsid: bool,
    umask: Option<u32>,
    rlimits: [Option<(u64, u64)>; child::RLIMITS],
    pdeathsig: Option<i32>,
    /// `create_pidfd`: `None` for a private pidfd (dropped if no fd is free), `Some(true)` for
    /// one the `Child` shows (required), `Some(false)` for none.
    create_pidfd: Option<bool>,
    /// `child fd -> the parent's fd` (our own duplicate, close-on-exec; or, from `fd`, the
    /// caller's fd itself).
    fd_map: BTreeMap<i32, OwnedFd>,
    /// The child fds of `fd_map` given with [`Command::fd`]: closed by the next spawn.
    spent_by_spawn: std::collections::BTreeSet<i32>,
    /// `keep_fd`/`fd_map` was used: the child closes every fd it was not given.
    close_others: bool,
    hook: Option<hook::Hook>,
    pool: Option<StackPool>,
    /// The cgroup directory every spawn starts the child in (our own duplicate,
    /// close-on-exec).
    cgroup: Option<OwnedFd>,
    saw_nul: bool,
    /// A builder step that failed (duplicating an fd): reported by the next spawn.
    deferred: Option<io::Error>,
    /// [`Command::kill_on_drop`]: the async handles kill the child when dropped unreaped.
    #[cfg(feature = "tokio")]
    pub(crate) kill_on_drop: bool,
}

#[derive(Default, Debug)]
struct EnvChanges {
    clear: bool,
    saw_path: bool,
    vars: BTreeMap<OsString, Option<OsString>>,
}

/// What a stream becomes in one spawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Inherit,
    Null,
    Pipe,
    Fd,
    Parent(i32),
}

/// What a spawn connects a stream to when the `Command` does not say.
/// The spawn options of `spawn`, `status` and `output`: a pidfd (they wait for the exec anyway,
/// and it keeps a foreign reaper from confusing the wait), dropped when no fd is free for it, as
/// std then spawns too. No wake-up pipe: the release is waited for on the futex word.
const SYNC: u8 = crate::stack::WANT_PIDFD | crate::stack::PIDFD_OR_NONE;
/// `spawn_nowait` (and the async paths): also the wake-up fd, for event loops.
const NOWAIT: u8 = SYNC | crate::stack::WANT_RELEASE_FD;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Default_ {
    Inherit,
    Null,
    Piped,
}

fn has_nul(s: &OsStr) -> bool {
    s.as_bytes().contains(&0)
}

impl Command {
    /// A command for `program`, with no arguments, the parent's environment, working directory
    /// and standard streams. A `program` without `/` is searched in `PATH` — the `PATH` the
    /// child will have, as with std.
    ///
    /// ```
    /// use aspawn::Command;
    ///
    /// assert!(Command::new("true").status()?.success());
    /// let err = Command::new("/nonexistent/aspawn-doc").spawn().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        let program = program.as_ref().to_owned();
        let saw_nul = has_nul(&program);
        Command {
            args: vec![program.clone()],
            program,
            env: EnvChanges::default(),
            cwd: None,
            stdin: None,
            stdout: None,
            stderr: None,
            uid: None,
            gid: None,
            groups: None,
            pgroup: None,
            setsid: false,
            umask: None,
            rlimits: [None; child::RLIMITS],
            pdeathsig: None,
            create_pidfd: None,
            fd_map: BTreeMap::new(),
            spent_by_spawn: std::collections::BTreeSet::new(),
            close_others: false,
            hook: None,
            pool: None,
            cgroup: None,
            saw_nul,
            deferred: None,
            #[cfg(feature = "tokio")]
            kill_on_drop: false,
        }
    }

    /// Adds an argument.
    ///
    /// ```
    /// let out = aspawn::Command::new("echo").arg("one").arg("two words").output()?;
    /// assert_eq!(out.stdout, b"one two words\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        let arg = arg.as_ref().to_owned();
        self.saw_nul |= has_nul(&arg);
        self.args.push(arg);
        self
    }

    /// Adds arguments.
    ///
    /// ```
    /// let status = aspawn::Command::new("sh").args(["-c", "exit 3"]).status()?;
    /// assert_eq!(status.code(), Some(3));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// Sets (or replaces) an environment variable of the child.
    ///
    /// ```
    /// let mut cmd = aspawn::Command::new("sh");
    /// cmd.args(["-c", "echo $COLOR"]).env("COLOR", "blue");
    /// assert_eq!(cmd.output()?.stdout, b"blue\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn env<K: AsRef<OsStr>, V: AsRef<OsStr>>(&mut self, key: K, val: V) -> &mut Command {
        // A NUL is refused at spawn time, and only if the variable is still set then (std checks
        // the environment it passes on, so a later `env_remove` or `env_clear` drops it).
        let (k, v) = (key.as_ref().to_owned(), val.as_ref().to_owned());
        self.env.saw_path |= k == "PATH";
        self.env.vars.insert(k, Some(v));
        self
    }

    /// Sets several environment variables.
    ///
    /// ```
    /// let vars = [("A", "1"), ("B", "2")];
    /// let out = aspawn::Command::new("sh").args(["-c", "echo $A$B"]).envs(vars).output()?;
    /// assert_eq!(out.stdout, b"12\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        for (k, v) in vars {
            self.env(k, v);
        }
        self
    }

    /// Removes a variable from the child's environment.
    ///
    /// ```
    /// let out = aspawn::Command::new("sh")
    ///     .args(["-c", "echo ${GONE-unset}"])
    ///     .env("GONE", "set")
    ///     .env_remove("GONE")
    ///     .output()?;
    /// assert_eq!(out.stdout, b"unset\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        // A name with a NUL cannot be in any environment: removing it does nothing, as in std.
        let k = key.as_ref().to_owned();
        self.env.saw_path |= k == "PATH";
        if self.env.clear {
            self.env.vars.remove(&k);
        } else {
            self.env.vars.insert(k, None);
        }
        self
    }

    /// Starts the child with an empty environment (plus what [`Command::env`] sets afterwards).
    ///
    /// ```
    /// let out = aspawn::Command::new("/usr/bin/env").env_clear().env("ONLY", "1").output()?;
    /// assert_eq!(out.stdout, b"ONLY=1\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.env.clear = true;
        self.env.vars.clear();
        self
    }

    /// The child's working directory. A relative `program` path is then relative to it, as
    /// with std.
    ///
    /// ```
    /// let out = aspawn::Command::new("sh").args(["-c", "pwd"]).current_dir("/").output()?;
    /// assert_eq!(out.stdout, b"/\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        let dir = dir.as_ref().to_owned();
        self.saw_nul |= has_nul(dir.as_os_str());
        self.cwd = Some(dir);
        self
    }

    /// The child's standard input.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    /// use std::io::Write;
    ///
    /// let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    /// child.stdin.take().expect("piped").write_all(b"fed in")?; // closed at the end of the line
    /// assert_eq!(child.wait_with_output()?.stdout, b"fed in");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.stdin = Some(cfg.into());
        self
    }

    /// The child's standard output.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// let out = Command::new("echo").arg("lost").stdout(Stdio::null()).output()?;
    /// assert!(out.status.success());
    /// assert!(out.stdout.is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.stdout = Some(cfg.into());
        self
    }

    /// The child's standard error.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    ///
    /// let mut cmd = Command::new("sh");
    /// let child = cmd.args(["-c", "echo oops >&2"]).stderr(Stdio::piped()).spawn()?;
    /// assert_eq!(child.wait_with_output()?.stderr, b"oops\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.stderr = Some(cfg.into());
        self
    }

    // --- CommandExt ------------------------------------------------------------------------

    /// The child's user id (`setresuid`, after `setgroups` and `setresgid`). Without
    /// [`Command::groups`], the child also clears its supplementary groups (`setgroups(0)`) and
    /// ignores only `EPERM` (no `CAP_SETGID`), as std does, so a root or setuid-root parent
    /// does not pass its groups on to the dropped uid.
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// let me = std::fs::metadata("/proc/self")?.uid(); // our own uid: allowed for any user
    /// let out = aspawn::Command::new("id").arg("-u").uid(me).output()?;
    /// assert_eq!(out.stdout, format!("{me}\n").as_bytes());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.uid = Some(id);
        self
    }

    /// The child's group id (`setresgid`).
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// let gid = std::fs::metadata("/proc/self")?.gid(); // our own gid: allowed for any user
    /// let out = aspawn::Command::new("id").arg("-g").gid(gid).output()?;
    /// assert_eq!(out.stdout, format!("{gid}\n").as_bytes());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.gid = Some(id);
        self
    }

    /// The child's supplementary groups (`setgroups`, first of the three).
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// let gid = std::fs::metadata("/proc/self")?.gid();
    /// match aspawn::Command::new("id").arg("-G").groups(&[gid]).output() {
    ///     Ok(out) => assert_eq!(out.stdout, format!("{gid}\n").as_bytes()),
    ///     // `setgroups` needs CAP_SETGID, even for one's own group.
    ///     Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied),
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn groups(&mut self, groups: &[u32]) -> &mut Command {
        self.groups = Some(groups.to_vec());
        self
    }

    /// Moves the child into process group `pgroup` (0: a new group led by the child).
    ///
    /// ```
    /// let mut child = aspawn::Command::new("sleep").arg("10").process_group(0).spawn()?;
    /// let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id()))?;
    /// // After the command name: state, ppid, pgrp.
    /// let pgrp: u32 = stat.rsplit_once(") ").unwrap().1.split(' ').nth(2).unwrap().parse()?;
    /// assert_eq!(pgrp, child.id()); // it leads a group of its own
    /// child.kill()?;
    /// child.wait()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.pgroup = Some(pgroup);
        self
    }

    /// Sets argv\[0\] (the program is still `program`).
    ///
    /// ```
    /// let out = aspawn::Command::new("sh").arg0("renamed").args(["-c", "echo $0"]).output()?;
    /// assert_eq!(out.stdout, b"renamed\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        let a = arg.as_ref().to_owned();
        self.saw_nul |= has_nul(&a);
        self.args[0] = a;
        self
    }

    /// Replaces the current process with the command, as `CommandExt::exec`: every option is
    /// applied to *this* process (by the same child function, run here), then `execvp`. Returns
    /// only on failure, with std's error; the process may then be left with some options
    /// applied (streams, ids, working directory …), as with std. Unlike std, a failed `exec`
    /// gives the calling thread its signal mask and `SIGPIPE` disposition back, and with
    /// `keep_fd`/`fd_map` the other fds are only marked close-on-exec, not closed, so the
    /// process's own files stay valid. `pdeathsig` watches this process's parent.
    ///
    /// ```
    /// // On success this process would become the program; a missing one gives the error back.
    /// let err = aspawn::Command::new("/nonexistent/aspawn-doc").exec();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// ```
    pub fn exec(&mut self) -> io::Error {
        if self.cgroup.is_some() {
            return io::Error::new(
                io::ErrorKind::Unsupported,
                "Command::exec with Command::cgroup: exec starts no process for clone3 to place \
                 in the cgroup",
            );
        }
        let mut prepared = match self.prepare([Default_::Inherit; 3]) {
            Ok(p) => p,
            Err(e) => return e,
        };
        prepared.exec = true;
        let stack = match self.stack_for(&prepared) {
            Ok(s) => s,
            Err(e) => return e,
        };
        match &self.hook {
            None => hook::run_here::<child::command_child>(stack, |p| (&prepared,).place(p)),
            Some(h) => (h.exec)(stack, &prepared),
        }
    }

    // --- aspawn's own -----------------------------------------------------------------------

    /// Starts a new session in the child (`setsid`, after the process group). Combined with
    /// [`Command::process_group`], the child is already a group leader and `setsid` fails with
    /// `EPERM`, as with std.
    ///
    /// ```
    /// let mut child = aspawn::Command::new("sleep").arg("10").setsid(true).spawn()?;
    /// let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id()))?;
    /// // After the command name: state, ppid, pgrp, session.
    /// let session: u32 = stat.rsplit_once(") ").unwrap().1.split(' ').nth(3).unwrap().parse()?;
    /// assert_eq!(session, child.id()); // it leads a session of its own
    /// child.kill()?;
    /// child.wait()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn setsid(&mut self, on: bool) -> &mut Command {
        self.setsid = on;
        self
    }

    /// The child's file mode creation mask (`umask`).
    ///
    /// ```
    /// let out = aspawn::Command::new("sh").args(["-c", "umask"]).umask(0o027).output()?;
    /// assert_eq!(out.stdout, b"0027\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn umask(&mut self, mask: u32) -> &mut Command {
        self.umask = Some(mask);
        self
    }

    /// Sets a resource limit of the child (`setrlimit`; `aspawn::consts::RLIMIT_*`, and
    /// `RLIM_INFINITY` for no limit). A resource out of range fails the spawn with `EINVAL`.
    ///
    /// ```
    /// use aspawn::{Command, consts::RLIMIT_NOFILE};
    ///
    /// let out = Command::new("sh").args(["-c", "ulimit -n"]).rlimit(RLIMIT_NOFILE, 64, 64).output()?;
    /// assert_eq!(out.stdout, b"64\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn rlimit(&mut self, resource: u32, soft: u64, hard: u64) -> &mut Command {
        match self.rlimits.get_mut(resource as usize) {
            Some(slot) => *slot = Some((soft, hard)),
            None => {
                self.deferred =
                    Some(io::Error::from_raw_os_error(crate::Errno::INVAL.raw_os_error()))
            }
        }
        self
    }

    /// Asks for signal `sig` when the thread that spawns the child dies
    /// (`prctl(PR_SET_PDEATHSIG)`; Linux ties it to the *thread*). If the parent is already gone
    /// when the child sets it, the child signals itself.
    ///
    /// With [`Command::spawn_nowait`], a spawning thread that exits before the child has set it
    /// (before release) may go unnoticed: the child then belongs to another thread of the same
    /// process, and no signal comes. [`Command::spawn`] waits for the release, so it cannot
    /// miss it.
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// // Spawned by a thread that then ends: the child gets SIGKILL (9) at that moment.
    /// let spawner =
    ///     std::thread::spawn(|| aspawn::Command::new("sleep").arg("10").pdeathsig(9).spawn());
    /// let mut child = spawner.join().expect("no panic")?;
    /// assert_eq!(child.wait()?.signal(), Some(9));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn pdeathsig(&mut self, sig: i32) -> &mut Command {
        self.pdeathsig = Some(sig);
        self
    }

    /// Whether the spawned [`Child`] gets a [`PidFd`](crate::PidFd) it shows, as std's
    /// (unstable) `CommandExt::create_pidfd` (`CLONE_PIDFD`; std's default is `false`, ours
    /// too as far as [`Child::pidfd`] can tell).
    ///
    /// - `true`: [`Child::pidfd`] and [`Child::into_pidfd`] give the pidfd, and the `Child`
    ///   waits and signals through it. If no fd is free for it, the spawn fails with `EMFILE`
    ///   (std fails the same way).
    /// - `false`: no pidfd at all, as std's default: one fd fewer while the child runs, and the
    ///   `Child` waits for its pid (see [`Child`] for what a foreign reaper can then do).
    /// - not called (the default): the `Child` still waits and signals through a pidfd of its
    ///   own, which [`Child::pidfd`] does not show (std's default has none); it is dropped,
    ///   and the child spawned anyway, when no fd is free for it.
    ///
    /// ```
    /// use aspawn::Command;
    ///
    /// let mut child = Command::new("true").create_pidfd(true).spawn()?;
    /// let pidfd = child.pidfd()?; // aspawn::PidFd
    /// assert!(pidfd.wait()?.success());
    /// assert!(child.wait().is_err()); // reaped through the pidfd: the Child's wait is ECHILD
    ///
    /// let mut child = Command::new("true").create_pidfd(false).spawn()?;
    /// assert!(child.pidfd().is_err());
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn create_pidfd(&mut self, val: bool) -> &mut Command {
        self.create_pidfd = Some(val);
        self
    }

    /// Keeps `fd` open in the child under the same number. Once any `keep_fd` or `fd_map` is
    /// given, the child closes every other fd above 2 before `execve`.
    ///
    /// The `Command` keeps its own duplicate, so `fd` may be closed after this call, and every
    /// spawn of the `Command` gets it. Unlike std's `CommandExt::fd`, a value passed here (an
    /// `OwnedFd`, a `File`) is therefore closed at once, not at the spawn: pass a borrow
    /// (`&file`) to keep yours, or use [`Command::fd`] for std's behaviour.
    ///
    /// ```
    /// use std::io::Read;
    /// use std::os::fd::AsRawFd;
    ///
    /// let (mut r, w) = std::io::pipe()?;
    /// // Written to as `/dev/fd/N`: `sh` may not parse `>&N` above 9.
    /// let script = format!("echo kept > /dev/fd/{}", w.as_raw_fd());
    /// // The `Command` (and its duplicate of `w`) is dropped at the end of the line.
    /// let mut child = aspawn::Command::new("sh").args(["-c", &script]).keep_fd(&w).spawn()?;
    /// drop(w);
    /// assert!(child.wait()?.success());
    /// let mut s = String::new();
    /// r.read_to_string(&mut s)?;
    /// assert_eq!(s, "kept\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn keep_fd<F: AsFd>(&mut self, fd: F) -> &mut Command {
        let n = fd.as_fd().as_raw_fd();
        self.fd_map(fd, n)
    }

    /// Makes the parent's `parent_fd` the child's `child_fd`. Once any `keep_fd` or `fd_map` is
    /// given, the child closes every other fd above 2 before `execve`. A `child_fd` of 0, 1 or
    /// 2 overrides [`Command::stdin`]/`stdout`/`stderr`.
    ///
    /// As with [`Command::keep_fd`], the `Command` keeps its own duplicate (for every spawn),
    /// and a `parent_fd` passed by value is closed at once; [`Command::fd`] is std's shape.
    ///
    /// ```
    /// use aspawn::Command;
    /// use std::io::Read;
    ///
    /// let (mut r, w) = std::io::pipe()?;
    /// let mut child = Command::new("sh").args(["-c", "echo to-fd-5 >&5"]).fd_map(&w, 5).spawn()?;
    /// drop(w);
    /// child.wait()?;
    /// let mut s = String::new();
    /// r.read_to_string(&mut s)?;
    /// assert_eq!(s, "to-fd-5\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn fd_map<F: AsFd>(&mut self, parent_fd: F, child_fd: i32) -> &mut Command {
        if child_fd < 0 {
            self.deferred = Some(io::Error::from_raw_os_error(crate::Errno::BADF.raw_os_error()));
            return self;
        }
        self.close_others = true;
        match parent_fd.as_fd().try_clone_to_owned() {
            Ok(fd) => {
                self.fd_map.insert(child_fd, fd);
                self.spent_by_spawn.remove(&child_fd);
            }
            Err(e) => self.deferred = Some(e),
        }
        self
    }

    /// Makes `old_fd` the child's `new_fd`, as std's (unstable) `CommandExt::fd`: the
    /// `Command` takes `old_fd` as it is (no duplicate: it stays open at its number until the
    /// spawn), and the next spawn closes it in the parent once the child has its copy; a later
    /// spawn of the same `Command` no longer passes it. Other fds are inherited as usual
    /// (nothing else is closed, unlike [`Command::keep_fd`]/[`Command::fd_map`]). A `new_fd` of
    /// 0, 1 or 2 overrides [`Command::stdin`]/`stdout`/`stderr`.
    ///
    /// ```
    /// use aspawn::{Command, Stdio};
    /// use std::io::Write;
    ///
    /// let (r, mut w) = std::io::pipe()?;
    /// let mut child =
    ///     Command::new("sh").args(["-c", "cat <&9"]).fd(9, r).stdout(Stdio::piped()).spawn()?;
    /// w.write_all(b"through fd 9")?;
    /// drop(w);
    /// assert_eq!(child.wait_with_output()?.stdout, b"through fd 9");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn fd(&mut self, new_fd: std::os::fd::RawFd, old_fd: impl Into<OwnedFd>) -> &mut Command {
        let old_fd = old_fd.into();
        if new_fd < 0 {
            self.deferred = Some(io::Error::from_raw_os_error(crate::Errno::BADF.raw_os_error()));
            return self;
        }
        self.fd_map.insert(new_fd, old_fd);
        self.spent_by_spawn.insert(new_fd);
        self
    }

    /// Starts every child of this `Command` in the cgroup (v2) whose directory `dir` is open
    /// on: the kernel places it there inside `clone3` (`CLONE_INTO_CGROUP`, Linux ≥ 5.7), so the
    /// child is in that cgroup — counted and limited there — from its first instruction, with no
    /// window in the caller's cgroup and no write to `cgroup.procs`. std has no such option; it
    /// is Go's `SysProcAttr.UseCgroupFD`/`CgroupFD` and glibc's
    /// `posix_spawnattr_setcgroup_np`. A later call replaces the cgroup.
    ///
    /// `dir` is a cgroup2 directory opened read-only (`File::open` does) or with `O_PATH`. As
    /// with [`Command::keep_fd`], the `Command` keeps its own duplicate (close-on-exec, so no
    /// child inherits it past its `execve`), and a value passed by value is closed at once: pass
    /// a borrow (`&dir`) to keep yours. A failed duplicate (`EBADF` for a closed fd, `EMFILE`)
    /// fails the next spawn with its errno.
    ///
    /// What the kernel refuses fails the spawn with its errno (`io::Error::raw_os_error`):
    /// `EBADF` when `dir` is not a cgroup2 directory (a regular file, a cgroup v1 directory),
    /// `EOPNOTSUPP` for a cgroup that cannot hold processes ("domain invalid"), `EBUSY` for one
    /// that enables controllers for its children (cgroup v2's "no internal processes" rule),
    /// `EACCES` without write permission on `cgroup.procs` of the common ancestor, `ENOENT` for
    /// a cgroup removed since `dir` was opened. Where only legacy `clone` is available (a
    /// seccomp filter refusing `clone3`, a kernel before 5.7, `ASPAWN_CLONE_MODE=legacy`), every
    /// spawn fails with `ErrorKind::Unsupported` rather than start the child outside the
    /// cgroup, and so does [`Command::exec`], which starts no new process.
    /// `TryFrom<&Command>` for std's `Command` refuses it too.
    ///
    /// ```
    /// use aspawn::Command;
    ///
    /// // A cgroup2 mount point, from /proc/self/mountinfo ("… mount-point … - cgroup2 …").
    /// let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")?;
    /// let mount = mountinfo.lines().find_map(|l| {
    ///     let (fields, fs) = l.split_once(" - ")?;
    ///     fs.starts_with("cgroup2 ").then(|| fields.split(' ').nth(4))?
    /// });
    /// let path = format!("{}/aspawn-cmd-doc-{}", mount.unwrap_or("/nonexistent"), std::process::id());
    /// if std::fs::create_dir(&path).is_err() {
    ///     eprintln!("skipped: no writable cgroup2 mount");
    ///     return Ok(());
    /// }
    /// let dir = std::fs::File::open(&path)?;
    /// let out = Command::new("cat").arg("/proc/self/cgroup").cgroup(&dir).output();
    /// std::fs::remove_dir(&path)?;
    /// match out {
    ///     // Only legacy `clone` here (a seccomp filter, an old kernel): no child was started.
    ///     Err(e) if e.kind() == std::io::ErrorKind::Unsupported => eprintln!("skipped: {e}"),
    ///     out => {
    ///         let seen = String::from_utf8(out?.stdout)?;
    ///         let name = format!("/aspawn-cmd-doc-{}", std::process::id());
    ///         assert!(seen.lines().any(|l| l.starts_with("0::") && l.ends_with(&name)), "{seen}");
    ///     }
    /// }
    ///
    /// // Not a cgroup directory: the kernel's EBADF (unless clone3 is unavailable here).
    /// let err = Command::new("true").cgroup(std::fs::File::open("/proc/self/status")?).status();
    /// let err = err.unwrap_err();
    /// assert!(
    ///     err.raw_os_error() == Some(aspawn::Errno::BADF.raw_os_error())
    ///         || err.kind() == std::io::ErrorKind::Unsupported,
    ///     "{err}"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "CLONE_INTO_CGROUP")]
    #[doc(alias = "UseCgroupFD")]
    #[doc(alias = "posix_spawnattr_setcgroup_np")]
    pub fn cgroup<F: AsFd>(&mut self, dir: F) -> &mut Command {
        match dir.as_fd().try_clone_to_owned() {
            Ok(fd) => self.cgroup = Some(fd),
            Err(e) => self.deferred = Some(e),
        }
        self
    }

    /// Spawns with the stacks of `pool` instead of the process-wide [`StackPool::global`].
    ///
    /// ```
    /// use aspawn::{Command, StackPool};
    ///
    /// let pool = StackPool::new(256 * 1024);
    /// assert!(Command::new("true").stack_pool(&pool).status()?.success());
    /// assert_eq!(pool.idle(), 1); // the stack came back to `pool` after the spawn
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stack_pool(&mut self, pool: &StackPool) -> &mut Command {
        self.pool = Some(pool.clone());
        self
    }

    /// Sets the hook (see [`Command::child_hook`]).
    pub(crate) fn __set_hook<S, E>(&mut self, spawn: S, exec: E) -> &mut Command
    where
        S: Fn(Stack, &Prepared<'_>) -> Result<Spawned, SpawnError> + Send + Sync + 'static,
        E: Fn(Stack, &Prepared<'_>) -> io::Error + Send + Sync + 'static,
    {
        self.hook = Some(hook::Hook { spawn: Box::new(spawn), exec: Box::new(exec) });
        self
    }

    // --- getters ----------------------------------------------------------------------------

    /// The program, as given to [`Command::new`].
    ///
    /// ```
    /// let cmd = aspawn::Command::new("ls");
    /// assert_eq!(cmd.get_program(), "ls");
    /// ```
    pub fn get_program(&self) -> &OsStr {
        &self.program
    }

    /// The arguments (argv\[0\] not included).
    ///
    /// ```
    /// use std::ffi::OsStr;
    ///
    /// let mut cmd = aspawn::Command::new("ls");
    /// cmd.arg0("list").args(["-l", "/tmp"]);
    /// let args: Vec<&OsStr> = cmd.get_args().collect();
    /// assert_eq!(args, [OsStr::new("-l"), OsStr::new("/tmp")]);
    /// ```
    pub fn get_args(&self) -> CommandArgs<'_> {
        CommandArgs { inner: self.args[1..].iter() }
    }

    /// The environment changes: `(key, Some(value))` set, `(key, None)` removed, in key order.
    ///
    /// ```
    /// use std::ffi::OsStr;
    ///
    /// let mut cmd = aspawn::Command::new("env");
    /// cmd.env("B", "2").env_remove("A");
    /// let envs: Vec<(&OsStr, Option<&OsStr>)> = cmd.get_envs().collect();
    /// assert_eq!(envs, [(OsStr::new("A"), None), (OsStr::new("B"), Some(OsStr::new("2")))]);
    /// ```
    pub fn get_envs(&self) -> CommandEnvs<'_> {
        CommandEnvs { inner: self.env.vars.iter() }
    }

    /// The working directory, if set.
    ///
    /// ```
    /// use std::path::Path;
    ///
    /// let mut cmd = aspawn::Command::new("ls");
    /// assert_eq!(cmd.get_current_dir(), None);
    /// cmd.current_dir("/tmp");
    /// assert_eq!(cmd.get_current_dir(), Some(Path::new("/tmp")));
    /// ```
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.cwd.as_deref()
    }

    // --- spawning ---------------------------------------------------------------------------

    /// Spawns the child and returns once it has exec'd, with std's errors: a program that is
    /// missing, not executable, a bad working directory … come back as the `io::Error` std
    /// gives. Streams not set are inherited.
    ///
    /// ```
    /// use aspawn::Command;
    ///
    /// let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
    /// assert_eq!(child.wait()?.code(), Some(3));
    /// let err = Command::new("/").spawn().unwrap_err(); // a directory
    /// assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawn(&mut self) -> io::Result<Child> {
        self.spawn_with([Default_::Inherit; 3], SYNC)?.wait_released()
    }

    /// Spawns the child and returns at once, before it has exec'd: the parent never waits for
    /// `execve`. [`PendingChild::wait_released`] gives the [`Child`] (or the error `spawn`
    /// would have given).
    ///
    /// ```
    /// let pending = aspawn::Command::new("true").spawn_nowait()?;
    /// let pid = pending.id();                       // known at once
    /// let mut child = pending.wait_released()?;     // exec'd (or its error)
    /// assert_eq!(child.id(), pid);
    /// assert!(child.wait()?.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawn_nowait(&mut self) -> io::Result<PendingChild> {
        self.spawn_with([Default_::Inherit; 3], NOWAIT)
    }

    /// Runs the command (streams inherited) and waits for its exit status.
    ///
    /// ```
    /// let status = aspawn::Command::new("false").status()?;
    /// assert_eq!(status.code(), Some(1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn status(&mut self) -> io::Result<ExitStatus> {
        // One sleep, until the exit; the child comes back reaped.
        self.spawn_with([Default_::Inherit; 3], SYNC)?.wait()?.wait()
    }

    /// Runs the command and collects its output: stdout and stderr are piped and stdin is
    /// `/dev/null` unless set.
    ///
    /// ```
    /// let script = "echo out; echo err >&2; exit 2";
    /// let out = aspawn::Command::new("sh").args(["-c", script]).output()?;
    /// assert_eq!((out.stdout, out.stderr), (b"out\n".to_vec(), b"err\n".to_vec()));
    /// assert_eq!(out.status.code(), Some(2));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn output(&mut self) -> io::Result<Output> {
        let pending = self.spawn_with([Default_::Null, Default_::Piped, Default_::Piped], SYNC)?;
        pending.wait_released()?.wait_with_output()
    }

    /// `spawn_nowait` with `output`'s defaults (stdin null, stdout and stderr piped).
    #[cfg(feature = "tokio")]
    pub(crate) fn spawn_nowait_output(&mut self) -> io::Result<PendingChild> {
        self.spawn_with([Default_::Null, Default_::Piped, Default_::Piped], NOWAIT)
    }

    fn spawn_with(&mut self, defaults: [Default_; 3], opts: u8) -> io::Result<PendingChild> {
        let spawned = self.spawn_once(defaults, opts);
        // The fds given with `fd` belong to this spawn only, as with std: closed now (the
        // child, if any, has its own copies).
        for n in std::mem::take(&mut self.spent_by_spawn) {
            self.fd_map.remove(&n);
        }
        spawned
    }

    fn spawn_once(&mut self, defaults: [Default_; 3], opts: u8) -> io::Result<PendingChild> {
        use crate::stack::{PIDFD_OR_NONE, WANT_PIDFD};
        let rest = opts & !(WANT_PIDFD | PIDFD_OR_NONE);
        let opts = match self.create_pidfd {
            None => opts,
            Some(true) => rest | WANT_PIDFD,
            Some(false) => rest,
        };
        let mut prepared = self.prepare(defaults)?;
        prepared.pipes.show_pidfd = self.create_pidfd == Some(true);
        let stack = self.stack_for(&prepared)?;
        let spawned = match self.spawn_on(stack, &prepared, opts) {
            Err(e) => match e.kind() {
                // The pool's stacks are too small for this environment and argument list.
                SpawnErrorKind::StackTooSmall { needed, .. } => {
                    let bigger = big_stack(needed.saturating_mul(2))?;
                    self.spawn_on(bigger, &prepared, opts)?
                }
                _ => return Err(e.into()),
            },
            Ok(s) => s,
        };
        Ok(PendingChild::new(spawned, prepared.pipes))
    }

    fn spawn_on(
        &self,
        mut stack: Stack,
        prepared: &Prepared<'_>,
        opts: u8,
    ) -> Result<Spawned, SpawnError> {
        // The options travel in the stack to the engine's conversion into a `Launch`. The
        // cgroup fd is lent: `self` keeps it open until the spawn below has returned.
        stack.preset = opts;
        stack.preset_cgroup = self.cgroup.as_ref().map(|fd| fd.as_raw_fd());
        match &self.hook {
            None => crate::spawn!(stack, child::command_child, (prepared)),
            Some(h) => (h.spawn)(stack, prepared),
        }
    }

    /// A stack from the pool, or a bigger one when the arguments clearly need it.
    fn stack_for(&self, prepared: &Prepared<'_>) -> io::Result<Stack> {
        let pool = self.pool.as_ref().unwrap_or_else(|| StackPool::global());
        let need = prepared.estimate() + crate::stack::MIN_CHILD_STACK + 16 * 1024;
        if need > pool.stack_size() { big_stack(need) } else { pool.get() }
    }

    /// Everything the parent does before the clone: checks, pipes, the fd map, the environment.
    fn prepare(&self, defaults: [Default_; 3]) -> io::Result<Prepared<'_>> {
        if self.saw_nul {
            return Err(nul_error());
        }
        if let Some(e) = &self.deferred {
            return Err(match e.raw_os_error() {
                Some(n) => io::Error::from_raw_os_error(n),
                None => io::Error::new(e.kind(), e.to_string()),
            });
        }
        let mut pipes = Pipes::default();
        // Pass 1: what each standard stream becomes; the child's ends of new pipes.
        let mut ends: [Option<OwnedFd>; 3] = [None, None, None];
        let mut want: [Want; 3] = [Want::Inherit; 3];
        let configs = [&self.stdin, &self.stdout, &self.stderr];
        for (n, (cfg, default)) in configs.into_iter().zip(defaults).enumerate() {
            let kind = match (cfg.as_ref().map(|s| &s.0), default) {
                (Some(Kind::Inherit), _) | (None, Default_::Inherit) => Want::Inherit,
                (Some(Kind::Null), _) | (None, Default_::Null) => Want::Null,
                (Some(Kind::Piped), _) | (None, Default_::Piped) => {
                    let (r, w) = io::pipe()?;
                    let (mine, theirs): (OwnedFd, OwnedFd) =
                        if n == 0 { (w.into(), r.into()) } else { (r.into(), w.into()) };
                    match n {
                        0 => pipes.stdin = Some(mine.into()),
                        1 => pipes.stdout = Some(mine.into()),
                        _ => pipes.stderr = Some(mine.into()),
                    }
                    ends[n] = Some(theirs);
                    Want::Pipe
                }
                (Some(Kind::Fd(_)), _) => Want::Fd,
                (Some(Kind::Parent(p)), _) => Want::Parent(*p),
                (Some(Kind::Unreadable), _) => {
                    return Err(io::Error::new(
                        io::ErrorKind::Unsupported,
                        "a std::process::Stdio converted to aspawn::Stdio whose setting could \
                         not be read from std's Debug output: use aspawn::Stdio::piped(), \
                         null(), inherit() or Stdio::from(fd) instead",
                    ));
                }
            };
            want[n] = kind;
        }
        let null: Option<OwnedFd> = if want.contains(&Want::Null) {
            Some(std::fs::File::options().read(true).write(true).open("/dev/null")?.into())
        } else {
            None
        };
        // Pass 2: the map `child fd -> parent fd`, in child-fd order.
        let mut map: BTreeMap<i32, BorrowedFd<'_>> = BTreeMap::new();
        for (n, w) in want.iter().enumerate() {
            let src = match w {
                Want::Inherit => continue,
                Want::Null => null.as_ref().map(|f| f.as_fd()),
                Want::Pipe => ends[n].as_ref().map(|f| f.as_fd()),
                Want::Fd => {
                    [&self.stdin, &self.stdout, &self.stderr][n].as_ref().and_then(|s| match &s.0 {
                        Kind::Fd(f) => Some(f.as_fd()),
                        _ => None,
                    })
                }
                Want::Parent(1) => Some(io::stdout_fd()),
                Want::Parent(_) => Some(io::stderr_fd()),
            };
            if let Some(src) = src {
                map.insert(n as i32, src);
            }
        }
        for (&dst, src) in &self.fd_map {
            map.insert(dst, src.as_fd());
        }
        // Make the map safe to apply in order, in the child, with `dup2` alone.
        let max_dst = map.keys().next_back().copied().unwrap_or(2).max(2);
        let mut held: Vec<OwnedFd> = Vec::new();
        let mut fds: Vec<String> = Vec::with_capacity(map.len() * 2);
        let mut done: Vec<i32> = Vec::with_capacity(map.len());
        for (&dst, &src_fd) in &map {
            let mut src = src_fd.as_raw_fd();
            if done.contains(&src) {
                // An earlier `dup2` replaces this source in the child: use a copy above them all.
                let moved = rustix::io::fcntl_dupfd_cloexec(src_fd, max_dst + 1)?;
                src = moved.as_raw_fd();
                held.push(moved);
            } else if dst > 2 && src != dst {
                // Hold `dst` in the parent across the clone, so the engine's report pipe cannot
                // take that number (the child may not `dup2` over the report fd).
                let dup = rustix::io::fcntl_dupfd_cloexec(src_fd, dst)?;
                if dup.as_raw_fd() == dst {
                    src = dst;
                    held.push(dup);
                }
            }
            done.push(dst);
            fds.push(src.to_string());
            fds.push(dst.to_string());
        }
        drop(map);
        held.extend(ends.into_iter().flatten());
        held.extend(null);
        let env = self.env_for_child()?;
        let clear_groups = self.uid.is_some() && self.groups.is_none();
        Ok(Prepared { cmd: self, env, fds, clear_groups, exec: false, pipes, _held: held })
    }

    /// The child's environment: the parent's as read now (under std's lock), in `environ`'s
    /// order; with changes, the merged variables in key order, as std builds them (a duplicate
    /// name in `environ` keeps its last value). A NUL in a variable that is set is
    /// `InvalidInput`, as in std; removed names are never looked at.
    fn env_for_child(&self) -> io::Result<Vec<(OsString, OsString)>> {
        let mut vars = if self.env.clear { Vec::new() } else { crate::environ::snapshot() };
        if self.env.vars.is_empty() {
            return Ok(vars);
        }
        // Stable: among equal names, `environ`'s order stays, and the last one wins below.
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(OsString, OsString)> =
            Vec::with_capacity(vars.len() + self.env.vars.len());
        let mut changes = self.env.vars.iter().peekable();
        let set = |out: &mut Vec<(OsString, OsString)>, k: &OsString, v: &Option<OsString>| {
            if let Some(v) = v {
                if has_nul(k) || has_nul(v) {
                    return Err(nul_error());
                }
                out.push((k.clone(), v.clone()));
            }
            Ok(())
        };
        for (k, v) in vars {
            while let Some((ck, cv)) = changes.next_if(|(ck, _)| **ck < k) {
                set(&mut out, ck, cv)?;
            }
            if changes.peek().is_some_and(|(ck, _)| **ck == k) {
                continue; // set or removed by the command; placed when a later name comes
            }
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        for (ck, cv) in changes {
            set(&mut out, ck, cv)?;
        }
        Ok(out)
    }
}

fn nul_error() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "nul byte found in provided data")
}

/// A stack of at least `need` usable bytes for a spawn whose arguments outgrow the pool's:
/// from a process-wide pool per power of two (up to 64 MiB), so that a large environment does
/// not cost an `mmap`, an `munmap` and fresh page faults on every spawn.
fn big_stack(need: usize) -> io::Result<Stack> {
    const CLASSES: usize = 10;
    const SMALLEST: u32 = 17; // 128 KiB
    static POOLS: [std::sync::OnceLock<StackPool>; CLASSES] =
        [const { std::sync::OnceLock::new() }; CLASSES];
    let class = need.checked_next_power_of_two().map_or(u32::MAX, |c| c.trailing_zeros());
    let index = class.max(SMALLEST) - SMALLEST;
    match POOLS.get(index as usize) {
        Some(pool) => {
            let size = 1usize << (index + SMALLEST);
            // Keep a few of the smaller ones; one of those above 1 MiB.
            let idle = if size <= 1 << 20 { 4 } else { 1 };
            pool.get_or_init(|| StackPool::with_max_idle(size, idle)).get()
        }
        None => Stack::with_size(need),
    }
}

mod io {
    //! `std::io` plus the parent's stdout/stderr as `BorrowedFd<'static>`.
    pub(super) use std::io::*;
    use std::os::fd::BorrowedFd;

    pub(super) fn stdout_fd() -> BorrowedFd<'static> {
        static OUT: std::sync::LazyLock<std::io::Stdout> =
            std::sync::LazyLock::new(std::io::stdout);
        std::os::fd::AsFd::as_fd(&*OUT)
    }

    pub(super) fn stderr_fd() -> BorrowedFd<'static> {
        static ERR: std::sync::LazyLock<std::io::Stderr> =
            std::sync::LazyLock::new(std::io::stderr);
        std::os::fd::AsFd::as_fd(&*ERR)
    }
}

/// One spawn's parent-side state: what the child fn's [`child::Plan`] is placed from.
#[doc(hidden)]
pub struct Prepared<'a> {
    cmd: &'a Command,
    /// The child's environment, read and merged by `env_for_child`.
    env: Vec<(OsString, OsString)>,
    fds: Vec<String>,
    clear_groups: bool,
    /// For `Command::exec`: the options apply to this process, whose parent is `getppid()`, and
    /// unkept fds are marked close-on-exec rather than closed (the process goes on, with its
    /// fds, if `execve` fails).
    exec: bool,
    pipes: Pipes,
    /// Parent fds the child maps (pipe ends, `/dev/null`, moved copies): open until the clone.
    _held: Vec<OwnedFd>,
}

impl Prepared<'_> {
    /// Bytes the placed plan takes, roughly (strings, pointer arrays, alignment).
    fn estimate(&self) -> usize {
        let strs = |it: &mut dyn Iterator<Item = usize>| -> usize {
            let mut n = 0;
            for len in it {
                n += len + 1 + 8;
            }
            n + 16
        };
        let env = crate::environ::placed_size(&self.env) + 16;
        strs(&mut self.cmd.args.iter().map(|a| a.len()))
            + env
            + strs(&mut self.fds.iter().map(|s| s.len()))
            + self.cmd.program.len()
            + self.cmd.cwd.as_ref().map_or(0, |c| c.as_os_str().len() + 1)
            + self.cmd.groups.as_ref().map_or(0, |g| g.len() * 4)
            + 1024
    }
}

impl crate::arg::sealed_place::Sealed<child::Plan> for &Prepared<'_> {}
impl Place<child::Plan> for &Prepared<'_> {
    fn place(self, p: &mut Placer<'_>) -> Result<child::Plan, SpawnError> {
        let cmd = self.cmd;
        let prog: CStrRef = Place::place(cmd.program.as_os_str(), p)?;
        let argv = Place::place(&cmd.args, p)?;
        let envp: Envp =
            crate::environ::place_pairs(p, self.env.len(), self.env.iter().map(|(k, v)| (k, v)))?;
        let cwd: Option<CStrRef> = match &cmd.cwd {
            Some(c) => Some(Place::place(c.as_path(), p)?),
            None => None,
        };
        let fds = Place::place(&self.fds, p)?;
        let groups = match &cmd.groups {
            Some(g) => Some(Place::place(g, p)?),
            None => None,
        };
        // The process whose death `pdeathsig` watches: ours, or for `exec` our parent (0 when
        // it is outside our pid namespace, which is also what the child's `getppid` sees).
        let parent = match self.exec {
            false => std::process::id() as i32,
            true => rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get()),
        };
        let close_flags = if self.exec { crate::consts::CLOSE_RANGE_CLOEXEC } else { 0 };
        Ok((
            (prog, argv, envp, cwd),
            fds,
            (
                cmd.close_others.then_some(close_flags),
                cmd.setsid,
                cmd.pgroup,
                cmd.umask,
                cmd.pdeathsig.map(|s| (s, parent)),
                self.clear_groups,
            ),
            (cmd.uid, cmd.gid, groups),
            cmd.rlimits,
        ))
    }
}

/// The arguments of a [`Command`] ([`Command::get_args`]).
pub struct CommandArgs<'a> {
    inner: std::slice::Iter<'a, OsString>,
}

impl<'a> Iterator for CommandArgs<'a> {
    type Item = &'a OsStr;
    fn next(&mut self) -> Option<&'a OsStr> {
        self.inner.next().map(|s| s.as_os_str())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for CommandArgs<'_> {}

impl std::fmt::Debug for CommandArgs<'_> {
    /// As std's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct List<'a>(std::slice::Iter<'a, OsString>);
        impl std::fmt::Debug for List<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(self.0.clone().map(|a| CDebug(a))).finish()
            }
        }
        f.debug_struct("CommandArgs").field("inner", &List(self.inner.clone())).finish()
    }
}

/// The environment changes of a [`Command`] ([`Command::get_envs`]).
pub struct CommandEnvs<'a> {
    inner: std::collections::btree_map::Iter<'a, OsString, Option<OsString>>,
}

impl<'a> Iterator for CommandEnvs<'a> {
    type Item = (&'a OsStr, Option<&'a OsStr>);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k.as_os_str(), v.as_deref()))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for CommandEnvs<'_> {}

impl std::fmt::Debug for CommandEnvs<'_> {
    /// As std's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandEnvs").field("iter", &self.inner).finish()
    }
}

/// `{:?}` prints a shell-like line and `{:#?}` a struct, exactly as std's `Command` does on
/// Linux (the same escapes: the program, argv\[0\] and the working directory as C strings, the
/// other arguments and the environment's values as `OsStr`s, a string with a NUL as std's
/// `"<string-with-nul>"`). The alternate form then lists aspawn's own options, when set, after
/// std's fields.
impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if f.alternate() {
            return self.fmt_struct(f);
        }
        if let Some(dir) = &self.cwd {
            write!(f, "cd {:?} && ", CDebug(dir.as_os_str()))?;
        }
        if self.env.clear {
            write!(f, "env -i ")?;
        } else {
            let mut removed = self.env.vars.iter().filter(|(_, v)| v.is_none()).peekable();
            if removed.peek().is_some() {
                write!(f, "env ")?;
            }
            for (k, _) in removed {
                write!(f, "-u {} ", k.to_string_lossy())?;
            }
        }
        for (k, v) in &self.env.vars {
            if let Some(v) = v {
                write!(f, "{}={v:?} ", k.to_string_lossy())?;
            }
        }
        if self.args[0] != self.program {
            write!(f, "[{:?}] ", CDebug(&self.program))?;
        }
        write!(f, "{:?}", CDebug(&self.args[0]))?;
        for a in &self.args[1..] {
            write!(f, " {:?}", OsDebug(a))?;
        }
        Ok(())
    }
}

impl Command {
    fn fmt_struct(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Args<'a>(&'a [OsString]);
        impl std::fmt::Debug for Args<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(self.0.iter().map(|a| CDebug(a))).finish()
            }
        }
        struct Env<'a>(&'a EnvChanges);
        impl std::fmt::Debug for Env<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("CommandEnv")
                    .field("clear", &self.0.clear)
                    .field("vars", &self.0.vars)
                    .finish()
            }
        }
        let mut d = f.debug_struct("Command");
        d.field("program", &CDebug(&self.program)).field("args", &Args(&self.args));
        if self.env.clear || !self.env.vars.is_empty() {
            d.field("env", &Env(&self.env));
        }
        if let Some(dir) = &self.cwd {
            d.field("cwd", &Some(CDebug(dir.as_os_str())));
        }
        if self.uid.is_some() {
            d.field("uid", &self.uid);
        }
        if self.gid.is_some() {
            d.field("gid", &self.gid);
        }
        if self.groups.is_some() {
            d.field("groups", &self.groups);
        }
        for (name, s) in
            [("stdin", &self.stdin), ("stdout", &self.stdout), ("stderr", &self.stderr)]
        {
            if let Some(s) = s {
                d.field(name, &Some(stdio::StdShape(&s.0)));
            }
        }
        if self.pgroup.is_some() {
            d.field("pgroup", &self.pgroup);
        }
        // std prints its (unstable) `create_pidfd` option on Linux: the setting, `false` unless
        // `create_pidfd(true)` (the private pidfd of the default is not std's to show).
        d.field("create_pidfd", &(self.create_pidfd == Some(true)));
        // aspawn's own options, which std's `Command` does not have.
        if self.setsid {
            d.field("setsid", &self.setsid);
        }
        if self.umask.is_some() {
            d.field("umask", &self.umask);
        }
        if self.rlimits.iter().any(Option::is_some) {
            let set: BTreeMap<usize, (u64, u64)> =
                self.rlimits.iter().enumerate().filter_map(|(r, l)| Some((r, (*l)?))).collect();
            d.field("rlimits", &set);
        }
        if self.pdeathsig.is_some() {
            d.field("pdeathsig", &self.pdeathsig);
        }
        if !self.fd_map.is_empty() {
            d.field("fd_map", &self.fd_map);
        }
        if self.hook.is_some() {
            d.field("child_hook", &format_args!(".."));
        }
        if let Some(pool) = &self.pool {
            d.field("stack_pool", &pool.stack_size());
        }
        if let Some(dir) = &self.cgroup {
            d.field("cgroup", dir);
        }
        #[cfg(feature = "tokio")]
        if self.kill_on_drop {
            d.field("kill_on_drop", &self.kill_on_drop);
        }
        if let Some(e) = &self.deferred {
            d.field("deferred_error", e);
        }
        d.finish()
    }
}

/// A string as std's `Command` stores it, a C string: its `Debug`, or std's placeholder for a
/// string with a NUL.
struct CDebug<'a>(&'a OsStr);

impl std::fmt::Debug for CDebug<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::ffi::CString::new(self.0.as_bytes()) {
            Ok(c) => c.fmt(f),
            Err(_) => c"<string-with-nul>".fmt(f),
        }
    }
}

/// An argument as std's `Command::get_args` gives it back (the placeholder for a NUL).
struct OsDebug<'a>(&'a OsStr);

impl std::fmt::Debug for OsDebug<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if has_nul(self.0) { "<string-with-nul>".fmt(f) } else { self.0.fmt(f) }
    }
}
