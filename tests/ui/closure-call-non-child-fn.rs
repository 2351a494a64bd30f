//! A child closure must refuse this: a call to a function that is not `#[aspawn::child]`.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn plain(n: i32) -> i32 {
    n
}

fn main() {
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let n = plain(1);
        cx.exit(n)
    });
}
