//! std's `debug_print` test, ported: `{:?}` and `{:#?}` of a `Command` print what std's print.
//!
//! Upstream: rust-lang/rust, library/std/src/process/tests.rs, `fn debug_print`, at commit
//! 7433ba62b10126b0ae8b78d711f19402db663101 (MIT OR Apache-2.0). Changed: the import, and
//! `CommandExt::arg0(&mut command, …)` written as a method call (aspawn has no `CommandExt`
//! trait: `arg0` is an inherent method).
#![allow(clippy::redundant_static_lifetimes, clippy::needless_borrows_for_generic_args)] // upstream's code, as it is

use aspawn::Command;

#[test]
#[cfg(not(windows))]
#[cfg_attr(any(target_os = "emscripten", target_env = "sgx"), ignore)]
fn debug_print() {
    const PIDFD: &'static str =
        if cfg!(target_os = "linux") { "    create_pidfd: false,\n" } else { "" };

    let mut command = Command::new("some-boring-name");

    assert_eq!(format!("{command:?}"), format!(r#""some-boring-name""#));

    assert_eq!(
        format!("{command:#?}"),
        format!(
            r#"Command {{
    program: "some-boring-name",
    args: [
        "some-boring-name",
    ],
{PIDFD}}}"#
        )
    );

    command.args(&["1", "2", "3"]);

    assert_eq!(format!("{command:?}"), format!(r#""some-boring-name" "1" "2" "3""#));

    assert_eq!(
        format!("{command:#?}"),
        format!(
            r#"Command {{
    program: "some-boring-name",
    args: [
        "some-boring-name",
        "1",
        "2",
        "3",
    ],
{PIDFD}}}"#
        )
    );

    // Upstream: `crate::os::unix::process::CommandExt::arg0(&mut command, "exciting-name");`
    command.arg0("exciting-name");

    assert_eq!(
        format!("{command:?}"),
        format!(r#"["some-boring-name"] "exciting-name" "1" "2" "3""#)
    );

    assert_eq!(
        format!("{command:#?}"),
        format!(
            r#"Command {{
    program: "some-boring-name",
    args: [
        "exciting-name",
        "1",
        "2",
        "3",
    ],
{PIDFD}}}"#
        )
    );

    let mut command_with_env_and_cwd = Command::new("boring-name");
    command_with_env_and_cwd.current_dir("/some/path").env("FOO", "bar");
    assert_eq!(
        format!("{command_with_env_and_cwd:?}"),
        r#"cd "/some/path" && FOO="bar" "boring-name""#
    );
    assert_eq!(
        format!("{command_with_env_and_cwd:#?}"),
        format!(
            r#"Command {{
    program: "boring-name",
    args: [
        "boring-name",
    ],
    env: CommandEnv {{
        clear: false,
        vars: {{
            "FOO": Some(
                "bar",
            ),
        }},
    }},
    cwd: Some(
        "/some/path",
    ),
{PIDFD}}}"#
        )
    );

    let mut command_with_removed_env = Command::new("boring-name");
    command_with_removed_env.env_remove("FOO").env_remove("BAR");
    assert_eq!(format!("{command_with_removed_env:?}"), r#"env -u BAR -u FOO "boring-name""#);
    assert_eq!(
        format!("{command_with_removed_env:#?}"),
        format!(
            r#"Command {{
    program: "boring-name",
    args: [
        "boring-name",
    ],
    env: CommandEnv {{
        clear: false,
        vars: {{
            "BAR": None,
            "FOO": None,
        }},
    }},
{PIDFD}}}"#
        )
    );

    let mut command_with_cleared_env = Command::new("boring-name");
    command_with_cleared_env.env_clear().env("BAR", "val").env_remove("FOO");
    assert_eq!(format!("{command_with_cleared_env:?}"), r#"env -i BAR="val" "boring-name""#);
    assert_eq!(
        format!("{command_with_cleared_env:#?}"),
        format!(
            r#"Command {{
    program: "boring-name",
    args: [
        "boring-name",
    ],
    env: CommandEnv {{
        clear: true,
        vars: {{
            "BAR": Some(
                "val",
            ),
        }},
    }},
{PIDFD}}}"#
        )
    );
}

/// Beyond upstream's test: the same builders on std's and on ours print the same, with the
/// escapes std uses (program, argv[0] and the working directory as C strings, the other
/// arguments and the values as `OsStr`), the stdio settings, ids and process group, and what
/// std shows for a string with a NUL.
#[test]
fn debug_matches_std_for_the_same_builders() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;

    let b = |s: &[u8]| OsStr::from_bytes(s).to_owned();
    let prog = b(b"p'\x7f\xff\"\t");
    let arg = b(b"a'\x7f\xff\"\x01");
    let mut ours = Command::new(&prog);
    let mut theirs = std::process::Command::new(&prog);
    ours.arg(&arg).current_dir(b(b"d'\xff")).env(b(b"K'\xff"), &arg).env_remove("Z");
    theirs.arg(&arg).current_dir(b(b"d'\xff")).env(b(b"K'\xff"), &arg).env_remove("Z");
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));

    ours.arg0("zero'\u{e9}").uid(5).gid(6).process_group(0);
    theirs.arg0("zero'\u{e9}").uid(5).gid(6).process_group(0);
    ours.stdin(aspawn::Stdio::null()).stdout(aspawn::Stdio::piped()).stderr(std::io::stderr());
    theirs.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::piped());
    theirs.stderr(std::io::stderr());
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));

    let mut ours = Command::new("p");
    let mut theirs = std::process::Command::new("p");
    ours.arg("x\0y").env_clear().stdout(aspawn::Stdio::inherit());
    theirs.arg("x\0y").env_clear().stdout(std::process::Stdio::inherit());
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));
    assert_eq!(format!("{:?}", ours.get_args()), format!("{:?}", theirs.get_args()));
    ours.env("A", "b");
    theirs.env("A", "b");
    assert_eq!(format!("{:?}", ours.get_envs()), format!("{:?}", theirs.get_envs()));
    assert_eq!(
        format!("{:?}", aspawn::Stdio::piped()),
        format!("{:?}", std::process::Stdio::piped())
    );
}
