//! A child closure must refuse this: a macro in the body.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let code = 3i32;
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        println!("in the child");
        cx.exit(code)
    });
}
