//! A child shares no fd table with its parent, but it does share the parent's *open files*: an
//! epoll instance inherited from the parent (tokio's reactor, say) is the parent's own. Its
//! registrations carry a 64-bit `data` word that event loops use as a pointer into the parent's
//! memory, so a child that could `epoll_ctl(EPOLL_CTL_MOD)` it could make the parent's reactor
//! dereference any value it likes; `epoll_pwait` on it would steal the parent's events. `Ctx`
//! therefore lets a child use only the epoll instances it made itself.

use std::io::Write;
use std::os::fd::{AsFd, AsRawFd};

use aspawn::consts::{EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLLIN};
use aspawn::{Ctx, Errno, Fd, Stack};
use rustix::event::epoll;

/// Tries to rewrite the parent's registration of `target` in `epfd` to carry `0xdead`.
/// Exit 0: it worked; 1: refused with EBADF; 2: another error.
#[aspawn::child]
fn hijack(cx: &Ctx, epfd: Fd, target: Fd) -> i32 {
    match cx.epoll_ctl(epfd, EPOLL_CTL_MOD, target, EPOLLIN, 0xdead) {
        Ok(()) => 0,
        Err(e) => match e == Errno::BADF {
            true => 1,
            false => 2,
        },
    }
}

/// Tries to take one event of the parent's `epfd`. Exit 0: it got one; 1: EBADF; 2: other.
#[aspawn::child]
fn steal(cx: &Ctx, epfd: Fd) -> i32 {
    match cx.epoll_pwait(epfd, 0) {
        Ok(Some(_)) => 0,
        Ok(None) => 3,
        Err(e) => match e == Errno::BADF {
            true => 1,
            false => 2,
        },
    }
}

fn exit_code(spawned: aspawn::Spawned) -> Option<i32> {
    let (mut child, _stack) = spawned.wait_released().unwrap();
    child.wait().unwrap().code()
}

/// The parent's epoll set with `r` registered under `data`.
fn parent_set(r: &impl AsFd, data: u64) -> std::os::fd::OwnedFd {
    let ep = epoll::create(epoll::CreateFlags::CLOEXEC).unwrap();
    epoll::add(&ep, r, epoll::EventData::new_u64(data), epoll::EventFlags::IN).unwrap();
    ep
}

fn parent_event(ep: &impl AsFd) -> u64 {
    let mut events = Vec::with_capacity(4);
    epoll::wait(ep, rustix::buffer::spare_capacity(&mut events), None).unwrap();
    assert_eq!(events.len(), 1);
    events[0].data.u64()
}

#[test]
fn a_child_cannot_change_the_parents_epoll_registrations() {
    let (r, mut w) = std::io::pipe().unwrap();
    let ep = parent_set(&r, 1234);
    let (epfd, target) = (Fd::from_raw(ep.as_raw_fd()), Fd::from_raw(r.as_raw_fd()));
    let code = exit_code(aspawn::spawn!(Stack::new().unwrap(), hijack, (epfd, target)).unwrap());
    assert_eq!(code, Some(1), "the child's epoll_ctl on the parent's epoll fd must be EBADF");
    w.write_all(b"x").unwrap();
    assert_eq!(parent_event(&ep), 1234, "the parent's registration was rewritten by the child");
}

#[test]
fn a_child_cannot_take_the_parents_epoll_events() {
    let (r, mut w) = std::io::pipe().unwrap();
    let ep = parent_set(&r, 7);
    w.write_all(b"x").unwrap();
    let spawned = aspawn::spawn!(Stack::new().unwrap(), steal, (Fd::from_raw(ep.as_raw_fd())));
    assert_eq!(exit_code(spawned.unwrap()), Some(1));
    assert_eq!(parent_event(&ep), 7);
}

/// Its own epoll instance works end to end; once closed, or replaced by `dup2`, its number is
/// no longer one the child may use as an epoll fd. Exit codes name the step that went wrong.
#[aspawn::child]
fn own_epoll(cx: &Ctx, inherited: Fd) -> i32 {
    let Ok((r, w)) = cx.pipe2(0) else { return 10 };
    let Ok(ep) = cx.epoll_create1(EPOLL_CLOEXEC) else { return 11 };
    if cx.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN, 99).is_err() {
        return 12;
    }
    if cx.write_all(w, b"x").is_err() {
        return 13;
    }
    match cx.epoll_pwait(ep, 1000) {
        Ok(Some((_, 99))) => {}
        _ => return 14,
    }
    // `dup2` of the parent's epoll fd onto our own number: that number now names the parent's.
    if cx.dup2(inherited, ep).is_err() {
        return 15;
    }
    if cx.epoll_pwait(ep, 0) != Err(Errno::BADF) {
        return 16;
    }
    let Ok(ep2) = cx.epoll_create1(0) else { return 17 };
    if cx.close(ep2).is_err() {
        return 18;
    }
    if cx.epoll_ctl(ep2, EPOLL_CTL_ADD, r, EPOLLIN, 1) != Err(Errno::BADF) {
        return 19;
    }
    0
}

#[test]
fn a_child_uses_the_epoll_instances_it_made() {
    let (r, mut w) = std::io::pipe().unwrap();
    let ep = parent_set(&r, 5);
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), own_epoll, (Fd::from_raw(ep.as_raw_fd()))).unwrap();
    assert_eq!(exit_code(spawned), Some(0));
    w.write_all(b"x").unwrap();
    assert_eq!(parent_event(&ep), 5);
}
