//! A child closure must refuse this: a captured value of a user type with `Drop`.
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

struct Guard(i32);

impl Drop for Guard {
    fn drop(&mut self) {
        println!("dropped {}", self.0);
    }
}

fn main() {
    let g = Guard(1);
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        let mine = g;
        cx.exit(0)
    });
}
