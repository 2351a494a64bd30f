//! A child closure must refuse this: a hook closure capturing a borrowed fd (a `Command` keeps its hook's values for every spawn, so they must be `'static`).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

use std::os::fd::AsFd;

fn main() {
    let (_r, w) = std::io::pipe().unwrap();
    let out = w.as_fd();
    let mut cmd = aspawn::Command::new("/bin/true");
    aspawn::child_hook!(cmd, move |cx| cx.write_all(out, b"hook").context("write"));
    drop(w);
}
