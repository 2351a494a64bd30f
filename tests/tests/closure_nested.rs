//! Grandchild closures, `cx.spawn(move |cx| …)`, in a child closure and in an
//! `#[aspawn::child]` function: the grandchild writes to a pipe, or exits with a code made of
//! the enclosing body's values; its failure comes back to the child as a `Failure`.

use std::io::Read;
use std::os::fd::AsFd;

use aspawn::{ChildResult, Ctx, Errno, Failure, Fd, ResultExt, Stack};

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn a_child_closure_spawns_a_grandchild_closure() {
    let (r, w) = std::io::pipe().unwrap();
    let out = w.as_fd();
    let spawned = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let tag = b'g';
        // `out` is the child's capture, `tag` its local: both are captured by the grandchild.
        if cx
            .spawn(move |cx| {
                cx.write_all(out, &[tag, b'\n']).context("write")?;
                cx.exit(0)
            })
            .is_err()
        {
            cx.exit(100);
        }
        cx.write_all(out, b"c\n").context("write")?;
        cx.exit(0)
    })
    .unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert!(child.wait().unwrap().success());
    // The child is suspended (CLONE_VFORK) until the grandchild exits: `g` comes first.
    assert_eq!(read_all(r), "g\nc\n");
}

/// Spawns a grandchild closure that writes `base + 1` to `out` (or fails), then exits with the
/// grandchild's failure errno, or 0.
#[aspawn::child]
fn parent(cx: &Ctx, base: u8, fail: bool, out: Fd) -> ChildResult {
    let pid = match cx.spawn(move |cx| {
        if fail {
            return Err(Failure::new(Errno::PERM, "grandchild"));
        }
        cx.write_all(out, &[base + 1]).context("write")?;
        cx.exit(0)
    }) {
        Ok(pid) => pid,
        Err(f) => cx.exit(f.errno().raw_os_error()),
    };
    cx.exit(if pid > 0 { 0 } else { 99 })
}

#[test]
fn a_child_function_spawns_a_grandchild_closure() {
    let (r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(Stack::new().unwrap(), parent, (b'A', false, &w)).unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(read_all(r), "B");
}

#[test]
fn a_grandchild_closures_failure_reaches_the_child() {
    let (r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(Stack::new().unwrap(), parent, (b'A', true, &w)).unwrap();
    drop(w);
    let (mut child, _stack) = spawned.wait_released().unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(Errno::PERM.raw_os_error()));
    assert_eq!(read_all(r), "");
}
