//! A child closure must refuse this: a captured `CStrRef` (an already placed value: the runtime places every capture itself).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

use aspawn::CStrRef;

fn main() {
    let prog = CStrRef::from_static(c"/bin/true");
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        cx.chdir(prog).context("chdir")?;
        cx.exit(0)
    });
}
