//! A child closure must refuse this: a captured `Mutex` (a lock the parent may hold).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

use std::sync::Mutex;

fn main() {
    let m = Mutex::new(0i32);
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let held = m;
        cx.exit(0)
    });
}
