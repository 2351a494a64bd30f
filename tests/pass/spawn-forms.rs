//! `spawn!` argument forms: `()`, `(x)` (a parenthesized expression, not a tuple), `(a, b)`,
//! a trailing comma, a module path to the child, and arguments with `?` evaluated in the caller.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Ctx, Stack};

#[aspawn::child]
fn none(_cx: &Ctx) -> i32 {
    0
}

#[aspawn::child]
fn one(_cx: &Ctx, code: i32) -> i32 {
    code
}

mod children {
    use aspawn::Ctx;

    #[aspawn::child]
    pub fn two(_cx: &Ctx, a: i32, b: bool) -> i32 {
        if b { a } else { 0 }
    }
}

fn code(spawned: aspawn::Spawned) -> Option<i32> {
    let (mut child, _stack) = spawned.wait_released().unwrap();
    child.wait().unwrap().code()
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(code(aspawn::spawn!(Stack::new()?, none, ())?), Some(0));
    assert_eq!(code(aspawn::spawn!(Stack::new()?, one, (3))?), Some(3));
    assert_eq!(code(aspawn::spawn!(Stack::new()?, one, (3,))?), Some(3));
    let a: i32 = "4".parse()?;
    assert_eq!(code(aspawn::spawn!(Stack::new()?, children::two, (a, true),)?), Some(4));
    assert_eq!(
        code(aspawn::spawn!(Stack::new()?, self::children::two, ("5".parse::<i32>()?, true))?),
        Some(5)
    );
    Ok(())
}

fn main() {
    run().unwrap();
}
