//! A child closure must refuse this: a hook closure capturing a `String`.
#![allow(unused)]
use aspawn::{Command, ResultExt};

fn main() {
    let dir = String::from("/tmp");
    let mut cmd = Command::new("true");
    aspawn::child_hook!(cmd, move |cx| cx.chdir(dir).context("chdir"));
}
