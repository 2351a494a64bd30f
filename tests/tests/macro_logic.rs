//! Real children written with `#[aspawn::child]` that compute: loops and `match` writing to a
//! pipe, helpers calling helpers, exit codes, wrapping arithmetic, `?` on `Option` in helpers,
//! and every `spawn!` argument form (`()`, `(x)`, `(a, b, …)`).

use std::io::Read;

use aspawn::{Argv, ChildResult, Ctx, Errno, Failure, Fd, Stack};

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

fn exit_code(spawned: aspawn::Spawned) -> Option<i32> {
    let (mut child, _stack) = spawned.wait_released().unwrap();
    child.wait().unwrap().code()
}

/// Writes the decimal digits of `n`, most significant first, without allocation or division.
#[aspawn::child]
fn write_number(cx: &Ctx, out: Fd, n: u32) -> Result<(), Failure> {
    let mut div = 1u32;
    while n.checked_div(div).unwrap_or(0) >= 10 {
        div *= 10;
    }
    loop {
        let digit = n.checked_div(div).unwrap_or(0).checked_rem(10).unwrap_or(0);
        write_digit(cx, out, digit as u8)?;
        if div == 1 {
            return Ok(());
        }
        div = div.checked_div(10).unwrap_or(1);
    }
}

/// One ASCII digit (a helper called by a helper).
#[aspawn::child]
fn write_digit(cx: &Ctx, out: Fd, digit: u8) -> Result<(), Failure> {
    let byte = [b'0' + digit];
    cx.write_all(out, &byte).context("write digit")
}

/// FizzBuzz to `n`, one line per number: loops, `match` on a tuple, helpers calling helpers.
#[aspawn::child]
fn fizzbuzz(cx: &Ctx, out: Fd, n: u32) -> i32 {
    for i in 1..=n {
        let r = match (i.checked_rem(3), i.checked_rem(5)) {
            (Some(0), Some(0)) => cx.write_all(out, b"FizzBuzz").context("write"),
            (Some(0), _) => cx.write_all(out, b"Fizz").context("write"),
            (_, Some(0)) => cx.write_all(out, b"Buzz").context("write"),
            _ => write_number(cx, out, i),
        };
        if r.is_err() || cx.write_all(out, b"\n").is_err() {
            return 1;
        }
    }
    0
}

#[test]
fn loops_and_match_write_to_a_pipe() {
    let (r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(Stack::new().unwrap(), fizzbuzz, (&w, 15u32)).unwrap();
    drop(w);
    assert_eq!(exit_code(spawned), Some(0));
    let expected: String = (1..=15)
        .map(|i| match (i % 3, i % 5) {
            (0, 0) => "FizzBuzz\n".to_owned(),
            (0, _) => "Fizz\n".to_owned(),
            (_, 0) => "Buzz\n".to_owned(),
            _ => format!("{i}\n"),
        })
        .collect();
    assert_eq!(read_all(r), expected);
}

/// The exit code is the sum of the argument lengths, through `?` on `Option` in a helper.
#[aspawn::child]
fn sum_of_lengths(cx: &Ctx, argv: Argv) -> i32 {
    match total_len(cx, argv) {
        Some(n) => n as i32,
        None => 255,
    }
}

#[aspawn::child]
fn total_len(_cx: &Ctx, argv: Argv) -> Option<usize> {
    let mut total = 0usize;
    let mut i = 0;
    while i < argv.len() {
        let arg = argv.get(i)?;
        total = total.checked_add(arg.len())?;
        i += 1;
    }
    Some(total)
}

#[test]
fn helpers_calling_helpers_and_exit_codes() {
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), sum_of_lengths, (&["ab", "cde", "", "f"])).unwrap();
    assert_eq!(exit_code(spawned), Some(6));
}

#[aspawn::child]
fn exit_with(_cx: &Ctx, code: i32) -> i32 {
    code
}

#[aspawn::child]
fn exit_42(cx: &Ctx) -> ChildResult {
    cx.exit(42)
}

#[test]
fn exit_codes_and_every_argument_form() {
    for code in [0, 1, 7, 255] {
        let spawned = aspawn::spawn!(Stack::new().unwrap(), exit_with, (code)).unwrap();
        assert_eq!(exit_code(spawned), Some(code));
    }
    let spawned = aspawn::spawn!(Stack::new().unwrap(), exit_42, ()).unwrap();
    assert_eq!(exit_code(spawned), Some(42));
}

/// Arithmetic wraps instead of panicking: `u8` 250 + 10 = 4, `i32::MIN - 1 = i32::MAX`.
#[aspawn::child]
fn wrapping(_cx: &Ctx, a: u8, b: u8, m: i32) -> i32 {
    let sum = a + b;
    let under = m - 1;
    if under == i32::MAX && -m == m { sum as i32 } else { 100 }
}

#[test]
fn arithmetic_wraps_in_a_child() {
    let spawned = aspawn::spawn!(Stack::new().unwrap(), wrapping, (250u8, 10u8, i32::MIN)).unwrap();
    assert_eq!(exit_code(spawned), Some(4));
}

/// A typed failure built in the child with `Failure::new`, read back by the parent.
#[aspawn::child]
fn refuse(_cx: &Ctx, limit: u32, value: u32) -> ChildResult {
    if value > limit {
        return Err(Failure::new(Errno::RANGE, "check limit"));
    }
    Err(Failure::new(Errno::INVAL, "no program"))
}

#[test]
fn failures_built_in_the_child() {
    let spawned = aspawn::spawn!(Stack::new().unwrap(), refuse, (10u32, 11u32)).unwrap();
    let failed = spawned.wait_released().unwrap_err();
    assert_eq!((failed.errno(), failed.step()), (Errno::RANGE, "check limit"));
    let spawned = aspawn::spawn!(Stack::new().unwrap(), refuse, (10u32, 1u32,)).unwrap();
    let failed = spawned.wait_released().unwrap_err();
    assert_eq!((failed.errno(), failed.step()), (Errno::INVAL, "no program"));
}
