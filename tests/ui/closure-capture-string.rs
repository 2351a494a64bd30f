//! A child closure must refuse this: a captured `String` (it owns heap memory).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let name = String::from("/bin/true");
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        cx.chdir(name).context("chdir")?;
        cx.exit(0)
    });
}
