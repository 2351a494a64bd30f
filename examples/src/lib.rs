//! Shared code for the examples: the peers the demo times aspawn against, and a median.

use std::ffi::{CStr, CString, c_char};
use std::time::Duration;

/// glibc's `posix_spawn` of a program with the parent's environment: the baseline the demo
/// compares with (the caller is parked until the child has exec'd).
pub struct PosixSpawn {
    path: CString,
    // Owns the strings `argv_ptrs` points to.
    _argv: Vec<CString>,
    argv_ptrs: Vec<*const c_char>,
}

unsafe extern "C" {
    static environ: *const *const c_char;
}

impl PosixSpawn {
    /// Prepares `path` with `argv`.
    pub fn new(path: &CStr, argv: &[&CStr]) -> Self {
        let argv: Vec<CString> = argv.iter().map(|&a| a.to_owned()).collect();
        let argv_ptrs =
            argv.iter().map(|a| a.as_ptr()).chain(std::iter::once(std::ptr::null())).collect();
        PosixSpawn { path: path.to_owned(), _argv: argv, argv_ptrs }
    }

    /// Starts the program; returns its pid once the child has exec'd.
    pub fn spawn(&self) -> std::io::Result<libc::pid_t> {
        let mut pid = 0;
        // SAFETY: valid out-pointer, NUL-terminated path, NULL-terminated argv owned by
        // `self`, and libc's own `environ`; NULL file actions and attributes are allowed.
        let err = unsafe {
            libc::posix_spawn(
                &mut pid,
                self.path.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                self.argv_ptrs.as_ptr().cast(),
                environ.cast(),
            )
        };
        if err == 0 { Ok(pid) } else { Err(std::io::Error::from_raw_os_error(err)) }
    }
}

/// Waits for `pid` and returns its raw wait status.
pub fn waitpid(pid: libc::pid_t) -> std::io::Result<i32> {
    let mut status = 0;
    // SAFETY: valid out-pointer; `pid` is our child.
    if unsafe { libc::waitpid(pid, &mut status, 0) } == pid {
        Ok(status)
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The median of `samples` (sorted in place); zero for none.
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Microseconds, for tables.
pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_spawn_runs_true() {
        let p = PosixSpawn::new(c"/bin/true", &[c"true"]);
        let pid = p.spawn().unwrap();
        let status = waitpid(pid).unwrap();
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    }

    #[test]
    fn median_of_odd_and_even() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(&mut []), Duration::ZERO);
    }
}

/// The repository README's examples, compiled and run as doctests of this package (the
/// published `aspawn` package runs its own README's the same way). `tests/tests/readme.rs`
/// checks that every `rust` block of both READMEs is a complete program that a doctest runs.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RootReadmeDoctests;
