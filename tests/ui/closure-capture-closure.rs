//! A child closure must refuse this: a captured closure.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let f = |x: i32| x + 1;
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let g = f;
        cx.exit(0)
    });
}
