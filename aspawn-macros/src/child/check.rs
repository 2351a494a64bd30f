//! The policy of the child language (the `soundness` module of the `aspawn` crate: "Macro policy" and item 10): what a child
//! function may look like, which names it may call, and — for everything it may not use — a
//! message that says why and what to write instead.
//!
//! The walk over the body lives in `rewrite.rs`; it asks this module what is allowed.

use syn::{
    Attribute, FnArg, GenericParam, Ident, ItemFn, Pat, PathArguments, ReturnType, Type, TypePath,
};

use crate::diag::Errors;

/// Prefix of every message: the reader may not know which attribute complains.
pub(crate) const IN_CHILD: &str = "in an `#[aspawn::child]` function";

/// The `Ctx` methods, named after their system calls. `recv.NAME(args)` is rewritten
/// to `::aspawn::Ctx::NAME(recv, args)`: an inherent associated function, so no user trait with a
/// method of the same name can be reached.
pub(crate) const CTX_METHODS: &[&str] = &[
    "openat",
    "open",
    "close",
    "dup",
    "dup2",
    "dup3",
    "pipe2",
    "chdir",
    "fchdir",
    "read",
    "write",
    "write_all",
    "close_range",
    "set_cloexec",
    "setresuid",
    "setresgid",
    "setgroups",
    "setuid",
    "setgid",
    "setsid",
    "setpgid",
    "getpid",
    "getppid",
    "umask",
    "setrlimit",
    "prlimit",
    "getpriority",
    "setpriority",
    "sched_setscheduler",
    "sigprocmask",
    "restore_sigmask",
    "signal_default",
    "signal_ignore",
    "kill",
    "prctl_set_pdeathsig",
    "ioctl_tiocsctty",
    "tcsetpgrp",
    "chroot",
    "unshare",
    "epoll_create1",
    "epoll_ctl",
    "epoll_pwait",
    "execve",
    "execveat",
    "fexecve",
    "execvp",
    "exit",
    "spawn",
];

/// The pure methods a child may call on its values. `recv.NAME(args)` is rewritten to
/// `<<F as ::aspawn::__private::Approved>::Kit>::NAME(recv, args)`, a generic function bounded by
/// a sealed trait implemented only for the child value types (`aspawn/src/private/methods.rs`,
/// which must define exactly these names).
pub(crate) const PURE_METHODS: &[&str] = &[
    // CStrRef, Argv, Envp, arrays
    "len",
    "is_empty",
    "get",
    "get_mut",
    // integers
    "checked_add",
    "checked_sub",
    "checked_mul",
    "checked_div",
    "checked_rem",
    "checked_neg",
    "checked_shl",
    "checked_shr",
    "checked_pow",
    "wrapping_add",
    "wrapping_sub",
    "wrapping_mul",
    "wrapping_neg",
    "wrapping_shl",
    "wrapping_shr",
    "wrapping_pow",
    "saturating_add",
    "saturating_sub",
    "saturating_mul",
    "saturating_pow",
    "min",
    "max",
    "count_ones",
    "count_zeros",
    "leading_zeros",
    "trailing_zeros",
    "swap_bytes",
    "to_be",
    "to_le",
    "abs_diff",
    "rotate_left",
    "rotate_right",
    "is_power_of_two",
    "to_be_bytes",
    "to_le_bytes",
    "to_ne_bytes",
    // u8 and char
    "is_ascii",
    "is_ascii_digit",
    "is_ascii_alphabetic",
    "is_ascii_alphanumeric",
    "is_ascii_whitespace",
    "is_ascii_uppercase",
    "is_ascii_lowercase",
    "to_ascii_uppercase",
    "to_ascii_lowercase",
    // Option and Result
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "ok",
    "err",
    "ok_or",
    "unwrap_or",
    "context",
    // Fd, Errno, Failure
    "as_raw",
    "raw_os_error",
    "errno",
    "step",
];

/// Attributes that may sit on the function or inside its body: they cannot change the code.
const INERT_ATTRS: &[&str] =
    &["doc", "allow", "warn", "deny", "forbid", "expect", "inline", "cold", "must_use"];

/// Checks the attributes on the function (those written after `#[aspawn::child]`, which would
/// otherwise expand on the checked output) or on a statement or expression of its body.
/// Returns whether all of them are allowed.
pub(crate) fn check_attrs(attrs: &[Attribute], errors: &mut Errors) -> bool {
    let mut all_inert = true;
    for attr in attrs {
        let path = attr.path();
        let inert = path.get_ident().is_some_and(|i| INERT_ATTRS.iter().any(|a| i == a));
        if !inert {
            all_inert = false;
            errors.spanned(
                attr,
                format!(
                    "this attribute is not allowed {IN_CHILD}: another attribute could change the \
                     code after it was checked. Only `#[doc]`, `#[allow]`, `#[warn]`, `#[deny]`, \
                     `#[forbid]`, `#[expect]`, `#[inline]`, `#[cold]` and `#[must_use]` may be used"
                ),
            );
        }
    }
    all_inert
}

/// How a spawnable child ends: the return types `ChildFn::Output` accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Output {
    /// `-> ChildResult` or `-> i32`: the function can be spawned (`ChildFn` is generated).
    Spawnable,
    /// Anything else: the function is a helper other child functions may call.
    Helper,
}

/// What the expansion needs to know about a checked signature.
pub(crate) struct Signature {
    /// The function's name (also the name of the generated struct and hook value).
    pub(crate) name: Ident,
    /// The types of the child parameters after `cx`, as written.
    pub(crate) params: Vec<Type>,
    /// Whether `ChildFn` is generated.
    pub(crate) output: Output,
}

/// The most parameters (after `cx`) a child function may take: the runtime places argument
/// tuples up to this arity (`aspawn::__private::Place` is implemented for tuples up to 24).
const MAX_PARAMS: usize = 24;

/// Checks the function's signature against the policy; `None` if it cannot be expanded at all.
pub(crate) fn check_signature(func: &ItemFn, errors: &mut Errors) -> Option<Signature> {
    let sig = &func.sig;
    let name = sig.ident.clone();
    let mut expandable = true;

    if let Some(t) = &sig.constness {
        errors.spanned(
            t,
            "an `#[aspawn::child]` function cannot be `const`: it runs in the child, at run time"
                .to_string(),
        );
    }
    if let Some(t) = &sig.asyncness {
        expandable = false;
        errors.spanned(t, "an `#[aspawn::child]` function cannot be `async`: the child has no executor. Write a plain `fn`".to_string());
    }
    if let Some(t) = &sig.unsafety {
        expandable = false;
        errors.spanned(t, "an `#[aspawn::child]` function cannot be `unsafe`: the attribute proves it safe to run between clone and exec".to_string());
    }
    if let Some(t) = &sig.abi {
        expandable = false;
        errors.spanned(t, "an `#[aspawn::child]` function cannot have an ABI: the attribute generates the `extern \"C\"` entry point itself".to_string());
    }
    if let Some(t) = &sig.variadic {
        expandable = false;
        errors.spanned(t, "an `#[aspawn::child]` function cannot be variadic".to_string());
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(_) | GenericParam::Const(_) => {
                expandable = false;
                errors.spanned(
                    param,
                    "an `#[aspawn::child]` function cannot be generic: a generic parameter \
                         could bring in any trait's code. Use the concrete child types (`CStrRef`, \
                         `Argv`, `Envp`, `Fd`, integers …)"
                        .to_string(),
                );
            }
        }
    }
    if let Some(wc) = &sig.generics.where_clause {
        expandable = false;
        errors.spanned(
            wc,
            "an `#[aspawn::child]` function cannot have a `where` clause: it cannot be generic"
                .to_string(),
        );
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        check_value_type(ty, errors, "return type");
    }

    for input in &sig.inputs {
        if let FnArg::Typed(pt) = input {
            // `#[cfg]` on a parameter would remove it after the companions were generated.
            expandable &= check_attrs(&pt.attrs, errors);
        }
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Typed(pt)) if is_ctx_ref(&pt.ty) => {
            if !is_param_pattern(&pt.pat) {
                errors.spanned(&pt.pat, param_pattern_message());
            }
        }
        Some(FnArg::Receiver(r)) => {
            errors.spanned(r, self_message());
            return None;
        }
        Some(FnArg::Typed(pt)) => {
            errors.spanned(
                &pt.ty,
                "the first parameter of an `#[aspawn::child]` function must be `cx: &Ctx` \
                     (`aspawn::Ctx`): the child reaches the kernel only through it"
                    .to_string(),
            );
            return None;
        }
        None => {
            errors.at(
                sig.paren_token.span.join(),
                "an `#[aspawn::child]` function takes `cx: &Ctx` (`aspawn::Ctx`) as its first \
                     parameter: the child reaches the kernel only through it"
                    .to_string(),
            );
            return None;
        }
    }

    let output = match &sig.output {
        ReturnType::Type(_, ty) if is_spawnable_return(ty) => Output::Spawnable,
        _ => Output::Helper,
    };
    let mut params = Vec::new();
    for input in inputs {
        match input {
            FnArg::Receiver(r) => {
                errors.spanned(r, self_message());
                expandable = false;
            }
            FnArg::Typed(pt) => {
                if !is_param_pattern(&pt.pat) {
                    errors.spanned(&pt.pat, param_pattern_message());
                }
                if let Some(msg) = param_type_message(&pt.ty, output) {
                    errors.spanned(&pt.ty, msg);
                    expandable = false;
                } else {
                    // Generic arguments (`Option<m!()>`): the sealed `ChildArg` bound decides
                    // the type, but a macro or a pointer in it is refused here, with its message.
                    check_value_type(&pt.ty, errors, "parameter type");
                }
                params.push((*pt.ty).clone());
            }
        }
    }

    if params.len() > MAX_PARAMS {
        errors.spanned(
            &sig.inputs,
            format!(
                "an `#[aspawn::child]` function takes at most {MAX_PARAMS} parameters after `cx`, \
                 this one takes {}: group some of them in tuples or arrays (`(a, b): (u32, u32)`)",
                params.len()
            ),
        );
        expandable = false;
    }

    expandable.then_some(Signature { name, params, output })
}

fn self_message() -> String {
    "an `#[aspawn::child]` function cannot take `self`: it must be a free function, called with \
     `cx` and child values"
        .to_owned()
}

fn param_pattern_message() -> String {
    "a parameter of an `#[aspawn::child]` function is a name (`x`, `mut x`), `_`, or a tuple of \
     these (`(a, b): (u32, u32)`)"
        .to_owned()
}

/// A parameter pattern of the child language: `x`, `mut x`, `_`, and tuples of these. The
/// rewriter binds its names (as `x @ _`, like every pattern name).
pub(crate) fn is_param_pattern(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(p) => p.by_ref.is_none() && p.subpat.is_none(),
        Pat::Wild(_) => true,
        Pat::Tuple(t) => t.elems.iter().all(is_param_pattern),
        Pat::Paren(p) => is_param_pattern(&p.pat),
        _ => false,
    }
}

/// `&Ctx`, `&'a Ctx`, `&aspawn::Ctx` …
pub(crate) fn is_ctx_ref(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) if r.mutability.is_none() => {
            matches!(&*r.elem, Type::Path(p) if p.qself.is_none() && last_ident_is(p, "Ctx"))
        }
        Type::Paren(p) => is_ctx_ref(&p.elem),
        Type::Group(g) => is_ctx_ref(&g.elem),
        _ => false,
    }
}

fn last_ident_is(p: &TypePath, name: &str) -> bool {
    p.path.segments.last().is_some_and(|s| s.ident == name && s.arguments.is_none())
}

/// `ChildResult`, `Result<Infallible, Failure>` (what `ChildResult` stands for), `i32` and `!`:
/// the return types of a spawnable child (the sealed `ChildReturn` bound checks the type the
/// path names).
pub(crate) fn is_spawnable_return(ty: &Type) -> bool {
    match ty {
        Type::Never(_) => true,
        Type::Path(p) if p.qself.is_none() => {
            last_ident_is(p, "ChildResult")
                || p.path.is_ident("i32")
                || is_result_infallible_failure(p)
        }
        Type::Paren(p) => is_spawnable_return(&p.elem),
        Type::Group(g) => is_spawnable_return(&g.elem),
        _ => false,
    }
}

/// `Result<Infallible, Failure>`, with any paths to the three.
fn is_result_infallible_failure(p: &TypePath) -> bool {
    let Some(last) = p.path.segments.last() else { return false };
    let PathArguments::AngleBracketed(args) = &last.arguments else { return false };
    let names: Vec<_> = args
        .args
        .iter()
        .map(|a| match a {
            syn::GenericArgument::Type(Type::Path(t)) if t.qself.is_none() => {
                t.path.segments.last().map(|s| s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    last.ident == "Result" && names == [Some("Infallible".to_owned()), Some("Failure".to_owned())]
}

/// Type names that own heap memory (or share it): never a child value.
const ALLOCATING_TYPES: &[&str] = &[
    "String", "Vec", "Box", "Rc", "Arc", "CString", "OsString", "PathBuf", "Cow", "HashMap",
    "BTreeMap", "VecDeque",
];

/// The message for a parameter type that is syntactically not a child type, or `None` when the
/// type is left to the generated `assert_child_arg::<T>()` (the sealed `ChildArg` trait decides).
/// A helper (`output` is `Helper`: never spawned, only called from child bodies) may also take
/// `&T` and `&mut T` with `T` a child type (`assert_child_referent::<T>()` decides): a reference
/// to its caller's local, in the child's own stack.
pub(crate) fn param_type_message(ty: &Type, output: Output) -> Option<String> {
    const USE: &str = "Use `CStrRef` for a string, `Argv`/`Envp` for a list of strings, `Fd` for \
                       a file descriptor, or an integer, `bool`, `char`, `Errno`";
    match ty {
        Type::Reference(r)
            if output == Output::Helper
                && !matches!(&*r.elem, Type::Reference(_) | Type::Slice(_))
                && param_type_message(&r.elem, output).is_none() =>
        {
            None
        }
        Type::Reference(r) => {
            let what = match &*r.elem {
                Type::Path(p) if last_ident_is(p, "str") => "`&str` is not a child parameter type",
                Type::Path(p) if last_ident_is(p, "CStr") => {
                    "`&CStr` is not a child parameter type"
                }
                Type::Path(p) if last_ident_is(p, "Path") => {
                    "`&Path` is not a child parameter type"
                }
                Type::Slice(_) => "a slice is not a child parameter type",
                _ => "a reference is not a child parameter type",
            };
            Some(if output == Output::Spawnable {
                format!(
                    "{what} of a spawnable child: it would point into the parent's memory, which \
                     another thread may free while the child runs; `spawn!` deep-copies child \
                     values into the child's stack instead (a helper, which other child \
                     functions call, may take `&T` or `&mut T` of a child type `T`, such as \
                     `buf: &mut [u8; 64]`). {USE}"
                )
            } else {
                format!(
                    "{what}: a helper may take `&T` or `&mut T` only of a child type `T` (`&u32`, \
                     `&mut [u8; 64]`, `&CStrRef`). {USE}"
                )
            })
        }
        Type::Ptr(_) => Some(format!(
            "a raw pointer is not a child parameter type: it would point into the parent's \
             memory. {USE}"
        )),
        Type::BareFn(_) => Some(
            "a function pointer is not a child parameter type: a child calls only `Ctx` methods \
             and `#[aspawn::child]` functions, by name"
                .to_string(),
        ),
        Type::ImplTrait(_) => Some(format!(
            "`impl Trait` is not allowed {IN_CHILD}: it is a generic parameter, which could bring \
             in any trait's code. {USE}"
        )),
        Type::TraitObject(_) => Some(format!(
            "`dyn Trait` is not allowed {IN_CHILD}: a trait object calls code the attribute \
             cannot check. {USE}"
        )),
        Type::Slice(_) => Some(format!("a slice is not a child parameter type. {USE}")),
        Type::Macro(_) => Some(format!("a macro in a type is not allowed {IN_CHILD}")),
        Type::Infer(_) => Some(format!("a parameter type must be written out {IN_CHILD}")),
        Type::Path(p) if p.qself.is_some() => Some(format!(
            "a qualified path type (`<T as Trait>::X`) is not allowed {IN_CHILD}. {USE}"
        )),
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            if ALLOCATING_TYPES.iter().any(|t| last.ident == t) {
                Some(format!(
                    "`{}` is not a child parameter type: it owns heap memory, and the child must \
                     neither allocate nor free. {USE}",
                    last.ident
                ))
            } else {
                p.path.segments.iter().find_map(|s| match &s.arguments {
                    PathArguments::Parenthesized(_) => Some(
                        "a closure trait is not a child parameter type: a child calls only `Ctx` \
                         methods and `#[aspawn::child]` functions, by name"
                            .to_string(),
                    ),
                    _ => None,
                })
            }
        }
        Type::Paren(p) => param_type_message(&p.elem, output),
        Type::Group(g) => param_type_message(&g.elem, output),
        Type::Tuple(t) => t.elems.iter().find_map(|t| param_type_message(t, Output::Spawnable)),
        Type::Array(a) => param_type_message(&a.elem, Output::Spawnable),
        _ => None,
    }
}

/// Checks a type written in the body (a `let` annotation) or as a return type: no `impl Trait`,
/// `dyn`, fn pointers, raw pointers or macros anywhere in it, generic arguments included
/// (`Option<m!()>`). Values of other types cannot be created in a child body, so the rest is
/// left to the type checker.
pub(crate) fn check_value_type(ty: &Type, errors: &mut Errors, what: &str) {
    struct Walk<'a> {
        errors: &'a mut Errors,
        what: &'a str,
    }
    impl<'ast> syn::visit::Visit<'ast> for Walk<'_> {
        fn visit_type(&mut self, ty: &'ast Type) {
            let what = self.what;
            let msg = match ty {
                Type::ImplTrait(_) => format!(
                    "`impl Trait` is not allowed {IN_CHILD} (in a {what}): write the concrete \
                     child type"
                ),
                Type::TraitObject(_) => format!(
                    "`dyn Trait` is not allowed {IN_CHILD} (in a {what}): a trait object calls \
                     code the attribute cannot check"
                ),
                Type::BareFn(_) => format!(
                    "a function pointer is not allowed {IN_CHILD} (in a {what}): call \
                     `#[aspawn::child]` functions by name"
                ),
                Type::Macro(_) => format!(
                    "a macro in a type is not allowed {IN_CHILD}: it expands after the attribute \
                     has checked the function"
                ),
                Type::Ptr(_) => format!("a raw pointer is not allowed {IN_CHILD} (in a {what})"),
                _ => return syn::visit::visit_type(self, ty),
            };
            self.errors.spanned(ty, msg);
        }
        // An array length is a constant: evaluated at compile time, never in the child.
        fn visit_expr(&mut self, _: &'ast syn::Expr) {}
    }
    syn::visit::Visit::visit_type(&mut Walk { errors, what }, ty);
}

/// The integer types an `as` cast may target (plus `char`, from `u8`).
pub(crate) const CAST_TARGETS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "char",
];

/// First path segments that lead outside the child language.
pub(crate) fn forbidden_root_message(root: &Ident) -> Option<String> {
    let r = root.to_string();
    let msg = match r.as_str() {
        "std" | "core" | "alloc" => format!(
            "`{r}::` paths are not allowed {IN_CHILD}: the standard library may allocate, panic or \
             touch thread-local state. Use `cx` methods (`cx.write_all`, `cx.exit` …), `Some`/\
             `None`/`Ok`/`Err`, and integer constants such as `u32::MAX`"
        ),
        "libc" | "rustix" | "nix" => format!(
            "`{r}::` paths are not allowed {IN_CHILD}: libc functions write `errno` in the \
             parent's thread-local storage. Make system calls with `cx` methods (`cx.dup2`, \
             `cx.execve` …)"
        ),
        _ if ALLOCATING_TYPES.contains(&r.as_str()) => format!(
            "`{r}` is not allowed {IN_CHILD}: it allocates, and the child must neither allocate \
             nor free (the allocator's state is the parent's). Use child values: `CStrRef`, \
             `Argv`, `Envp`, `c\"…\"` and `b\"…\"` literals, arrays"
        ),
        _ => return None,
    };
    Some(msg)
}

/// The message for a macro invocation (every macro is rejected: it expands after the attribute
/// has run, so the attribute cannot see what it becomes).
pub(crate) fn macro_message(name: &str) -> String {
    let why = match name {
        "println" | "print" => {
            "it formats into an allocated buffer and takes the stdout lock. Write bytes with \
             `cx.write_all(fd, b\"…\")`"
        }
        "eprintln" | "eprint" => {
            "it formats into an allocated buffer and takes the stderr lock. Write bytes with \
             `cx.write_all(Fd::STDERR, b\"…\")`"
        }
        "write" | "writeln" => {
            "formatting may allocate and calls user `Display` code. Write bytes with \
             `cx.write_all(fd, b\"…\")`"
        }
        "format" | "format_args" => {
            "formatting allocates and calls user `Display` code. Write bytes with \
             `cx.write_all(fd, b\"…\")`"
        }
        "vec" => "it allocates. Use an array (`[0u8; 64]`) or a child parameter (`Argv`)",
        "panic" | "unreachable" | "todo" | "unimplemented" => {
            "a panic in the child runs the parent's panic machinery on shared memory. Return \
             `Err(Failure::new(errno, \"step\"))` or call `cx.exit(code)`"
        }
        "assert" | "assert_eq" | "assert_ne" | "debug_assert" | "debug_assert_eq"
        | "debug_assert_ne" => {
            "it panics when it fails. Test with `if` and return `Err(Failure::new(errno, \
             \"step\"))` or call `cx.exit(code)`"
        }
        "dbg" => "it formats and writes to stderr. Write bytes with `cx.write_all(fd, b\"…\")`",
        "thread_local" => "thread-local storage is the parent thread's in the child",
        "matches" => "write a `match` or `if let`",
        "macro_rules" => "define macros outside the function (and do not use them in it)",
        _ => {
            "a macro expands after `#[aspawn::child]` has checked the body, so its code cannot be checked"
        }
    };
    format!("`{name}!` is not allowed {IN_CHILD}: {why}")
}

/// The message for a method call that is neither a `Ctx` method nor an allowlisted pure method.
pub(crate) fn method_message(name: &str) -> String {
    let why = match name {
        "unwrap" | "expect" | "unwrap_unchecked" | "expect_err" | "unwrap_err" => {
            "it panics. Use `match`, `if let`, `?` or `unwrap_or(default)`"
        }
        "to_string" | "to_owned" | "to_vec" | "into_owned" | "collect" | "format" | "push"
        | "push_str" | "into_boxed_slice" => "it allocates",
        "clone" | "copied" | "cloned" => {
            "child values are `Copy`: use the value itself (and `clone` could run user code)"
        }
        "iter" | "into_iter" | "iter_mut" | "map" | "and_then" | "filter" | "for_each"
        | "unwrap_or_else" | "map_err" | "zip" | "enumerate" => {
            "iterators and closures run code the attribute cannot check. Use `for i in 0..n` \
             with `.get(i)`, `match`, or `if let`"
        }
        "lock" | "read_lock" | "write_lock" | "try_lock" | "borrow" | "borrow_mut" => {
            "a lock the parent holds would never be released in the child. Pass the data as an \
             argument of `spawn!`"
        }
        "load" | "store" | "fetch_add" | "fetch_sub" | "swap" | "compare_exchange" => {
            "the child must not share state with the parent. Pass the value as an argument of \
             `spawn!`"
        }
        "into" | "try_into" | "from" | "as_ref" | "as_mut" | "deref" => {
            "conversions run trait code the attribute cannot check. Use an `as` cast between \
             integers"
        }
        "pow" | "abs" => {
            "it panics on overflow in debug builds. Use `checked_*`, `wrapping_*` or \
                          `saturating_*`"
        }
        "div_euclid" | "rem_euclid" => {
            "it panics on a zero divisor. Use `checked_div`/`checked_rem`"
        }
        _ => "only `Ctx` methods and a list of pure methods can be called",
    };
    format!(
        "`.{name}()` is not allowed {IN_CHILD}: {why}. Callable methods: the `cx` system calls \
         (`cx.write_all`, `cx.dup2`, `cx.execve` …) and `len is_empty get get_mut checked_* \
         wrapping_* saturating_* min max abs_diff rotate_* count_* *_zeros is_power_of_two \
         to_*_bytes is_some is_none is_ok is_err ok err ok_or unwrap_or context as_raw \
         raw_os_error errno step is_ascii_*` (see `aspawn::child`)"
    )
}
