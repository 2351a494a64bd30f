//! Defence in depth for item 3 of the `soundness` module (no panic in a child), in the spirit of dtolnay's `no-panic`: built with
//! `--cfg aspawn_nopanic` in release mode, every child entry holds a value whose drop glue names a
//! symbol that does not exist. If anything the child runs (the engine, `Ctx`, the user's checked
//! function) could unwind, the compiler keeps a landing pad that runs that drop, and the link
//! fails. `.ci/run` builds the tests this way.

pub(crate) struct Proof;

unsafe extern "C" {
    #[cfg_attr(
        not(aspawn_nopanic_diag),
        link_name = "\n\naspawn: a child path can panic (found by the aspawn_nopanic link check)\n\n"
    )]
    #[cfg_attr(aspawn_nopanic_diag, link_name = "abort")]
    fn child_path_can_panic() -> !;
}

impl Drop for Proof {
    fn drop(&mut self) {
        // SAFETY: never runs: it exists only to fail the link when reachable.
        unsafe { child_path_can_panic() }
    }
}
