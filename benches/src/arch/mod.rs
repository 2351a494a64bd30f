//! The peers that must not run compiled Rust in the child (the floors and `vfork`): a child that shares the
//! parent's memory (and, for `vfork`, its stack) may only use registers. One file per
//! architecture.
//!
//! # Safety
//!
//! Each function returns twice at the kernel level; the child half is written entirely in
//! asm inside the same `asm!` block, so the compiler never sees a second return and no Rust
//! code runs in the child.

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
mod imp;

pub(crate) use imp::{clone_vm_execve, clone_vm_exit, clone3_vm_execve, vfork_execve};
