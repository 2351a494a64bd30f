//! A child closure must refuse this: a captured `&i32` (a reference into the parent's memory).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let code = 3i32;
    let r = &code;
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| cx.exit(*r));
}
