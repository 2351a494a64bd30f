//! The parent's environment, read under std's lock, and its placement into a child's stack.
//!
//! libc's `environ` is shared with std's writers: `std::env::set_var`/`remove_var` change it
//! under a lock of std's, and glibc's `setenv` may move the array (freeing the old one) while
//! `unsetenv` shifts its entries down. Reading the array without that lock raced them: a NULL
//! entry where a length pass had counted a string, a value that grew between the length pass and
//! the copy (a copy past the reserved range). The only locked read std offers is
//! [`std::env::vars_os`], which copies every variable out under the lock: this module reads the
//! environment only through it, once per spawn, and places what it got — owned strings nobody
//! else can change — in one pass, each copy exactly as long as the range it reserved.
//!
//! The cost is two small allocations per variable (std's), on top of the copy into the stack.
//!
//! # Safety
//!
//! [`place_pairs`] writes into ranges the [`Placer`] reserved; each write says why it stays
//! inside its range.
#![allow(unsafe_code)]

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::arg::{EnvSource, Envp, Place, place_strings};
use crate::error::{SpawnError, SpawnErrorKind};
use crate::stack::Placer;

/// The parent's environment now, read under std's lock: `(key, value)` pairs in `environ`'s
/// order (an entry without `=` is left out, as by std).
pub(crate) fn snapshot() -> Vec<(OsString, OsString)> {
    std::env::vars_os().collect()
}

/// Bytes an environment of these pairs takes in a stack: the strings (`KEY=VALUE\0`) and the
/// NULL-terminated pointer array.
pub(crate) fn placed_size<K: AsRef<OsStr>, V: AsRef<OsStr>>(vars: &[(K, V)]) -> usize {
    let strings: usize = vars.iter().map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2).sum();
    strings + (vars.len() + 1) * core::mem::size_of::<*const u8>()
}

/// Places the parent's environment as read now (`Envp::inherit()`): one locked read, one pass.
pub(crate) fn place_inherited(p: &mut Placer<'_>) -> Result<Envp, SpawnError> {
    let vars = std::env::vars_os();
    match vars.size_hint() {
        // std collects under its lock and hands out a vector's iterator: the count is exact.
        (lo, Some(hi)) if lo == hi => place_pairs(p, lo, vars),
        _ => {
            let vars: Vec<_> = vars.collect();
            place_pairs(p, vars.len(), vars.iter().map(|(k, v)| (k, v)))
        }
    }
}

/// Places at most `n` pairs as `KEY=VALUE` C strings and their NULL-terminated array: `n + 1`
/// slots reserved first, then one exact reservation per string, filled from the same slices
/// that sized it. Pairs beyond `n` are not placed (the array stays within its slots).
pub(crate) fn place_pairs<K, V>(
    p: &mut Placer<'_>,
    n: usize,
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Result<Envp, SpawnError>
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let slots = n.checked_add(1).ok_or_else(too_big)?;
    let arr = p.ptr_array(slots)?;
    let mut placed = 0;
    for (k, v) in pairs.into_iter().take(n) {
        let (k, v) = (k.as_ref().as_bytes(), v.as_ref().as_bytes());
        let len =
            k.len().checked_add(v.len()).and_then(|l| l.checked_add(2)).ok_or_else(too_big)?;
        let dst = p.alloc(len, 1)?;
        // SAFETY: `alloc` reserved `len` = `k.len() + 1 + v.len() + 1` fresh bytes at `dst`, and
        // exactly that many are written: the key, `=`, the value, the NUL. The sources are owned
        // slices (std's copies, or the command's own strings) that cannot overlap the stack.
        unsafe {
            core::ptr::copy_nonoverlapping(k.as_ptr(), dst, k.len());
            dst.add(k.len()).write(b'=');
            core::ptr::copy_nonoverlapping(v.as_ptr(), dst.add(k.len() + 1), v.len());
            dst.add(len - 1).write(0);
        }
        // SAFETY: `take(n)` keeps `placed < n < slots`, inside the reserved array.
        unsafe { arr.add(placed).write(dst) };
        placed += 1;
    }
    // SAFETY: `placed <= n < slots`: the terminator's slot is reserved too.
    unsafe { arr.add(placed).write(core::ptr::null()) };
    Ok(Envp::from_placed(arr, placed))
}

fn too_big() -> SpawnError {
    SpawnError::new(SpawnErrorKind::StackTooSmall { needed: usize::MAX, available: 0 })
}

impl Place<Envp> for EnvSource<'_> {
    fn place(self, p: &mut Placer<'_>) -> Result<Envp, SpawnError> {
        match self {
            // Read under std's environment lock (`std::env::vars_os`), placed in one pass.
            EnvSource::Inherit => place_inherited(p),
            EnvSource::Empty | EnvSource::_Lifetime(_) => {
                place_strings(p, core::iter::empty(), "envp").map(Envp::from_placed_argv)
            }
        }
    }
}
