//! A child closure must refuse this: a pattern name that is a unit struct (it binds nothing, and the later `Token` would be a user value).
#![allow(unused)]
use aspawn::{Fd, ResultExt, Stack};

struct Token;

impl Drop for Token {
    fn drop(&mut self) {
        let _leak = Box::new(1);
    }
}

fn main() {
    let _ = aspawn::spawn!(Stack::new().unwrap(), move |cx| {
        match None {
            Some(Token) | None => {
                let _t = Token;
            }
        }
        cx.exit(0)
    });
}
