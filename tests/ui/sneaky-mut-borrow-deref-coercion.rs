//! `#[aspawn::child]` must reject this: `&mut BUF` passed where `&mut [u8]` is expected would
//! be coerced through the user's `DerefMut`, which allocates.
#![allow(unused)]
use aspawn::{Ctx, Fd};

struct Buffer;

impl std::ops::Deref for Buffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &[]
    }
}

impl std::ops::DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        Box::leak(Box::new([0u8; 64]))
    }
}

const BUF: Buffer = Buffer;

#[aspawn::child]
fn run(cx: &Ctx, fd: Fd) -> i32 {
    let _ = cx.read(fd, &mut BUF);
    0
}

fn main() {}
