//! The size of the parent's environment, read from `environ` without copying it.
//!
//! # Safety
//!
//! Reads libc's `environ` as `Envp::inherit()` does when it places it (see `arg.rs`): a
//! NULL-terminated array of C strings, which Rust makes `unsafe` to change (`set_var`) for this
//! reason.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_char};

unsafe extern "C" {
    static environ: *const *const c_char;
}

/// `(entries, bytes)` of the parent's environment now, each entry's bytes counted with its NUL.
pub(super) fn size() -> (usize, usize) {
    // SAFETY: see the module's safety note.
    let env = unsafe { environ };
    let (mut n, mut bytes) = (0, 0);
    if env.is_null() {
        return (0, 0);
    }
    loop {
        // SAFETY: NULL-terminated array: every slot up to the NULL is readable.
        let p = unsafe { *env.add(n) };
        if p.is_null() {
            return (n, bytes);
        }
        // SAFETY: a valid C string (see above).
        bytes += unsafe { CStr::from_ptr(p) }.count_bytes() + 1;
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn size_agrees_with_vars_os() {
        let (n, bytes) = super::size();
        let vars: Vec<_> = std::env::vars_os().collect();
        assert_eq!(n, vars.len());
        let want: usize =
            vars.iter().map(|(k, v)| k.as_bytes().len() + v.as_bytes().len() + 2).sum();
        assert_eq!(bytes, want);
    }
}
