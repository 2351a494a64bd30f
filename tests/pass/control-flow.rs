//! Control flow: let, let-else, if, if let (and let chains), match with every accepted pattern,
//! loop/while/while let with labels, break with a value, continue, return, for over ranges.
#![forbid(unsafe_code)]
#![deny(warnings)]

use aspawn::{Ctx, Errno, Fd};

const LIMIT: u32 = 10;

#[aspawn::child]
fn flow(cx: &Ctx, n: u32, maybe: Option<Fd>, pair: (u8, bool), arr: [u8; 3]) -> i32 {
    let res: Result<u32, Errno> = if n > 3 { Ok(n) } else { Err(Errno::NOENT) };
    let Some(fd) = maybe else { return 1 };
    let mut total: u32 = 0;
    if n > LIMIT {
        total += 1;
    } else if let Ok(v) = res {
        total += v;
    } else {
        total += 2;
    }
    if let Some(f) = maybe
        && f == fd
    {
        total += 1;
    }
    let kind = match n {
        0 => 0,
        1 | 2 => 1,
        3..=9 => 2,
        x if x > 100 => 3,
        _ => 4,
    };
    let _ = match res {
        Ok(0) => 0,
        Ok(v) => v,
        Err(Errno::NOENT) => 1,
        Err(_) => 2,
    };
    match pair {
        (0, true) => {}
        (b @ 1..=3, _) => total += b as u32,
        (_, false) => {}
        _ => {}
    }
    match arr {
        [0, ..] => {}
        [a, b, c] => total += (a + b + c) as u32,
    }
    match &maybe {
        &Some(_) => {}
        &None => {}
    }
    let found = 'search: loop {
        let mut i = 0;
        while i < 3 {
            if i == 2 {
                break 'search i;
            }
            i += 1;
        }
        break 0;
    };
    let mut it = Some(3u32);
    while let Some(k) = it {
        it = k.checked_sub(1);
        if k == 2 {
            continue;
        }
    }
    'outer: for i in 0..n {
        for j in 0..=i {
            if j == 5 {
                continue 'outer;
            }
            if i == 7 {
                break 'outer;
            }
            total += j;
        }
    }
    for _ in 0u8..=255 {}
    for mut k in (0..3) {
        k += 1;
        total += k;
    }
    let _ = cx;
    if total == 0 {
        return kind;
    }
    (total as i32) + found
}

fn main() {
    let _ = flow;
}
