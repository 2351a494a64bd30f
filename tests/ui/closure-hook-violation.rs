//! A child closure must refuse this: a body rule broken inside a hook closure (`.unwrap()`).
#![allow(unused)]
use aspawn::{Command, ResultExt};

fn main() {
    let nice = Some(3);
    let mut cmd = Command::new("true");
    aspawn::child_hook!(cmd, move |cx| cx
        .setpriority(aspawn::consts::PRIO_PROCESS, 0, nice.unwrap())
        .context("setpriority"));
}
