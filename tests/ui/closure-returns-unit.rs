//! A child closure must refuse this: a body that returns `()` (a spawned child returns `ChildResult` or `i32`).
#![allow(unused)]
use aspawn::{Fd, Stack};

fn main() {
    let fd = Fd::STDOUT;
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let _ = cx.close(fd);
    });
}
