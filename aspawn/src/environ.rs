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
use std::sync::Arc;

use crate::arg::sealed_place;
use crate::arg::{EnvSource, Envp, Place, place_strings};
use crate::placer::Placer;
use crate::spawn_error::{SpawnError, SpawnErrorKind};

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

/// An environment prepared once for many spawns: every `KEY=VALUE\0` string in one buffer with
/// `execve`'s pointer array beside it, which a spawn lends to the child (nothing is copied, the
/// stack keeps the block alive while a child can read it) instead of reading the parent's
/// environment again.
///
/// [`Envp::inherit()`] reads the environment at every spawn, under std's lock, through
/// [`std::env::vars_os`]: two allocations per variable, a few microseconds per spawn for a few
/// dozen variables (more right after the caller has slept, when its caches are cold). A loop
/// that spawns many children with an environment it does not change captures it once instead:
/// `&EnvBlock` goes wherever an [`Envp`] parameter is expected.
///
/// The block is a copy: later `std::env::set_var`/`remove_var` calls do not change it (take a
/// new one to see them).
///
/// ```
/// use aspawn::{Argv, ChildResult, Ctx, EnvBlock, Envp, ResultExt, Stack};
///
/// #[aspawn::child]
/// fn run(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
///     cx.restore_sigmask().context("sigprocmask")?;
///     cx.execve(c"/bin/sh", argv, envp).context("execve")
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let env = EnvBlock::from_pairs([("GREETING", "hello"), ("PATH", "/usr/bin:/bin")])?;
/// assert_eq!(env.len(), 2);
/// let mut stack = Stack::new()?;
/// for _ in 0..3 {
///     let spawned =
///         aspawn::spawn!(stack, run, (&["sh", "-c", "test \"$GREETING\" = hello"], &env))?;
///     let (mut child, back) = spawned.wait_released()?;
///     assert!(child.wait()?.success());
///     stack = back;
/// }
///
/// // The parent's own environment, read once under std's lock.
/// let inherited = EnvBlock::capture();
/// assert_eq!(inherited.len(), std::env::vars_os().count());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct EnvBlock {
    inner: Arc<Block>,
}

/// An [`EnvBlock`]'s memory, never changed once built.
struct Block {
    /// The strings, each `KEY=VALUE` and its NUL, one after the other.
    bytes: Box<[u8]>,
    /// Where each string starts in `bytes`; every start is below `bytes.len()`.
    starts: Box<[usize]>,
    /// `envp` as `execve` takes it: a pointer to each string of `bytes`, then NULL.
    ptrs: Box<[*const u8]>,
}

impl Default for Block {
    fn default() -> Block {
        Block { bytes: Box::new([]), starts: Box::new([]), ptrs: Box::new([core::ptr::null()]) }
    }
}

// SAFETY: `ptrs` points into `bytes`, owned by the same `Block` and never written after it is
// built; sharing or sending it shares or sends immutable bytes.
unsafe impl Send for Block {}
// SAFETY: as above.
unsafe impl Sync for Block {}

impl EnvBlock {
    /// The parent's environment now, read under std's lock ([`std::env::vars_os`]), as
    /// [`Envp::inherit()`] would place it at a spawn.
    ///
    /// ```
    /// let env = aspawn::EnvBlock::capture();
    /// assert_eq!(env.len(), std::env::vars_os().count());
    /// ```
    pub fn capture() -> EnvBlock {
        let vars: Vec<(OsString, OsString)> = std::env::vars_os().collect();
        // `vars_os` never yields a NUL byte: the strings came from C strings.
        Self::build(vars.iter().map(|(k, v)| (k.as_os_str(), v.as_os_str()))).unwrap_or_default()
    }

    /// An environment of exactly these `(key, value)` pairs, in this order.
    ///
    /// A NUL byte in a key or a value is an error ([`SpawnErrorKind::InteriorNul`]); a key is
    /// not otherwise checked, as by std's `Command::env`.
    ///
    /// ```
    /// use aspawn::{EnvBlock, SpawnErrorKind};
    ///
    /// let env = EnvBlock::from_pairs([("A", "1"), ("B", "2")]).unwrap();
    /// assert_eq!(env.len(), 2);
    /// let err = EnvBlock::from_pairs([("A", "1\0")]).unwrap_err();
    /// assert!(matches!(err.kind(), SpawnErrorKind::InteriorNul { what: "envp" }));
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<EnvBlock, SpawnError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        Self::build(pairs)
    }

    fn build<I, K, V>(pairs: I) -> Result<EnvBlock, SpawnError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut bytes = Vec::new();
        let mut starts = Vec::new();
        for (k, v) in pairs {
            let (k, v) = (k.as_ref().as_bytes(), v.as_ref().as_bytes());
            if k.contains(&0) || v.contains(&0) {
                return Err(SpawnError::new(SpawnErrorKind::InteriorNul { what: "envp" }));
            }
            starts.push(bytes.len());
            bytes.extend_from_slice(k);
            bytes.push(b'=');
            bytes.extend_from_slice(v);
            bytes.push(0);
        }
        let bytes: Box<[u8]> = bytes.into();
        let ptrs = starts
            .iter()
            // `start < bytes.len()`: inside the buffer, whose heap address the box keeps.
            .map(|&start| bytes[start..].as_ptr())
            .chain(core::iter::once(core::ptr::null()))
            .collect();
        Ok(EnvBlock { inner: Arc::new(Block { bytes, starts: starts.into(), ptrs }) })
    }

    /// How many variables it holds.
    ///
    /// ```
    /// assert_eq!(aspawn::EnvBlock::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.starts.len()
    }

    /// Whether it holds no variable.
    ///
    /// ```
    /// assert!(aspawn::EnvBlock::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.starts.is_empty()
    }

    /// The `KEY=VALUE` strings, in order.
    ///
    /// ```
    /// let env = aspawn::EnvBlock::from_pairs([("A", "1")]).unwrap();
    /// assert_eq!(env.iter().collect::<Vec<_>>(), [c"A=1"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &std::ffi::CStr> + '_ {
        self.inner.starts.iter().map(|&s| {
            // Every start begins a string that ends with its NUL inside `bytes` (`build`).
            std::ffi::CStr::from_bytes_until_nul(&self.inner.bytes[s..]).unwrap_or_default()
        })
    }
}

impl core::fmt::Debug for EnvBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl sealed_place::Sealed<Envp> for &EnvBlock {}

impl Place<Envp> for &EnvBlock {
    /// Lends the block: the child's `envp` is the block's own pointer array, kept alive by the
    /// stack (a clone of the `Arc`) for as long as a child can run on it; nothing is copied. A
    /// second block in the same spawn (the stack lends for one) is copied instead: the whole
    /// buffer at once, then the pointer array.
    fn place(self, p: &mut Placer<'_>) -> Result<Envp, SpawnError> {
        let b = &*self.inner;
        let n = b.starts.len();
        if p.pin(&self.inner) {
            // `ptrs` has `n + 1` entries, the last NULL, each pointing into `bytes`; the stack
            // now owns a reference to the block, so none of it is freed while a child may read it.
            return Ok(Envp::from_placed(b.ptrs.as_ptr().cast_mut(), n));
        }
        let slots = n.checked_add(1).ok_or_else(too_big)?;
        let arr = p.ptr_array(slots)?;
        let len = b.bytes.len();
        let dst = p.alloc(len, 1)?;
        // SAFETY: `alloc` reserved `len` fresh bytes at `dst`; the source is the block's own
        // buffer, which cannot overlap the stack.
        unsafe { core::ptr::copy_nonoverlapping(b.bytes.as_ptr(), dst, len) };
        for (i, &start) in b.starts.iter().enumerate() {
            // SAFETY: `i < n < slots` is inside the reserved array, and `start < len` (`build`
            // records a start only before writing at least a `=` and a NUL), so `dst + start`
            // is inside the copy.
            unsafe { arr.add(i).write(dst.add(start)) };
        }
        // SAFETY: slot `n` is the terminator's, reserved too.
        unsafe { arr.add(n).write(core::ptr::null()) };
        Ok(Envp::from_placed(arr, n))
    }
}
