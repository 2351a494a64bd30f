//! The methods aspawn is measured against. Each starts `/bin/true` (see [`Target`]), except
//! [`Floor`], whose child exits without exec'ing: it is the cost of the clone alone.
//! [`FloorExec`] is the floor of every method that execs: the same clone, whose child
//! raw-`execve`s the target at once — exactly the child's work, with nothing around it.

use std::process::{Child, Command};
use std::ptr::NonNull;

use crate::{Spawner, Target, arch, reap_pid};

/// Turns a raw syscall's `-errno` convention into a pid, panicking on failure.
fn pid_or_panic(what: &str, ret: isize) -> libc::pid_t {
    assert!(ret > 0, "{what}: {}", std::io::Error::from_raw_os_error(-ret as i32));
    ret as libc::pid_t
}

/// The floor: `clone(CLONE_VM | SIGCHLD)` onto a 64 KiB mmap'd stack, the child calling
/// `exit(0)` at once. Nothing aspawn does can be cheaper than this one syscall.
pub struct Floor {
    stack: NonNull<u8>,
    len: usize,
}

impl Floor {
    /// Maps the (reused) stack.
    pub fn new() -> Self {
        let len = 64 << 10;
        // SAFETY: a fresh private anonymous mapping.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
                -1,
                0,
            )
        };
        assert!(p != libc::MAP_FAILED, "mmap floor stack");
        Floor { stack: NonNull::new(p.cast()).expect("mmap never returns NULL here"), len }
    }
}

impl Default for Floor {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Floor {
    fn drop(&mut self) {
        // SAFETY: every child was reaped in `reap` (the type has no other way to end one),
        // so nothing runs on this stack any more.
        unsafe { libc::munmap(self.stack.as_ptr().cast(), self.len) };
    }
}

impl Spawner for Floor {
    type InFlight = libc::pid_t;

    #[inline]
    fn spawn(&mut self) -> libc::pid_t {
        let flags = (libc::CLONE_VM | libc::SIGCHLD) as u64;
        // SAFETY: the stack is mapped for as long as `self` lives, and `self` outlives every
        // child because `reap` is the only way to finish one. The child never writes to it.
        let ret = unsafe { arch::clone_vm_exit(flags, self.stack.as_ptr().add(self.len)) };
        pid_or_panic("clone(CLONE_VM)", ret)
    }

    fn reap(&mut self, pid: libc::pid_t) {
        reap_pid(pid);
    }
}

/// The exec floor: `clone(CLONE_VM | SIGCHLD)` onto a reused 64 KiB stack, the child calling
/// `execve` on the target at once (no signal mask, no handler reset, no report). The parent
/// returns when the clone does; the exec is waited for outside the timed region, as for
/// every method.
pub struct FloorExec {
    floor: Floor,
    target: Target,
}

impl FloorExec {
    /// The exec floor for `/bin/true`.
    pub fn bin_true() -> Self {
        FloorExec { floor: Floor::new(), target: Target::bin_true() }
    }
}

impl Spawner for FloorExec {
    type InFlight = libc::pid_t;

    #[inline]
    fn spawn(&mut self) -> libc::pid_t {
        let flags = (libc::CLONE_VM | libc::SIGCHLD) as u64;
        let t = &self.target;
        // SAFETY: the stack is mapped while `self` lives and every child is reaped (`reap`)
        // before the next spawn; the target's strings live in `self`.
        let ret = unsafe {
            arch::clone_vm_execve(
                flags,
                self.floor.stack.as_ptr().add(self.floor.len),
                t.path().as_ptr(),
                t.argv(),
                t.envp(),
            )
        };
        pid_or_panic("clone(CLONE_VM)", ret)
    }

    fn reap(&mut self, pid: libc::pid_t) {
        reap_pid(pid);
    }
}

/// The exec floor with aspawn's clone: `clone3(CLONE_VM | CLONE_CHILD_CLEARTID |
/// CLONE_CLEAR_SIGHAND, exit_signal = SIGCHLD)` onto a reused 64 KiB stack, the child
/// calling `execve` at once. Against [`FloorExec`] it shows what the kernel charges for the
/// flags aspawn's default spawn needs (the release word, the handler reset), with nothing
/// around them; what aspawn adds over it is its own.
pub struct FloorClone3Exec {
    floor: Floor,
    target: Target,
    /// The `CLONE_CHILD_CLEARTID` word (the kernel clears it at the exec; nobody waits on it).
    tid: Box<u32>,
}

impl FloorClone3Exec {
    /// The clone3 exec floor for `/bin/true`.
    pub fn bin_true() -> Self {
        FloorClone3Exec { floor: Floor::new(), target: Target::bin_true(), tid: Box::new(0) }
    }
}

impl Spawner for FloorClone3Exec {
    type InFlight = libc::pid_t;

    #[inline]
    fn spawn(&mut self) -> libc::pid_t {
        const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
        let t = &self.target;
        // `struct clone_args`, CLONE_ARGS_SIZE_VER0 (64 bytes): flags, pidfd, child_tid,
        // parent_tid, exit_signal, stack, stack_size, tls.
        let mut args: [u64; 8] = [
            (libc::CLONE_VM | libc::CLONE_CHILD_CLEARTID) as u64 | CLONE_CLEAR_SIGHAND,
            0,
            &mut *self.tid as *mut u32 as u64,
            0,
            libc::SIGCHLD as u64,
            self.floor.stack.as_ptr() as u64,
            self.floor.len as u64,
            0,
        ];
        // SAFETY: `args` is a valid VER0 `clone_args` for the call; the stack and the tid word
        // live in `self`, which outlives every child (`reap` waits for each); the target's
        // strings too.
        let ret = unsafe {
            arch::clone3_vm_execve(args.as_mut_ptr(), 64, t.path().as_ptr(), t.argv(), t.envp())
        };
        pid_or_panic("clone3(CLONE_VM)", ret)
    }

    fn reap(&mut self, pid: libc::pid_t) {
        reap_pid(pid);
    }
}

/// `vfork` + `execve` as raw syscalls: the parent is suspended until the child has exec'd.
pub struct VforkExec(pub Target);

impl Spawner for VforkExec {
    type InFlight = libc::pid_t;

    #[inline]
    fn spawn(&mut self) -> libc::pid_t {
        let t = &self.0;
        // SAFETY: the target's strings and arrays live in `self` for the whole call.
        let ret = unsafe { arch::vfork_execve(t.path().as_ptr(), t.argv(), t.envp()) };
        pid_or_panic("vfork", ret)
    }

    fn reap(&mut self, pid: libc::pid_t) {
        reap_pid(pid);
    }
}

/// glibc `fork()`, then `execve` in the child: the parent returns as soon as its address
/// space has been duplicated (copy-on-write page tables).
pub struct ForkExec(pub Target);

impl Spawner for ForkExec {
    type InFlight = libc::pid_t;

    #[inline]
    fn spawn(&mut self) -> libc::pid_t {
        let t = &self.0;
        // SAFETY: fork has no preconditions; the child below calls only the
        // async-signal-safe `execve` and `_exit` on memory it owns (its own copy).
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: in the forked child: arguments are valid copies; `_exit` never returns.
            unsafe {
                libc::execve(t.path().as_ptr(), t.argv(), t.envp());
                libc::_exit(127);
            }
        }
        assert!(pid > 0, "fork: {}", std::io::Error::last_os_error());
        pid
    }

    fn reap(&mut self, pid: libc::pid_t) {
        reap_pid(pid);
    }
}

/// glibc `posix_spawn` with no file actions and no attributes.
pub struct PosixSpawn(pub Target);

impl Spawner for PosixSpawn {
    type InFlight = libc::pid_t;

    #[inline]
    fn spawn(&mut self) -> libc::pid_t {
        let t = &self.0;
        let mut pid = 0;
        // SAFETY: valid out-pointer, NUL-terminated path, NULL-terminated argv/envp that
        // live in `self`; NULL file actions and attributes are allowed.
        let err = unsafe {
            libc::posix_spawn(
                &mut pid,
                t.path().as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                t.argv().cast(),
                t.envp().cast(),
            )
        };
        assert!(err == 0, "posix_spawn: {}", std::io::Error::from_raw_os_error(err));
        pid
    }

    fn reap(&mut self, pid: libc::pid_t) {
        reap_pid(pid);
    }
}

/// `std::process::Command::spawn`, one `Command` built once and spawned again and again
/// (std's `posix_spawn` path: inherited stdio, no `pre_exec`).
pub struct StdCommand(pub Command);

impl StdCommand {
    /// `Command::new("/bin/true")`.
    pub fn bin_true() -> Self {
        StdCommand(Command::new("/bin/true"))
    }
}

impl Spawner for StdCommand {
    type InFlight = Child;

    #[inline]
    fn spawn(&mut self) -> Child {
        self.0.spawn().expect("Command::spawn")
    }

    fn reap(&mut self, mut child: Child) {
        let status = child.wait().expect("Child::wait");
        assert!(status.success(), "/bin/true: {status}");
    }
}
