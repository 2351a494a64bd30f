//! A child closure must refuse this: a closure without `move`.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let code = 3i32;
    let _ = aspawn::spawn!(Stack::new().unwrap(), |cx| cx.exit(code));
}
