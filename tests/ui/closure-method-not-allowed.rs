//! A child closure must refuse this: a method outside the allowlist.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let code = 3i32;
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let s = code.to_string();
        cx.exit(code)
    });
}
