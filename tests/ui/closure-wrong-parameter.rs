//! A child closure must refuse this: a closure whose parameter is not `cx: &Ctx`.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx: u32, n: i32| 0);
}
