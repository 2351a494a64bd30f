//! `Place` is sealed: a crate cannot implement it. A forged `Place<Argv>` once kept the `Argv`
//! placed for one spawn (a `Copy` pointer into that stack) and handed it to a later spawn, whose
//! child then read a stack that had been unmapped (SIGSEGV) or reused (the parent's memory went
//! into the exec'd program's arguments).
use std::cell::Cell;

use aspawn::__private::Place;
use aspawn::{Argv, Ctx, Placer, SpawnError, Stack};

thread_local! {
    static KEPT: Cell<Option<Argv>> = const { Cell::new(None) };
}

/// Places a real `Argv` and keeps a copy of it.
struct Keep;
impl Place<Argv> for Keep {
    fn place(self, p: &mut Placer<'_>) -> Result<Argv, SpawnError> {
        let argv = Place::<Argv>::place(&["stale"][..], p)?;
        KEPT.with(|k| k.set(Some(argv)));
        Ok(argv)
    }
}

/// Hands a later spawn the `Argv` kept from an earlier one.
struct Replay;
impl Place<Argv> for Replay {
    fn place(self, _: &mut Placer<'_>) -> Result<Argv, SpawnError> {
        Ok(KEPT.with(|k| k.get()).unwrap())
    }
}

#[aspawn::child]
fn len(cx: &Ctx, argv: Argv) -> i32 {
    let _ = cx;
    match argv.get(0) {
        Some(s) => s.len() as i32,
        None => 0,
    }
}

fn main() {
    let first = aspawn::spawn!(Stack::new().unwrap(), len, (Keep)).unwrap();
    let (mut child, stack) = first.wait_released().unwrap();
    child.wait().unwrap();
    drop(stack); // unmapped
    let second = aspawn::spawn!(Stack::new().unwrap(), len, (Replay)).unwrap();
    let (mut child, _stack) = second.wait_released().unwrap();
    println!("second child: {:?}", child.wait().unwrap());
}
