//! The compile-time checks of `#[aspawn::child]` and `aspawn::spawn!`, run by trybuild.
//!
//! `ui/*.rs`: one rejected construct per file, named after it; each `.stderr` holds the exact
//! diagnostics (rustc 1.95). `pass/*.rs`: accepted constructs, which must compile (and run).
//! After a deliberate change of a message: `TRYBUILD=overwrite cargo test -p aspawn-tests --test ui`,
//! then read the diff of every `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("pass/*.rs");
}
