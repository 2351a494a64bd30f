//! The program every benchmark spawns, prepared once in the parent.

use std::ffi::{CStr, CString, c_char};

/// A program, its `argv` and the parent's environment as the NULL-terminated pointer arrays
/// `execve` takes. Built once, outside every measured region.
pub struct Target {
    path: CString,
    // Owns the strings `argv_ptrs` points to.
    _argv: Vec<CString>,
    argv_ptrs: Vec<*const c_char>,
    // Owns the strings `envp_ptrs` points to.
    _envp: Vec<CString>,
    envp_ptrs: Vec<*const c_char>,
}

/// The parent's environment now, as `KEY=VALUE` C strings (read under std's lock).
pub fn environment_strings() -> Vec<CString> {
    std::env::vars_os()
        .map(|(k, v)| {
            let mut kv = k.into_encoded_bytes();
            kv.push(b'=');
            kv.extend(v.into_encoded_bytes());
            CString::new(kv).expect("environment entries have no NUL")
        })
        .collect()
}

impl Target {
    /// `/bin/true`, with `argv = ["true"]` and a copy of the parent's environment.
    pub fn bin_true() -> Self {
        Self::new(c"/bin/true", &[c"true"])
    }

    /// `path` with `argv` and a copy of the parent's environment.
    pub fn new(path: &CStr, argv: &[&CStr]) -> Self {
        let argv: Vec<CString> = argv.iter().map(|&a| a.to_owned()).collect();
        let envp = environment_strings();
        let ptrs = |v: &[CString]| {
            v.iter()
                .map(|s| s.as_ptr())
                .chain(std::iter::once(std::ptr::null()))
                .collect::<Vec<_>>()
        };
        Target {
            path: path.to_owned(),
            argv_ptrs: ptrs(&argv),
            envp_ptrs: ptrs(&envp),
            _argv: argv,
            _envp: envp,
        }
    }

    /// The program's path.
    pub fn path(&self) -> &CStr {
        &self.path
    }

    /// `argv`, NULL-terminated; valid as long as `self`.
    pub fn argv(&self) -> *const *const c_char {
        self.argv_ptrs.as_ptr()
    }

    /// `envp`, NULL-terminated; valid as long as `self`.
    pub fn envp(&self) -> *const *const c_char {
        self.envp_ptrs.as_ptr()
    }
}
