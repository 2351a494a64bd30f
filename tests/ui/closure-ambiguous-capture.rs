//! A child closure must refuse this: a capture whose child type nothing decides (an array of strings is an `Argv`, an `Envp` or `[CStrRef; N]`).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let names = ["a", "b"];
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| cx.exit(names.len() as i32));
}
