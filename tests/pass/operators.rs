//! Operators: arithmetic (wrapping), shifts, bitwise, comparisons, compound assignment,
//! negation of literals and values, `&&`/`||`/`!`, casts, references and dereferences.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Ctx, Errno, Fd};

#[aspawn::child]
fn arithmetic(_cx: &Ctx, a: u32, b: i64, fd: Fd, e: Errno) -> i32 {
    let mut x = a + 1 - 2 * a;
    x += 3;
    x -= 1;
    x *= 2;
    x <<= 1;
    x >>= 2u8;
    x &= 0xff;
    x |= 1;
    x ^= 2;
    let y = (x << 3) >> 1;
    let z = !y & (y | 4) ^ 7;
    let n = -b + -1;
    let m = -5i8;
    let flag = !(a == 1) && (a != 2 || a < 3) && a <= 4 && a > 0 && a >= 1;
    let same = fd == Fd::STDOUT && e != Errno::NOENT && Some(fd) == None;
    let ordered = fd < Fd::STDERR && 'a' < 'b' && false < true;
    let bits = flag & same | ordered ^ true;
    let mut t = (1u8, 2u16);
    t.0 += 1;
    let r = &mut t;
    (*r).1 += 1;
    let v = *&x;
    let cast =
        (n as i32) + (m as i32) + (v as i32) + (z as i32) + (bits as i32) + (b'a' as char as i32);
    cast + t.0 as i32
}

fn main() {
    let _ = arithmetic;
}
