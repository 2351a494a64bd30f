//! A child function takes at most 24 parameters after `cx` (its arguments are placed as one tuple).
use aspawn::Ctx;

#[aspawn::child]
fn many(
    cx: &Ctx,
    a0: u8, a1: u8, a2: u8, a3: u8, a4: u8, a5: u8, a6: u8, a7: u8, a8: u8, a9: u8,
    a10: u8, a11: u8, a12: u8, a13: u8, a14: u8, a15: u8, a16: u8, a17: u8, a18: u8, a19: u8,
    a20: u8, a21: u8, a22: u8, a23: u8, a24: u8,
) -> i32 {
    let _ = (cx, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
    let _ = (a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24);
    0
}

fn main() {}
