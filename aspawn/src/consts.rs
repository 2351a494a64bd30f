//! Constants for [`Ctx`](crate::Ctx)'s methods, as plain integers (the child may only hold child
//! values), taken from `linux-raw-sys` for the target architecture.
//!
//! ```
//! use aspawn::consts::{O_CLOEXEC, O_RDONLY, SIGTERM};
//! assert_eq!(O_RDONLY, 0);
//! assert_eq!(SIGTERM, 15);
//! # let _ = O_CLOEXEC;
//! ```

use linux_raw_sys::general as k;

macro_rules! consts {
    ($ty:ty: $($name:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        pub const $name: $ty = k::$name as $ty;
    )*};
}

consts!(u32:
    O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECTORY,
    O_NOFOLLOW, O_CLOEXEC, O_PATH, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, EPOLL_CTL_ADD, EPOLL_CTL_MOD,
    EPOLL_CTL_DEL, EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLL_CLOEXEC,
    RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_NOFILE, RLIMIT_AS,
    RLIMIT_NPROC, RLIMIT_MEMLOCK, RLIMIT_NICE, RLIMIT_RTPRIO,
    CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
    CLONE_NEWCGROUP, CLONE_FILES, CLONE_FS,
);

consts!(i32:
    AT_FDCWD, SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1,
    SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU,
    SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS,
    PRIO_PROCESS, PRIO_PGRP, PRIO_USER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE,
);

/// `CLOSE_RANGE_UNSHARE`.
pub const CLOSE_RANGE_UNSHARE: u32 = 1 << 1;
/// `CLOSE_RANGE_CLOEXEC`.
pub const CLOSE_RANGE_CLOEXEC: u32 = 1 << 2;
/// `SCHED_OTHER`.
pub const SCHED_OTHER: i32 = 0;

/// `RLIM_INFINITY`: no limit.
pub const RLIM_INFINITY: u64 = u64::MAX;
