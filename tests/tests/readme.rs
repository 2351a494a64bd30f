//! The READMEs' Rust examples are compiled and run as doctests: the repository's `README.md` by
//! `aspawn-examples` (`examples/src/lib.rs`), the package's `aspawn/README.md` by `aspawn`
//! itself (`aspawn/src/lib.rs`), each through `#[doc = include_str!(…)]` on a `#[cfg(doctest)]`
//! item. rustdoc skips a block silently when it is marked `ignore`, `no_run` or `text`, and
//! wraps a block without `fn main` in one (so a snippet that is not a program would still pass).
//! This test checks what the doctests cannot: that every fenced block of both READMEs is
//! either a complete program rustdoc compiles *and runs* (a plain `rust` block with `fn main`)
//! or explicitly another language (`sh`, `text`), and that the two `include_str!` are in place.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").into()
}

/// One fenced block: its line number, info string and body.
struct Block {
    line: usize,
    info: String,
    body: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open =
                        Some(Block { line: i + 1, info: info.trim().into(), body: String::new() });
                }
            }
            Some(b) => {
                if trimmed.starts_with("```") {
                    out.push(open.take().expect("open"));
                } else {
                    b.body.push_str(line);
                    b.body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unterminated code block");
    out
}

/// What is wrong with a README's blocks, if anything; the number of Rust programs otherwise.
fn check(name: &str, markdown: &str) -> Result<usize, String> {
    let mut programs = 0;
    for b in blocks(markdown) {
        let lang = b.info.split([',', ' ']).next().unwrap_or("");
        match lang {
            // rustdoc treats an untagged block as Rust: say which language it is.
            "" => return Err(format!("{name}:{}: a code block without a language", b.line)),
            "rust" => {
                if b.info != "rust" {
                    return Err(format!(
                        "{name}:{}: `{}`: a README example must be compiled and run, plain `rust`",
                        b.line, b.info
                    ));
                }
                if !b.body.contains("fn main(") {
                    return Err(format!(
                        "{name}:{}: a README example must be a complete program (`fn main`)",
                        b.line
                    ));
                }
                programs += 1;
            }
            _ => {}
        }
    }
    Ok(programs)
}

#[test]
fn every_readme_rust_block_is_a_program_that_a_doctest_runs() {
    let root = repo();
    for (readme, includer, include) in [
        ("README.md", "examples/src/lib.rs", r#"include_str!("../../README.md")"#),
        ("aspawn/README.md", "aspawn/src/lib.rs", r#"include_str!("../README.md")"#),
    ] {
        let text = std::fs::read_to_string(root.join(readme)).expect(readme);
        let programs = check(readme, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(programs >= 2, "{readme}: only {programs} Rust examples found");
        let src = std::fs::read_to_string(root.join(includer)).expect(includer);
        let at = src.find(include).unwrap_or_else(|| panic!("{includer} does not {include}"));
        let before = &src[..at];
        let item =
            before.rfind("#[cfg(doctest)]").expect("the include is on a #[cfg(doctest)] item");
        assert!(
            !before[item..].contains(';'),
            "{includer}: the `#[cfg(doctest)]` must be on the item that includes {readme}"
        );
    }
}

#[test]
fn the_check_refuses_what_a_doctest_would_not_run() {
    let ok = "```sh\nls\n```\n```rust\nfn main() {}\n```\n";
    assert_eq!(check("ok", ok), Ok(1));
    for bad in [
        "```rust,ignore\nfn main() {}\n```\n",
        "```rust,no_run\nfn main() {}\n```\n",
        "```rust\nlet x = 1;\n```\n",
        "```\nfn main() {}\n```\n",
    ] {
        assert!(check("bad", bad).is_err(), "accepted: {bad}");
    }
}
