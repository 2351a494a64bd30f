//! Every allowlisted pure method, on every kind of receiver it supports.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Argv, CStrRef, Ctx, Envp, Errno, Failure, Fd};

#[aspawn::child]
fn sequences(_cx: &Ctx, s: CStrRef, a: Argv, e: Envp, arr: [u32; 4]) -> usize {
    let mut n = s.len() + a.len() + e.len() + arr.len() + b"abc".len();
    if s.is_empty() || a.is_empty() || e.is_empty() || arr.is_empty() || b"".is_empty() {
        n += 1;
    }
    let _: Option<u8> = s.get(0);
    let _: Option<CStrRef> = a.get(0);
    let _: Option<CStrRef> = e.get(1);
    let _: Option<u32> = arr.get(2);
    let _: Option<u8> = b"xyz".get(1);
    n
}

#[aspawn::child]
fn integers(_cx: &Ctx, x: u32, y: i64) -> u32 {
    let _ = (x.checked_add(1), x.checked_sub(1), x.checked_mul(2), x.checked_div(0));
    let _ =
        (x.checked_rem(3), y.checked_neg(), x.checked_shl(40), x.checked_shr(1), x.checked_pow(3));
    let _ = (x.wrapping_add(1), x.wrapping_sub(1), x.wrapping_mul(3), y.wrapping_neg());
    let _ = (x.wrapping_shl(33), x.wrapping_shr(1), x.wrapping_pow(5));
    let _ = (x.saturating_add(1), x.saturating_sub(5), x.saturating_mul(7), x.saturating_pow(9));
    let _ = (x.min(3), x.max(4), x.count_ones(), x.count_zeros(), x.leading_zeros());
    let _ = (x.trailing_zeros(), x.swap_bytes(), x.to_be(), x.to_le());
    x
}

#[aspawn::child]
fn ascii(_cx: &Ctx, b: u8, c: char) -> bool {
    let _ = (b.is_ascii(), b.is_ascii_digit(), b.is_ascii_alphabetic(), b.is_ascii_alphanumeric());
    let _ = (c.is_ascii_whitespace(), c.is_ascii_uppercase(), c.is_ascii_lowercase());
    let _ = (b.to_ascii_uppercase(), c.to_ascii_lowercase());
    c.is_ascii()
}

#[aspawn::child]
fn options_results(_cx: &Ctx, o: Option<u32>, fd: Fd) -> i32 {
    let r: Result<u32, Errno> = o.ok_or(Errno::INVAL);
    let f = Failure::new(Errno::NOENT, "step");
    let _ = (o.is_some(), o.is_none(), o.unwrap_or(0), o.ok_or(Errno::INVAL));
    let _ = (r.is_ok(), r.is_err(), r.ok(), r.err(), r.unwrap_or(1));
    let _: Result<u32, Failure> = r.context("step");
    let _: Errno = f.errno();
    let _: &'static str = f.step();
    fd.as_raw() + Errno::NOENT.raw_os_error()
}

fn main() {
    let _ = (sequences, integers, ascii, options_results);
}
