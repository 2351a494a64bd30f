//! A child closure must refuse this: indexing in the body.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let codes = [1i32, 2, 3];
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| cx.exit(codes[1]));
}
