//! A child closure must refuse this: a captured `Arc` (shared state of the parent).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

use std::sync::Arc;

fn main() {
    let shared = Arc::new(5i32);
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| cx.exit(*shared));
}
