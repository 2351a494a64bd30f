//! `{:?}` and `{:#?}` of a `Command` print what std's print for the same builders: each case
//! builds the command on both and compares the strings (so the expected text is std's own,
//! for the toolchain the tests run on).

use aspawn::Command;

/// The shapes std's `Debug` has: a bare program, arguments, `env -u`/`env -i` prefixes, a
/// working directory (`cd "…" && `), argv[0], and the alternate `{:#?}` struct.
#[test]
fn debug_shapes_match_std() {
    use std::os::unix::process::CommandExt;

    let mut ours = Command::new("some-boring-name");
    let mut theirs = std::process::Command::new("some-boring-name");
    let same = |o: &Command, t: &std::process::Command| {
        assert_eq!(format!("{o:?}"), format!("{t:?}"));
        assert_eq!(format!("{o:#?}"), format!("{t:#?}"));
    };
    same(&ours, &theirs);

    ours.args(["1", "2", "3"]);
    theirs.args(["1", "2", "3"]);
    same(&ours, &theirs);

    ours.env_remove("FOO").env_remove("BAR");
    theirs.env_remove("FOO").env_remove("BAR");
    same(&ours, &theirs);

    ours.env("A", "1").env("B", "two words");
    theirs.env("A", "1").env("B", "two words");
    same(&ours, &theirs);

    ours.env_clear().env("ONLY", "this");
    theirs.env_clear().env("ONLY", "this");
    same(&ours, &theirs);

    ours.current_dir("/some/dir");
    theirs.current_dir("/some/dir");
    same(&ours, &theirs);

    ours.arg0("fakename");
    theirs.arg0("fakename");
    same(&ours, &theirs);

    let mut ours = Command::new("x");
    let mut theirs = std::process::Command::new("x");
    ours.env_clear();
    theirs.env_clear();
    same(&ours, &theirs);
}

/// The same builders on std's and on ours print the same, with the
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
