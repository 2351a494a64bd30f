//! A child closure must refuse this: an `unsafe` block in the body.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let pid = unsafe { libc::getpid() };
        cx.exit(pid)
    });
}
