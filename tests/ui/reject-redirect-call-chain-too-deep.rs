//! `#[aspawn::child]` must reject this: a crate that makes `::aspawn` name itself, with a decoy
//! `__private::ops::check_depth` that accepts every depth, still cannot build a chain of 66
//! helper calls (the check goes through the function's own approval).
#![allow(unused)]

extern crate aspawn as real;
extern crate self as aspawn;

pub use real::{Ctx, child};

/// The decoy runtime: the real one, with a depth check that accepts everything.
pub mod __private {
    pub use real::__private::*;

    /// Decoy operations.
    pub mod ops {
        pub use real::__private::ops::*;

        /// Accepts every depth.
        pub const fn check_depth(_: usize) {}
    }
}

#[aspawn::child]
fn h0(cx: &Ctx) -> i32 {
    h1(cx)
}

#[aspawn::child]
fn h1(cx: &Ctx) -> i32 {
    h2(cx)
}

#[aspawn::child]
fn h2(cx: &Ctx) -> i32 {
    h3(cx)
}

#[aspawn::child]
fn h3(cx: &Ctx) -> i32 {
    h4(cx)
}

#[aspawn::child]
fn h4(cx: &Ctx) -> i32 {
    h5(cx)
}

#[aspawn::child]
fn h5(cx: &Ctx) -> i32 {
    h6(cx)
}

#[aspawn::child]
fn h6(cx: &Ctx) -> i32 {
    h7(cx)
}

#[aspawn::child]
fn h7(cx: &Ctx) -> i32 {
    h8(cx)
}

#[aspawn::child]
fn h8(cx: &Ctx) -> i32 {
    h9(cx)
}

#[aspawn::child]
fn h9(cx: &Ctx) -> i32 {
    h10(cx)
}

#[aspawn::child]
fn h10(cx: &Ctx) -> i32 {
    h11(cx)
}

#[aspawn::child]
fn h11(cx: &Ctx) -> i32 {
    h12(cx)
}

#[aspawn::child]
fn h12(cx: &Ctx) -> i32 {
    h13(cx)
}

#[aspawn::child]
fn h13(cx: &Ctx) -> i32 {
    h14(cx)
}

#[aspawn::child]
fn h14(cx: &Ctx) -> i32 {
    h15(cx)
}

#[aspawn::child]
fn h15(cx: &Ctx) -> i32 {
    h16(cx)
}

#[aspawn::child]
fn h16(cx: &Ctx) -> i32 {
    h17(cx)
}

#[aspawn::child]
fn h17(cx: &Ctx) -> i32 {
    h18(cx)
}

#[aspawn::child]
fn h18(cx: &Ctx) -> i32 {
    h19(cx)
}

#[aspawn::child]
fn h19(cx: &Ctx) -> i32 {
    h20(cx)
}

#[aspawn::child]
fn h20(cx: &Ctx) -> i32 {
    h21(cx)
}

#[aspawn::child]
fn h21(cx: &Ctx) -> i32 {
    h22(cx)
}

#[aspawn::child]
fn h22(cx: &Ctx) -> i32 {
    h23(cx)
}

#[aspawn::child]
fn h23(cx: &Ctx) -> i32 {
    h24(cx)
}

#[aspawn::child]
fn h24(cx: &Ctx) -> i32 {
    h25(cx)
}

#[aspawn::child]
fn h25(cx: &Ctx) -> i32 {
    h26(cx)
}

#[aspawn::child]
fn h26(cx: &Ctx) -> i32 {
    h27(cx)
}

#[aspawn::child]
fn h27(cx: &Ctx) -> i32 {
    h28(cx)
}

#[aspawn::child]
fn h28(cx: &Ctx) -> i32 {
    h29(cx)
}

#[aspawn::child]
fn h29(cx: &Ctx) -> i32 {
    h30(cx)
}

#[aspawn::child]
fn h30(cx: &Ctx) -> i32 {
    h31(cx)
}

#[aspawn::child]
fn h31(cx: &Ctx) -> i32 {
    h32(cx)
}

#[aspawn::child]
fn h32(cx: &Ctx) -> i32 {
    h33(cx)
}

#[aspawn::child]
fn h33(cx: &Ctx) -> i32 {
    h34(cx)
}

#[aspawn::child]
fn h34(cx: &Ctx) -> i32 {
    h35(cx)
}

#[aspawn::child]
fn h35(cx: &Ctx) -> i32 {
    h36(cx)
}

#[aspawn::child]
fn h36(cx: &Ctx) -> i32 {
    h37(cx)
}

#[aspawn::child]
fn h37(cx: &Ctx) -> i32 {
    h38(cx)
}

#[aspawn::child]
fn h38(cx: &Ctx) -> i32 {
    h39(cx)
}

#[aspawn::child]
fn h39(cx: &Ctx) -> i32 {
    h40(cx)
}

#[aspawn::child]
fn h40(cx: &Ctx) -> i32 {
    h41(cx)
}

#[aspawn::child]
fn h41(cx: &Ctx) -> i32 {
    h42(cx)
}

#[aspawn::child]
fn h42(cx: &Ctx) -> i32 {
    h43(cx)
}

#[aspawn::child]
fn h43(cx: &Ctx) -> i32 {
    h44(cx)
}

#[aspawn::child]
fn h44(cx: &Ctx) -> i32 {
    h45(cx)
}

#[aspawn::child]
fn h45(cx: &Ctx) -> i32 {
    h46(cx)
}

#[aspawn::child]
fn h46(cx: &Ctx) -> i32 {
    h47(cx)
}

#[aspawn::child]
fn h47(cx: &Ctx) -> i32 {
    h48(cx)
}

#[aspawn::child]
fn h48(cx: &Ctx) -> i32 {
    h49(cx)
}

#[aspawn::child]
fn h49(cx: &Ctx) -> i32 {
    h50(cx)
}

#[aspawn::child]
fn h50(cx: &Ctx) -> i32 {
    h51(cx)
}

#[aspawn::child]
fn h51(cx: &Ctx) -> i32 {
    h52(cx)
}

#[aspawn::child]
fn h52(cx: &Ctx) -> i32 {
    h53(cx)
}

#[aspawn::child]
fn h53(cx: &Ctx) -> i32 {
    h54(cx)
}

#[aspawn::child]
fn h54(cx: &Ctx) -> i32 {
    h55(cx)
}

#[aspawn::child]
fn h55(cx: &Ctx) -> i32 {
    h56(cx)
}

#[aspawn::child]
fn h56(cx: &Ctx) -> i32 {
    h57(cx)
}

#[aspawn::child]
fn h57(cx: &Ctx) -> i32 {
    h58(cx)
}

#[aspawn::child]
fn h58(cx: &Ctx) -> i32 {
    h59(cx)
}

#[aspawn::child]
fn h59(cx: &Ctx) -> i32 {
    h60(cx)
}

#[aspawn::child]
fn h60(cx: &Ctx) -> i32 {
    h61(cx)
}

#[aspawn::child]
fn h61(cx: &Ctx) -> i32 {
    h62(cx)
}

#[aspawn::child]
fn h62(cx: &Ctx) -> i32 {
    h63(cx)
}

#[aspawn::child]
fn h63(cx: &Ctx) -> i32 {
    h64(cx)
}

#[aspawn::child]
fn h64(cx: &Ctx) -> i32 {
    h65(cx)
}

#[aspawn::child]
fn h65(cx: &Ctx) -> i32 {
    0
}

fn main() {}
