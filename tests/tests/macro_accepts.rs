//! Ordinary child code that `#[aspawn::child]` once refused: each construct runs in a real
//! child, which reports what it computed as its exit code or as bytes on a pipe.

use std::convert::Infallible;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;

use aspawn::{Argv, CStrRef, ChildResult, Ctx, Failure, Fd, ResultExt, Stack};

/// Spawns `$f` with `$args`, waits, and returns its exit code.
macro_rules! exit_code {
    ($f:ident, $args:tt) => {{
        let (mut child, _stack) =
            aspawn::spawn!(Stack::new().unwrap(), $f, $args).unwrap().wait_released().unwrap();
        child.wait().unwrap().code()
    }};
}

/// Spawns `$f` with `$args` and a pipe's write end as last argument; returns the exit code
/// and everything the child wrote.
macro_rules! output {
    ($f:ident, ($($arg:expr),*)) => {{
        let (mut r, w) = std::io::pipe().unwrap();
        let fd = Fd::from_raw(w.as_raw_fd());
        let spawned = aspawn::spawn!(Stack::new().unwrap(), $f, ($($arg,)* fd)).unwrap();
        drop(w);
        let (mut child, _stack) = spawned.wait_released().unwrap();
        let code = child.wait().unwrap().code();
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes).unwrap();
        (code, bytes)
    }};
}

// ---------------------------------------------------------------------------------------------
// One element of a local array (`get_mut`), helpers taking `&mut [u8; N]` and `&[u8; N]` of the
// caller's local, and the prefix of a buffer (`get(..n)`).

/// Writes the decimal digits of `n` to the start of `buf`; returns how many.
#[aspawn::child]
fn put_decimal(cx: &Ctx, buf: &mut [u8; 10], n: u32) -> usize {
    let _ = cx;
    let mut rev = [0u8; 10];
    let mut len = 0;
    let mut v = n;
    loop {
        let digit = v.checked_rem(10).unwrap_or(0) as u8;
        if let Some(b) = rev.get_mut(len) {
            *b = b'0' + digit;
        }
        len += 1;
        v = v.checked_div(10).unwrap_or(0);
        if v == 0 {
            break;
        }
    }
    for i in 0..len {
        if let Some(b) = buf.get_mut(i) {
            *b = rev.get(len - 1 - i).unwrap_or(b'?');
        }
    }
    len
}

/// The sum of the bytes of the caller's array.
#[aspawn::child]
fn byte_sum(cx: &Ctx, buf: &[u8; 10]) -> u32 {
    let _ = cx;
    let mut sum = 0u32;
    for i in 0..buf.len() {
        sum += buf.get(i).unwrap_or(0) as u32;
    }
    sum
}

/// Writes `b` at `i` of the caller's array (with a named lifetime); `false` past the end.
#[aspawn::child]
fn put_at<'a>(cx: &'a Ctx, buf: &'a mut [u8; 10], i: usize, b: u8) -> bool {
    let _ = cx;
    match buf.get_mut(i) {
        Some(slot) => {
            *slot = b;
            true
        }
        None => false,
    }
}

#[aspawn::child]
fn decimal(cx: &Ctx, n: u32, out: Fd) -> ChildResult {
    let mut buf = [0u8; 10];
    if put_at(cx, &mut buf, 10, b'!') {
        cx.exit(5);
    }
    let len = put_decimal(cx, &mut buf, n);
    if let Some(digits) = buf.get(..len) {
        cx.write_all(out, digits).context("write")?;
    }
    // The digits' sum (plus 48 per digit): the helper read the caller's array.
    cx.exit(byte_sum(cx, &buf) as i32 - 48 * len as i32)
}

#[test]
fn a_child_writes_array_elements_and_a_prefix() {
    let (code, bytes) = output!(decimal, (40213));
    assert_eq!(bytes, b"40213");
    assert_eq!(code, Some(10));
}

/// Copies what one `read` returns from `inp` to `out`: only the bytes read, not the buffer.
#[aspawn::child]
fn echo_once(cx: &Ctx, inp: Fd, out: Fd) -> ChildResult {
    let mut buf = [0u8; 64];
    let n = cx.read(inp, &mut buf).context("read")?;
    match buf.get(..n) {
        Some(read) => cx.write_all(out, read).context("write")?,
        None => cx.exit(3),
    }
    // And the tail and a middle range, which are empty or inside the buffer.
    match (buf.get(n..), buf.get(1..3), buf.get(60..65)) {
        (Some(rest), Some(mid), None) => cx.exit((rest.len() + mid.len()) as i32),
        _ => cx.exit(4),
    }
}

#[test]
fn a_child_writes_back_only_what_it_read() {
    let (ir, mut iw) = std::io::pipe().unwrap();
    iw.write_all(b"hello").unwrap();
    drop(iw);
    let inp = Fd::from_raw(ir.as_raw_fd());
    let (code, bytes) = output!(echo_once, (inp));
    assert_eq!(bytes, b"hello");
    assert_eq!(code, Some(64 - 5 + 2));
}

/// The length of `argv[i]`, read through references to the caller's values.
#[aspawn::child]
fn arg_len(cx: &Ctx, argv: &Argv, i: usize, empty: &CStrRef) -> usize {
    let _ = cx;
    match argv.get(i) {
        Some(s) => s.len() + empty.len() + (argv.len() - argv.len()),
        None => 100,
    }
}

#[aspawn::child]
fn second_arg_len(cx: &Ctx, argv: Argv, e: CStrRef) -> i32 {
    (arg_len(cx, &argv, 1, &e) + arg_len(cx, &argv, 9, &e)) as i32
}

#[test]
fn helpers_take_references_to_argv_and_cstrref() {
    assert_eq!(exit_code!(second_arg_len, (&["a", "four"], "")), Some(104));
}

// ---------------------------------------------------------------------------------------------
// Spawnable returns spelled out: `Result<Infallible, Failure>` and `!`.

#[aspawn::child]
fn spelled_out(cx: &Ctx, code: i32) -> Result<Infallible, Failure> {
    cx.exit(code)
}

#[aspawn::child]
fn never_returns(cx: &Ctx, code: i32) -> ! {
    cx.exit(code)
}

#[test]
fn result_infallible_and_never_are_spawnable() {
    assert_eq!(exit_code!(spelled_out, (17)), Some(17));
    assert_eq!(exit_code!(never_returns, (18)), Some(18));
}

// ---------------------------------------------------------------------------------------------
// `[a, b] = [b, a]`, a module named upper-case, tuple parameter patterns.

#[allow(non_snake_case)]
mod Helpers {
    use aspawn::Ctx;

    #[aspawn::child]
    pub fn one(cx: &Ctx) -> i32 {
        let _ = cx;
        1
    }
}

#[aspawn::child]
fn add_pair(cx: &Ctx, (a, b): (u32, u32)) -> u32 {
    let _ = cx;
    a + b
}

#[aspawn::child]
fn shapes(cx: &Ctx, (x, (y, _)): (i32, (i32, i32))) -> i32 {
    let mut a = x;
    let mut b = y;
    [a, b] = [b, a];
    // 10 * 2 + 1 after the swap, + 1 + 1 from the module (a module named upper-case is
    // written from `self::` or `crate::`: a bare `Helpers::one` reads as an associated
    // function, which the attribute refuses with that advice), + 7 from the tuple helper.
    a * 10 + b + self::Helpers::one(cx) + crate::Helpers::one(cx) + add_pair(cx, (3, 4)) as i32
}

#[test]
fn array_swap_upper_case_module_and_tuple_parameters() {
    assert_eq!(exit_code!(shapes, ((1, (2, 99)))), Some(30));
}

// ---------------------------------------------------------------------------------------------
// Pure integer methods.

#[aspawn::child]
fn integers(cx: &Ctx, out: Fd) -> ChildResult {
    let x = 0x0102_0304u32;
    let neg = -3i32;
    let small = [
        3u32.abs_diff(10) as u8,
        neg.abs_diff(4) as u8,
        0x12u8.rotate_left(4),
        0x12u8.rotate_right(4),
        16u32.is_power_of_two() as u8,
        12u32.is_power_of_two() as u8,
        0b1011u8.count_ones() as u8,
        1u32.leading_zeros() as u8,
    ];
    cx.write_all(out, &small).context("write")?;
    cx.write_all(out, &x.to_be_bytes()).context("write")?;
    cx.write_all(out, &x.to_le_bytes()).context("write")?;
    cx.write_all(out, &x.to_ne_bytes()).context("write")?;
    let be = u32::from_be_bytes([1, 2, 3, 4]);
    let le = u16::from_le_bytes([1, 2]);
    let ne = i64::from_ne_bytes(7i64.to_ne_bytes());
    let ok = be == 0x0102_0304 && le == 0x0201 && ne == 7;
    cx.exit(ok as i32)
}

#[test]
fn integer_methods_and_byte_conversions() {
    let (code, bytes) = output!(integers, ());
    let mut expected = vec![7, 7, 0x21, 0x21, 1, 0, 3, 31];
    expected.extend_from_slice(&[1, 2, 3, 4, 4, 3, 2, 1]);
    expected.extend_from_slice(&0x0102_0304u32.to_ne_bytes());
    assert_eq!(bytes, expected);
    assert_eq!(code, Some(1));
}

// ---------------------------------------------------------------------------------------------
// A child function named `count` leaves `count` free as a local name, in child bodies and
// in ordinary code of the same module.

#[aspawn::child]
fn count(cx: &Ctx) -> i32 {
    let _ = cx;
    let count = 5;
    count + 1
}

#[aspawn::child]
fn counts(cx: &Ctx) -> i32 {
    let count = count(cx);
    count * 2
}

#[test]
fn a_child_named_count_does_not_take_the_local_name() {
    let count = exit_code!(count, ());
    assert_eq!(count, Some(6));
    assert_eq!(exit_code!(counts, ()), Some(12));
}

// ---------------------------------------------------------------------------------------------
// A `const` in a pattern, written as a path (a bare `LIMIT` would be a new binding, which
// rustc refuses beside the constant: `reject-pattern-names-int-const.rs`).

const LIMIT: u32 = 7;

#[aspawn::child]
fn classify(cx: &Ctx, n: u32) -> i32 {
    let _ = cx;
    match n {
        self::LIMIT => 1,
        0..=6 => 2,
        _ => 3,
    }
}

#[test]
fn a_const_pattern_written_as_a_path() {
    assert_eq!(exit_code!(classify, (7)), Some(1));
    assert_eq!(exit_code!(classify, (3)), Some(2));
    assert_eq!(exit_code!(classify, (8)), Some(3));
}

// ---------------------------------------------------------------------------------------------
// `[x; N]` with `N` a `const` or a `const fn` call.

const THREE: usize = 3;

const fn four() -> usize {
    4
}

#[aspawn::child]
fn repeats(cx: &Ctx, out: Fd) -> ChildResult {
    let a = [b'x'; THREE];
    let b = [b'y'; four()];
    cx.write_all(out, &a).context("write")?;
    cx.write_all(out, &b).context("write")?;
    cx.exit(0)
}

#[test]
fn repeat_lengths_from_const_items_and_const_fns() {
    let (code, bytes) = output!(repeats, ());
    assert_eq!(bytes, b"xxxyyyy");
    assert_eq!(code, Some(0));
}
