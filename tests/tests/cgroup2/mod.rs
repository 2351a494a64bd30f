//! A fresh cgroup (v2) for a test, where this machine lets us make one: `engine_cgroup.rs` and
//! `command_cgroup.rs` share it.
//!
//! The cgroup2 mount comes from `/proc/self/mountinfo` (fstype `cgroup2`: the unified
//! hierarchy, at `/sys/fs/cgroup` or, on a hybrid host, `/sys/fs/cgroup/unified`); the new
//! cgroup goes under the one this process is in (the `0::` line of `/proc/self/cgroup`), so that
//! moving a child there only needs write access to our own `cgroup.procs`. Without a cgroup2
//! mount, or without the right to make a directory in it, [`TempCgroup::new`] says so on stderr
//! and gives `None`: the membership tests then return, the error tests still run.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A cgroup made for one test, removed on drop.
pub struct TempCgroup {
    /// Its directory.
    pub path: PathBuf,
    /// The line `/proc/<pid>/cgroup` shows for a process in it: `0::<path below our root>`.
    pub line: String,
}

/// Where cgroup2 is mounted here, and the directory of our own cgroup in it.
pub fn own_cgroup_dir() -> Option<(PathBuf, String)> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let own = own.lines().find_map(|l| l.strip_prefix("0::"))?.to_owned();
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    for l in mountinfo.lines() {
        let Some((fields, fs)) = l.split_once(" - ") else { continue };
        if !fs.starts_with("cgroup2 ") {
            continue;
        }
        let f: Vec<&str> = fields.split(' ').collect();
        let (Some(root), Some(mount)) = (f.get(3), f.get(4)) else { continue };
        // The mount shows the hierarchy from `root` down; our cgroup must be inside it.
        let Some(rest) = own.strip_prefix(root.trim_end_matches('/')) else { continue };
        let dir = Path::new(mount).join(rest.trim_start_matches('/'));
        if dir.is_dir() {
            return Some((dir, own));
        }
    }
    None
}

impl TempCgroup {
    /// A new, empty cgroup below ours named after `tag`, or `None` (said on stderr: "skipped:
    /// no writable cgroup2") where this process cannot make one.
    pub fn new(tag: &str) -> Option<TempCgroup> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let Some((dir, own)) = own_cgroup_dir() else {
            eprintln!("skipped: no writable cgroup2 (no cgroup2 mount holding our cgroup)");
            return None;
        };
        let name = format!(
            "aspawn-test-{}-{}-{tag}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(&name);
        if let Err(e) = std::fs::create_dir(&path) {
            eprintln!("skipped: no writable cgroup2 ({}: {e})", path.display());
            return None;
        }
        let line = format!("0::{}/{name}", own.trim_end_matches('/'));
        Some(TempCgroup { path, line })
    }

    /// A cgroup below this one, removed with it.
    pub fn child(&self, name: &str) -> std::io::Result<PathBuf> {
        let p = self.path.join(name);
        std::fs::create_dir(&p)?;
        Ok(p)
    }

    /// Its directory, opened as `Command::cgroup` and `Launch::with_cgroup` want it.
    pub fn open(&self) -> std::fs::File {
        std::fs::File::open(&self.path).expect("open the test cgroup")
    }
}

/// Removes `dir` and the cgroups below it, deepest first. A cgroup whose last process has just
/// been reaped can report `EBUSY` for a moment: a few retries, for the cleanup only.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&e.path());
            }
        }
    }
    for _ in 0..100 {
        match std::fs::remove_dir(dir) {
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            _ => return,
        }
    }
}

impl Drop for TempCgroup {
    fn drop(&mut self) {
        remove_tree(&self.path);
    }
}

/// The `0::` line of `/proc/self/cgroup` as a child printed it with `cat /proc/self/cgroup`.
pub fn unified_line(cat_output: &str) -> Option<&str> {
    cat_output.lines().find(|l| l.starts_with("0::"))
}

/// Whether any line of `fd_listing` (what [`LIST_FDS`] printed: one `readlink` of each fd of
/// the process that ran it) names `path`.
pub fn names(fd_listing: &str, path: &Path) -> bool {
    fd_listing.lines().any(|l| Path::new(l.trim()) == path)
}

/// A shell line that prints where each of its fds points, one per line.
/// (The glob's own directory fd is gone by the time `readlink` looks: its failure is ignored.)
pub const LIST_FDS: &str = "for f in /proc/self/fd/*; do readlink \"$f\" || :; done";
