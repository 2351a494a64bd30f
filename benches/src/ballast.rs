//! A large resident parent: memory that `fork` must copy the page tables of.

use std::ptr::NonNull;

/// `len` bytes of private anonymous memory, every 4 KiB page written once so that it is
/// resident, with transparent huge pages refused (`MADV_NOHUGEPAGE`) so that the parent
/// looks like a long-lived heap (one page-table entry per 4 KiB page). Unmapped on drop.
pub struct Ballast {
    base: NonNull<u8>,
    len: usize,
}

/// 1 GiB.
pub const GIB: usize = 1 << 30;

impl Ballast {
    /// Maps and touches `len` bytes.
    pub fn new(len: usize) -> Self {
        // SAFETY: a fresh private anonymous mapping; no existing memory is affected.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert!(base != libc::MAP_FAILED, "mmap ballast: {}", std::io::Error::last_os_error());
        // SAFETY: `base..base+len` is the mapping made above. Failure only means THP stays as
        // the system configured it, so the result is ignored.
        unsafe { libc::madvise(base, len, libc::MADV_NOHUGEPAGE) };
        let base = NonNull::new(base.cast::<u8>()).expect("mmap never returns NULL here");
        for off in (0..len).step_by(4096) {
            // SAFETY: `off < len`, inside the writable mapping we own.
            unsafe { base.as_ptr().add(off).write_volatile(1) };
        }
        Ballast { base, len }
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Ballast {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new`; nothing else points into it.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
    }
}
