//! Item 3 of the `soundness` module (no panic) at the edges, in a debug build (`cargo test` builds with overflow checks):
//! every operator and allowlisted integer method a child may use, fed `MIN`, `MAX`, shift
//! amounts past the bit width and negative ones, returns the wrapping (or `None`) result instead
//! of panicking. The values come in as arguments, so nothing is folded at compile time; the
//! parent computes the expected values with std's `wrapping_*`/`checked_*` and the child exits
//! with the number of the first mismatch (0: all equal).

use aspawn::{Ctx, Stack};

const CHECKS: usize = 40;

#[aspawn::child]
fn edges(_cx: &Ctx, big: i32, min: i32, n: u32, neg: i32, expect: [i64; 40]) -> i32 {
    let mut acc = big;
    acc += big;
    acc *= big;
    acc -= min;
    acc <<= n;
    acc >>= neg;
    let got = [
        (big + big) as i64,
        (min - 1) as i64,
        (big * big) as i64,
        (-min) as i64,
        (1u8 << n) as i64,
        (1i64 >> n),
        (5u32 << neg) as i64,
        (big >> neg) as i64,
        big.wrapping_pow(n) as i64,
        big.saturating_pow(n) as i64,
        min.saturating_pow(3) as i64,
        big.checked_pow(n).is_none() as i64,
        min.checked_div(-1).is_none() as i64,
        min.checked_rem(-1).is_none() as i64,
        big.checked_div(0).is_none() as i64,
        big.checked_rem(0).is_none() as i64,
        1u32.wrapping_shl(n) as i64,
        1u32.wrapping_shr(n) as i64,
        1u32.checked_shl(n).is_none() as i64,
        1u32.checked_shr(n).is_none() as i64,
        min.wrapping_neg() as i64,
        min.checked_neg().is_none() as i64,
        min.checked_mul(-1).is_none() as i64,
        min.checked_add(-1).is_none() as i64,
        big.checked_sub(-1).is_none() as i64,
        min.saturating_mul(min) as i64,
        big.saturating_add(big) as i64,
        min.saturating_sub(big) as i64,
        big.wrapping_mul(big) as i64,
        min.wrapping_sub(1) as i64,
        big.wrapping_add(1) as i64,
        min.min(big).max(min) as i64,
        (big.count_ones() + min.count_zeros() + big.leading_zeros() + min.trailing_zeros()) as i64,
        big.swap_bytes().to_be().to_le() as i64,
        (min as u8) as i64,
        (neg as u32) as i64,
        (-128i8 - 1) as i64,
        (255u8 + 1) as i64,
        u64::MAX.wrapping_mul(u64::MAX) as i64,
        acc as i64,
    ];
    for i in 0..got.len() {
        if got.get(i) != expect.get(i) {
            return (i + 1) as i32;
        }
    }
    0
}

/// The same computations with std's wrapping and checked methods, in the parent.
fn expected(big: i32, min: i32, n: u32, neg: i32) -> [i64; CHECKS] {
    let mut acc = big;
    acc = acc.wrapping_add(big);
    acc = acc.wrapping_mul(big);
    acc = acc.wrapping_sub(min);
    acc = acc.wrapping_shl(n);
    acc = acc.wrapping_shr(neg as u32);
    [
        big.wrapping_add(big) as i64,
        min.wrapping_sub(1) as i64,
        big.wrapping_mul(big) as i64,
        min.wrapping_neg() as i64,
        1u8.wrapping_shl(n) as i64,
        1i64.wrapping_shr(n),
        5u32.wrapping_shl(neg as u32) as i64,
        big.wrapping_shr(neg as u32) as i64,
        big.wrapping_pow(n) as i64,
        big.saturating_pow(n) as i64,
        min.saturating_pow(3) as i64,
        1,
        1,
        1,
        1,
        1,
        1u32.wrapping_shl(n) as i64,
        1u32.wrapping_shr(n) as i64,
        1,
        1,
        min as i64,
        1,
        1,
        1,
        1,
        i32::MAX as i64,
        i32::MAX as i64,
        i32::MIN as i64,
        big.wrapping_mul(big) as i64,
        i32::MAX as i64,
        i32::MIN as i64,
        min as i64,
        (31 + 31 + 1 + 31) as i64,
        big.swap_bytes().to_be().to_le() as i64,
        0,
        (neg as u32) as i64,
        127,
        0,
        1,
        acc as i64,
    ]
}

#[test]
fn operators_and_integer_methods_wrap_at_the_edges_in_debug_builds() {
    let args = (i32::MAX, i32::MIN, 200u32, -3i32);
    let expect = expected(args.0, args.1, args.2, args.3);
    let spawned =
        aspawn::spawn!(Stack::new().unwrap(), edges, (args.0, args.1, args.2, args.3, expect))
            .unwrap();
    let (mut child, _stack) = spawned.wait_released().unwrap();
    let status = child.wait().unwrap();
    // Not killed by a signal (a panic in the child would abort or corrupt), and no mismatch.
    assert_eq!(status.code(), Some(0), "{status:?}: the check of that number differs");
}
