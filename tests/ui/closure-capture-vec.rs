//! A child closure must refuse this: a captured `Vec` (it owns heap memory).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

fn main() {
    let args = vec!["echo", "hi"];
    let envp = aspawn::Envp::inherit();
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        cx.execvp(c"echo", args, envp).context("execvp")
    });
}
