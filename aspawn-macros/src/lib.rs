//! Proc macros of aspawn: `#[aspawn::child]` and `aspawn::spawn!`. Use them through the `aspawn`
//! crate, which re-exports both; the generated code names `::aspawn::…` paths.

mod child;
mod closure;
mod diag;
mod spawn;

use proc_macro::TokenStream;

/// Marks a function as code that may run in an aspawn child, between `clone` and `execve`, and
/// checks at compile time that it can.
///
/// ```
/// use aspawn::{Argv, CStrRef, ChildResult, Ctx, Envp, Fd, ResultExt, Stack};
/// use std::io::Read;
///
/// #[aspawn::child]
/// fn run(cx: &Ctx, prog: CStrRef, argv: Argv, envp: Envp, out: Fd) -> ChildResult {
///     cx.dup2(out, Fd::STDOUT).context("dup2 stdout")?;
///     cx.restore_sigmask().context("sigprocmask")?;
///     cx.execve(prog, argv, envp).context("execve")
/// }
///
/// // A helper (it returns a child value, not `ChildResult`/`i32`): callable from children only.
/// #[aspawn::child]
/// fn twice(_cx: &Ctx, x: i32) -> i32 {
///     x * 2
/// }
///
/// #[aspawn::child]
/// fn exit_with_twice(cx: &Ctx, x: i32) -> i32 {
///     twice(cx, x)
/// }
///
/// let (mut reader, writer) = std::io::pipe()?;
/// let spawned = aspawn::spawn!(
///     Stack::new()?,
///     run,
///     (c"/bin/echo", &["echo", "hi"], aspawn::Envp::inherit(), &writer)
/// )?;
/// let (mut child, stack) = spawned.wait_released()?;
/// drop(writer);
/// assert!(child.wait()?.success());
/// let mut out = String::new();
/// reader.read_to_string(&mut out)?;
/// assert_eq!(out, "hi\n");
///
/// let (mut child, _stack) = aspawn::spawn!(stack, exit_with_twice, (21))?.wait_released()?;
/// assert_eq!(child.wait()?.code(), Some(42));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A child function takes `cx: &Ctx` first, then child values (`CStrRef`, `Argv`, `Envp`, `Fd`,
/// integers, `bool`, `char`, `Errno`, and `Option`s, tuples and arrays of these), each a name
/// (`x`, `mut x`), `_` or a tuple of these (`(a, b): (u32, u32)`). It returns `ChildResult`
/// (also spelled `Result<Infallible, Failure>`), `i32` (an exit code) or `!` to be spawnable
/// with [`spawn!`]; with any other return type (a child value) it is a *helper* that other
/// child functions may call (passing `cx` on). A helper may also take `&T` or `&mut T` of a
/// child type `T` (`buf: &mut [u8; 64]`): a reference to its caller's local, on the child's
/// stack.
///
/// The attribute keeps the checked function under a hidden name and gives its name, with its
/// docs, to a struct (`struct run {}`, a type only: `spawn!(stack, run, …)` and calls from other
/// child functions name it) and to a hidden function that is never called (a value:
/// `cmd.child_hook(run, …)` passes it). Neither is a unit struct, so `let run = …` elsewhere in
/// the module still binds a local. Nothing outside a child can call the checked function
/// itself: it needs a `&Ctx`, which only the engine makes.
///
/// # The child language
///
/// The body is written in a small, closed subset of Rust:
///
/// - `let` (also `let … else`), `if`, `if let`, `match` on literal, name, tuple, `Some`/`None`/
///   `Ok`/`Err`, range, path (`self::LIMIT`) and `_` patterns, `loop`, `while`, `while let`,
///   `break`, `continue`, `return`, and `for i in a..b` / `a..=b` over integers;
/// - a name in a pattern is always a new binding: a name that would resolve to a unit struct, a
///   unit variant or a `const` in scope is refused by rustc (E0530, "… cannot shadow …"). Write
///   a constant in a pattern as a path (`self::LIMIT`, `Fd::STDOUT`);
/// - integer, `bool`, `char`, `"…"`, `b"…"` and `c"…"` literals (a `c"…"` literal is a
///   `CStrRef`), tuples, arrays, `[x; N]` (`N` a literal, a `const` or a `const fn` call), `.0`,
///   `&x`, `&mut x`, `*r`, `as` casts to integers;
/// - `+ - * << >>` and unary `-` (all *wrapping*), `& | ^ !`, comparisons, `&&`, `||`, `+=` …;
/// - `?` on a `Result` or `Option`, without `From`: a `Result<_, Errno>` becomes a
///   `Result<_, Failure>` with `.context("step")`;
/// - calls to `Ctx` methods (`cx.dup2(…)`, `cx.execve(…)` …), to other `#[aspawn::child]`
///   functions (by name, or by a module path; a module named upper-case from `self::`,
///   `crate::` or `super::`, since `Upper::f` reads as an associated function), to
///   `Some`/`Ok`/`Err`, `Failure::new`, `Fd::from_raw`, `INT::from_be_bytes`/`from_le_bytes`/
///   `from_ne_bytes`, and reads of constants of child value types (`Fd::STDOUT`, `u32::MAX`, a
///   `const` of yours);
/// - `cx.spawn(f, (a, b))` (also `(x)` and `()`): a grandchild running the `#[aspawn::child]`
///   function `f` on this child's stack; `cx.spawn(move |cx| …)`: a grandchild running a child
///   closure (checked by these rules; it captures values of this body, see [`spawn!`]);
/// - assignment and `&mut` on local variables only (`&mut FOO` would make a temporary of the
///   item's type), also `(a, b) = (b, a)` and `[a, b] = [b, a]`;
/// - these pure methods: `len is_empty get` (on `CStrRef`, `Argv`, `Envp`, arrays, byte
///   strings, slices, and references to these); `get(a..b)`, `get(..b)`, `get(a..)` (arrays,
///   byte strings and slices: an `Option` of the sub-slice, which `cx.write` takes);
///   `get_mut(i)` (an array local, or a `&mut` array parameter: `if let Some(b) =
///   buf.get_mut(i) { *b = x; }`);
///   `checked_{add,sub,mul,div,rem,neg,shl,shr,pow} wrapping_{add,sub,mul,neg,shl,shr,pow}
///   saturating_{add,sub,mul,pow} min max abs_diff rotate_left rotate_right count_ones
///   count_zeros leading_zeros trailing_zeros swap_bytes to_be to_le to_be_bytes to_le_bytes
///   to_ne_bytes` (integers), `is_power_of_two` (unsigned integers); `is_ascii is_ascii_digit
///   is_ascii_alphabetic is_ascii_alphanumeric is_ascii_whitespace is_ascii_uppercase
///   is_ascii_lowercase to_ascii_uppercase to_ascii_lowercase` (`u8`, `char`); `is_some is_none
///   ok_or unwrap_or` (`Option`); `is_ok is_err ok err unwrap_or` (`Result`); `context`
///   (`Result<_, Errno>`); `as_raw` (`Fd`); `raw_os_error` (`Errno`); `errno step` (`Failure`);
/// - `#[allow]`, `#[warn]`, `#[deny]`, `#[forbid]`, `#[expect]`, `#[doc]` (and on the function
///   `#[inline]`, `#[cold]`, `#[must_use]`).
///
/// Everything else is a compile error at the offending tokens, with a message that says what to
/// write instead; every violation of the function is reported in one build.
///
/// # Safety
///
/// The child shares the parent's memory (`CLONE_VM`) and runs at the same time as the parent, on
/// a small stack, with the parent thread's thread-local storage. The attribute guarantees, for
/// the code it accepts:
///
/// - **No allocation, no thread-local storage, no libc.** The child reaches the kernel only
///   through `Ctx`'s raw system calls. *To enforce this, the attribute* rejects every macro
///   invocation (`println!`, `format!`, `vec!`, user macros: they expand after the attribute
///   ran), every `std::`/`core::`/`alloc::`/`libc::` path, `String`/`Vec`/`Box` …, and every
///   call that is not one of the calls listed above. A call `helper(cx, x)` becomes
///   `(<helper as Approved>::CALL)(cx, x)`, where `helper` is the type this attribute generates
///   beside each function it checks, with its approval (`unsafe impl Approved for helper`);
///   `CALL` is the function the attribute checked, whatever else of that name is in scope.
/// - **No panic.** *The attribute* rejects `unwrap`, `expect`, `panic!`, `assert!`, indexing and
///   slicing (`get`, `get(a..b)` and `get_mut` return `Option`s), `/` and `%` (use
///   `checked_div`/`checked_rem`), and rewrites `+ - * << >>`, unary `-`, `+=` … to wrapping
///   functions. Defence in depth: built in release mode with `--cfg aspawn_nopanic`, every
///   child entry point holds a guard whose drop names a missing symbol, so the link fails if
///   anything a child runs could unwind (dtolnay's `no-panic` technique); aspawn's CI builds all
///   its test children that way.
/// - **No user code through traits.** Operators, comparisons, `?`, `for` and method calls would
///   call trait implementations, which may be a user's. *The attribute* rewrites operators to
///   sealed generic functions (`K::add(a, b)`), `?` to a `match` without `From`, `for i in a..b`
///   to a `while` loop, `cx.NAME(…)` to the inherent `C::NAME(cx, …)` and every allowlisted
///   method to a sealed function `K::NAME(x, …)` (`K::len(&x)` for `len`, `is_empty`, `get`), so
///   that no user trait (even one implemented for `Fd` or `u32`, or with a method named like an
///   allowed one) is reachable. `Some`/`None`/`Ok`/`Err` become `K::Some(x)` … (absolute
///   `::core` paths in patterns), so a user item with one of those names is never used. `K`
///   and `C` are `<<NAME as ::aspawn::__private::Approved>::Kit>` and `<… ::Ctx>`, `NAME` being
///   the checked function's own type: every call is anchored in the function's approval, which
///   has to be the real trait for the function to be spawned, and whose `Kit` and `Ctx` can
///   only be the runtime's types; so even a crate that makes `::aspawn` or `::core` name
///   something else (`extern crate self as aspawn;`, a renamed dependency) cannot put its own
///   `add` or `Some` into a child.
/// - **No value of a user type.** Closures, fn pointers, struct literals and patterns, named
///   fields, `self` and `dyn`/`impl Trait` are rejected. A path that is not a local variable is
///   read through `K::value(PATH)`, whose sealed bound admits only child values (integers,
///   `bool`, `char`, `Fd`, `Errno`, `Failure`, `CStrRef`, `Argv`, `Envp`, and `Option`s,
///   `Result`s, tuples, arrays, slices of and references to these: no `Drop`, no user `Deref`).
///   Which names are locals is decided from the syntax, and that decision is exact: every name
///   in a pattern is emitted as `name @ _`, which rustc refuses (E0530) when the name would
///   resolve to a unit struct, a unit variant or a `const` — such a pattern would bind nothing,
///   and the later `name` would make the item's value unchecked. Defence in depth: the value
///   `Some(v)`, `Ok(v)` or `Err(e)` carries, the type of `None` and a helper's return type are
///   bounded by the same sealed trait, so a helper cannot even return a `None` of a user type.
/// - **Only placed data.** *The attribute* checks each parameter type of a spawnable child
///   with `<K>::assert_child_arg::<T>()` (the sealed `ChildArg` trait: `Copy`, no references
///   into the parent's memory), through the function's approval like the body's calls, and the
///   runtime's `ChildFn` trait bounds the parameter tuple by the same sealed trait; it generates
///   the placement glue `spawn!` uses to deep-copy each argument into the child's stack. A
///   helper's `&T`/`&mut T` parameter needs `T: ChildArg`; it points into its caller's frame.
/// - **No `unsafe`.** *The attribute* rejects `unsafe` blocks and puts `#[forbid(unsafe_code)]`
///   on the function.
/// - **Bounded call depth.** *The attribute* rejects direct recursion by name, and generates
///   `Approved::DEPTH` = 1 + the deepest `DEPTH` of the functions the body calls (or spawns
///   with `cx.spawn`), checked at compile time through the function's approval: recursion
///   through other functions (`a` → `b` → `a`, `crate::a` in `a`) is rustc's cycle error E0391
///   on `<impl at …>::DEPTH`, which lists each function of the cycle, and a chain deeper than 64
///   calls fails the build.
///
/// What it cannot see (the residual risk):
///
/// - approval markers forged by hand with `unsafe impl`;
/// - a crate that makes `::aspawn` name something else (`extern crate self as aspawn;`, a
///   renamed dependency) reaches neither the code of a child nor its checks (above), but
///   still names its own placement glue, which runs in the parent before the clone;
/// - the size of stack frames: the call depth is bounded, but large arrays in locals (and debug
///   builds' frames) take stack space. An overflow hits the guard page and kills the child
///   (alone, on Linux ≥ 5.16) — keep child bodies small or use `Stack::with_size`;
/// - a child that loops forever or blocks pins its stack;
/// - instrumented builds (sanitizers, coverage counters) and `LD_PRELOAD` interposers;
/// - the correctness of `aspawn`'s own `Ctx` methods and `__private` functions, audited by hand.
#[proc_macro_attribute]
pub fn child(args: TokenStream, item: TokenStream) -> TokenStream {
    child::expand(args.into(), item.into()).into()
}

/// Spawns a child closure, or an `#[aspawn::child]` function with arguments, on a stack:
/// `aspawn::spawn!(stack, move |cx| { … })` or `aspawn::spawn!(stack, child_fn, (args…))` →
/// `Result<Spawned, SpawnError>`.
///
/// ```
/// use aspawn::{Ctx, Envp, Fd, ResultExt, Stack};
/// use std::io::Read;
/// use std::os::fd::AsFd;
///
/// let (mut reader, writer) = std::io::pipe()?;
/// let out = writer.as_fd();
/// let argv = ["echo", "hi"];
/// let envp = Envp::inherit();                 // evaluated here, in the parent
/// let spawned = aspawn::spawn!(Stack::new()?, move |cx| {
///     cx.dup2(out, Fd::STDOUT).context("dup2")?;
///     cx.execve(c"/bin/echo", argv, envp).context("execve")
/// })?;
/// let (mut child, stack) = spawned.wait_released()?;
/// drop(writer);
/// assert!(child.wait()?.success());
/// let mut text = String::new();
/// reader.read_to_string(&mut text)?;
/// assert_eq!(text, "hi\n");
///
/// // The function form: the third argument lists the parent-side values to place.
/// #[aspawn::child]
/// fn exit_with(_cx: &Ctx, code: i32) -> i32 {
///     code
/// }
/// let (mut child, _stack) = aspawn::spawn!(stack, exit_with, (7))?.wait_released()?;
/// assert_eq!(child.wait()?.code(), Some(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # The closure form
///
/// The closure takes `cx` (`|cx|`, `|cx: &Ctx|`, `|_|`) and returns `ChildResult`, `i32` (an
/// exit code) or never returns (`cx.exit(…)`); a return type may be written
/// (`move |cx| -> ChildResult { … }`). Its body is written in the child language of
/// [`macro@child`] and checked by the same rules, with the same messages; it may call
/// `#[aspawn::child]` functions. Every variable of the enclosing scope the body names is a
/// *capture*: its value is evaluated in the caller, then deep-copied into the child's stack by
/// the same placement as a `spawn!` argument (`&str`, `&CStr`, `&Path` … → `CStrRef`; `&[S]`,
/// `&Vec<S>`, `&[S; N]` and `[S; N]` of those → `Argv` or `Envp`; `Envp::inherit()`;
/// `BorrowedFd`, `&OwnedFd` … → `Fd`; integers, `bool`, `char`, `Errno`, `Fd` and `Option`s,
/// tuples, arrays of these → themselves). Which child type a capture becomes is inferred from
/// its use: `argv` passed to `execve` is an `Argv`. Where nothing decides it (an array of
/// strings only measured with `len`), rustc asks for an annotation ("type annotations
/// needed", listing `Place<Argv>`, `Place<Envp>`, `Place<[T; N]>`): write
/// `let argv: Argv = argv;` at the top of the body. A name that is a `const` or a unit struct
/// is captured the same way (its value is placed, or refused); write items as paths
/// (`Fd::STDOUT`, `self::LIMIT`) to read them in place. The closure must be `move`: the child
/// assigns and borrows its own copies, never the caller's variables.
///
/// # The function form
///
/// The third argument is a parenthesized list: `()` for a child without parameters, `(x)` for
/// one, `(a, b, …)` for more. Each argument is a parent-side value the child parameter's type
/// accepts (the placements above). It is deep-copied into the stack before the clone; an
/// argument of the wrong type is a compile error at that argument. Write a child as a
/// function to reuse it, or to name and type its values.
///
/// In both forms an argument or capture that cannot be placed at run time (an interior NUL, a
/// stack too small) is a `SpawnError`, which hands the stack back. The arguments and captures
/// are evaluated in the caller before anything is placed, so `?` and `.await` inside them work
/// as usual.
///
/// # Safety
///
/// The closure form gives every guarantee of [`macro@child`] (see its `# Safety`), by the same
/// means, and these for its captures:
///
/// - **Captures are placed, never borrowed.** The macro finds the captures from the syntax:
///   every single-segment name in value or place position that no pattern of the body binds
///   (the walk that makes every pattern name a new binding, `x @ _`, makes this exact), other
///   than `Some`/`None`/`Ok`/`Err`. It replaces each use by a parameter of the closure (a name
///   with the macro's hygiene, which no user code can name), and passes the caller's value to
///   the runtime, which places it through the sealed `Place` trait: the child receives only
///   values the spawn itself copied into the child's stack, never a value placed earlier (a
///   kept `CStrRef` or `Argv` has no placement) and never a pointer into the caller's memory.
///   A capture without a placement (`String`, `Vec`, `Arc`, `&i32`, a closure, a `Mutex`, a
///   type of yours) is a compile error at its first use in the body, naming its type.
/// - **The closure captures nothing.** After the rewrite the closure names only its own
///   parameters and locals, and items through checked paths. The runtime requires its type to
///   be zero-sized, `Copy` and `'static` (a compile-time assertion), so it holds no reference
///   and no value with a destructor; it is never moved into the child, which calls a fresh
///   (empty) value of the type.
/// - **Only a checked closure runs.** The runtime's entry takes a *witness* type besides the
///   closure: a struct the macro declares inside its expansion (unnameable from elsewhere),
///   with `unsafe impl CheckedClosure` and the `Approved` impl that anchors the body's calls
///   and counts its call depth (as for a function). Passing an unchecked closure needs an
///   `unsafe impl` written by hand.
#[proc_macro]
pub fn spawn(input: TokenStream) -> TokenStream {
    spawn::expand(input.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// `aspawn::child_hook!(cmd, move |cx| …)`, forwarded by the `child_hook!` macro of `aspawn`:
/// sets a child closure as the command's hook. Not public API.
#[doc(hidden)]
#[proc_macro]
pub fn __child_hook_closure(input: TokenStream) -> TokenStream {
    match closure::parse_hook(input.into()) {
        Ok((cmd, c)) => closure::expand_hook(&cmd, &c).into(),
        Err(e) => e.into_compile_error().into(),
    }
}
