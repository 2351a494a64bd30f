//! The C library aspawn descends from ([NobodyXu/aspawn](https://github.com/NobodyXu/aspawn)),
//! measured side by side when `ASPAWN_C_LIB` names a shared build of it (`libaspawn.so`);
//! the rows are left out otherwise. Its child does what ours does: it restores the signal mask
//! with the library's `psys_sigprocmask` and `psys_execve`s `/bin/true`; the parent reads
//! nothing from the library's pipe on the timed path (the pipe's read end is closed when the
//! child is reaped, outside the timed region).

use std::ffi::{CString, c_char, c_int, c_void};

use crate::{Spawner, Target, reap_pid};

#[repr(C)]
struct CStack {
    addr: *mut c_void,
    size: usize,
}

type ChildFn = unsafe extern "C" fn(*mut c_void, c_int, *mut c_void) -> c_int;
type InitFn = unsafe extern "C" fn(*mut CStack);
type ReserveFn = unsafe extern "C" fn(*mut CStack, usize, usize) -> c_int;
type AspawnFn =
    unsafe extern "C" fn(*mut libc::pid_t, *const CStack, ChildFn, *mut c_void) -> c_int;
type SigprocmaskFn = unsafe extern "C" fn(c_int, *const c_void, *mut c_void) -> c_int;
type ExecveFn =
    unsafe extern "C" fn(*const c_char, *const *const c_char, *const *const c_char) -> c_int;

struct Api {
    init_cached_stack: InitFn,
    reserve_stack: ReserveFn,
    aspawn: AspawnFn,
    sigprocmask: SigprocmaskFn,
    execve: ExecveFn,
}

/// What the child reads: the library's own syscall wrappers and the program to run.
#[repr(C)]
struct ChildArgs {
    sigprocmask: SigprocmaskFn,
    execve: ExecveFn,
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
}

/// The child: restore the mask, exec (the library's pure-syscall wrappers only).
unsafe extern "C" fn child(arg: *mut c_void, _write_end: c_int, old_sigset: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `ChildArgs` the parent keeps alive until this child is reaped.
    let a = unsafe { &*(arg as *const ChildArgs) };
    // SAFETY: the library's wrappers make one raw syscall each; the arguments are valid.
    unsafe {
        (a.sigprocmask)(libc::SIG_SETMASK, old_sigset, std::ptr::null_mut());
        (a.execve)(a.path, a.argv, a.envp)
    }
}

/// The C seed's `aspawn()` on one reused stack.
pub struct CSeed {
    api: Api,
    stack: CStack,
    args: Box<ChildArgs>,
    _target: Target,
}

impl CSeed {
    /// `None` when `ASPAWN_C_LIB` is unset; panics when it names something unusable.
    pub fn from_env(target: Target) -> Option<CSeed> {
        let path = std::env::var_os("ASPAWN_C_LIB")?;
        let c = CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str())).ok()?;
        // SAFETY: loading a library the user named; its constructors are none (plain C).
        let lib = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        assert!(!lib.is_null(), "ASPAWN_C_LIB: dlopen({path:?}) failed");
        let sym = |name: &std::ffi::CStr| {
            // SAFETY: a symbol lookup in the library just loaded.
            let p = unsafe { libc::dlsym(lib, name.as_ptr()) };
            assert!(!p.is_null(), "ASPAWN_C_LIB: no symbol {name:?}");
            p
        };
        // SAFETY: the symbols have the C signatures of the library's aspawn.h and syscall.h.
        let api = unsafe {
            Api {
                init_cached_stack: std::mem::transmute::<*mut c_void, InitFn>(sym(
                    c"init_cached_stack",
                )),
                reserve_stack: std::mem::transmute::<*mut c_void, ReserveFn>(sym(c"reserve_stack")),
                aspawn: std::mem::transmute::<*mut c_void, AspawnFn>(sym(c"aspawn")),
                sigprocmask: std::mem::transmute::<*mut c_void, SigprocmaskFn>(sym(
                    c"psys_sigprocmask",
                )),
                execve: std::mem::transmute::<*mut c_void, ExecveFn>(sym(c"psys_execve")),
            }
        };
        let mut stack = CStack { addr: std::ptr::null_mut(), size: 0 };
        // SAFETY: the library's own stack set-up, as its README shows.
        unsafe {
            (api.init_cached_stack)(&mut stack);
            let r = (api.reserve_stack)(&mut stack, 0, 0);
            assert_eq!(r, 0, "reserve_stack: {}", std::io::Error::from_raw_os_error(-r));
        }
        let args = Box::new(ChildArgs {
            sigprocmask: api.sigprocmask,
            execve: api.execve,
            path: target.path().as_ptr(),
            argv: target.argv(),
            envp: target.envp(),
        });
        Some(CSeed { api, stack, args, _target: target })
    }
}

impl Spawner for CSeed {
    type InFlight = (libc::pid_t, c_int);

    #[inline]
    fn spawn(&mut self) -> (libc::pid_t, c_int) {
        let mut pid = 0;
        let arg = &*self.args as *const ChildArgs as *mut c_void;
        // SAFETY: the stack was reserved; the previous child was reaped before this call, so
        // nothing runs on it; `args` outlives the child.
        let fd = unsafe { (self.api.aspawn)(&mut pid, &self.stack, child, arg) };
        assert!(fd >= 0, "aspawn (C): {}", std::io::Error::from_raw_os_error(-fd));
        (pid, fd)
    }

    fn reap(&mut self, (pid, fd): (libc::pid_t, c_int)) {
        reap_pid(pid);
        // SAFETY: the read end the library returned; ours to close.
        unsafe { libc::close(fd) };
    }
}
