//! Literals: integers (with suffixes), `bool`, `char`, byte, byte string, string (`context`
//! steps), and `c"…"` wherever a `CStrRef` is expected; tuples, arrays and `[x; N]`.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Argv, ChildResult, Ctx, Envp};

const N: usize = 8;

#[aspawn::child]
fn literals(cx: &Ctx, argv: Argv, envp: Envp) -> ChildResult {
    let _ = (1, 2u8, 3i64, 0x10usize, 0o7, 0b11, 1_000u32, true, false, 'c', b'b');
    let mut buf = [0u8; 16];
    let _ = [1u8, 2, 3];
    let _ = [0u32; N];
    let _ = [0u32; 2 * N];
    let _ = cx.read(aspawn::Fd::STDIN, &mut buf);
    cx.write_all(aspawn::Fd::STDERR, b"bytes\n").context("write")?;
    cx.chdir(c"/").context("chdir")?;
    cx.execve(c"/bin/true", argv, envp).context("execve")
}

fn main() {
    let _ = literals;
}
