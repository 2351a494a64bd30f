//! Conversions between aspawn's and std's `Command` and `Stdio`: what each side can express
//! carries over (the same child output when spawned through either, the same `{:#?}`), and
//! what std cannot express is refused, naming the option.

use std::io::Read;
use std::os::unix::process::CommandExt;

use aspawn::{Command, Stdio};

/// The child's argv (from `/proc/$$/cmdline`), working directory and sorted environment (the
/// variables named `CONV<n>_*`: each test sets and removes its own, while the others run).
fn script(n: u8) -> String {
    format!("tr '\\0' ' ' </proc/$$/cmdline; echo; pwd; env | grep ^CONV{n}_ | sort")
}

fn std_output(cmd: &mut std::process::Command) -> std::process::Output {
    cmd.output().unwrap()
}

#[test]
fn aspawn_to_std_carries_program_args_arg0_env_cwd_and_streams() {
    // SAFETY: std serializes `set_var` with every other std access to the environment (std's
    // `Command` and aspawn's read it through std, under its lock); nothing in this binary reads
    // `environ` without that lock.
    unsafe { std::env::set_var("CONV1_INHERITED", "1") };
    let mut ours = Command::new("sh");
    ours.args(["-c", &script(1), "one"]).arg0("zero").current_dir("/tmp");
    ours.env_remove("CONV1_INHERITED").env("CONV1_SET", "v w");
    let mut theirs = std::process::Command::try_from(&ours).unwrap();
    let (a, b) = (ours.output().unwrap(), std_output(&mut theirs));
    assert_eq!(String::from_utf8_lossy(&a.stdout), String::from_utf8_lossy(&b.stdout));
    let text = String::from_utf8(a.stdout).unwrap();
    assert!(text.starts_with("zero -c "), "{text}");
    assert!(text.contains("\n/tmp\n") && text.contains("CONV1_SET=v w\n"), "{text}");
    assert!(!text.contains("CONV1_INHERITED"), "{text}");
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));

    // A cleared environment stays cleared.
    let mut ours = Command::new("/usr/bin/env");
    ours.env_clear().env("ONLY", "this");
    let mut theirs = std::process::Command::try_from(&ours).unwrap();
    assert_eq!(ours.output().unwrap().stdout, b"ONLY=this\n");
    assert_eq!(std_output(&mut theirs).stdout, b"ONLY=this\n");

    // An fd as stdout: duplicated, so both commands write into the same pipe.
    let (mut r, w) = std::io::pipe().unwrap();
    let mut ours = Command::new("echo");
    ours.arg("through-the-fd").stdout(w);
    let mut theirs = std::process::Command::try_from(&ours).unwrap();
    assert!(theirs.status().unwrap().success());
    assert!(ours.status().unwrap().success());
    drop((ours, theirs));
    let mut got = String::new();
    r.read_to_string(&mut got).unwrap();
    assert_eq!(got, "through-the-fd\nthrough-the-fd\n");

    // uid, gid, process group and the stream kinds show in std's `{:#?}` as they do in ours.
    let (uid, gid) = (rustix::process::getuid().as_raw(), rustix::process::getgid().as_raw());
    let mut ours = Command::new("true");
    ours.uid(uid).gid(gid).process_group(0).stdin(Stdio::null()).stdout(Stdio::piped());
    ours.stderr(std::io::stdout());
    let mut theirs = std::process::Command::try_from(&ours).unwrap();
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));
    assert!(theirs.status().unwrap().success());
}

#[test]
fn aspawn_to_std_refuses_what_std_cannot_express() {
    type Setter = fn(&mut Command);
    let cases: [(&str, Setter); 10] = [
        ("groups", |c| {
            c.groups(&[0]);
        }),
        ("setsid", |c| {
            c.setsid(true);
        }),
        ("umask", |c| {
            c.umask(0o22);
        }),
        ("rlimit", |c| {
            c.rlimit(aspawn::consts::RLIMIT_NOFILE, 64, 64);
        }),
        ("pdeathsig", |c| {
            c.pdeathsig(9);
        }),
        ("fd_map", |c| {
            c.keep_fd(std::io::stdin());
        }),
        ("fd", |c| {
            c.fd(9, std::fs::File::open("/dev/null").unwrap());
        }),
        ("child_hook", |c| {
            c.child_hook(nothing, ());
        }),
        ("create_pidfd", |c| {
            c.create_pidfd(true);
        }),
        ("kill_on_drop", |c| {
            c.kill_on_drop(true);
        }),
    ];
    // std's own default carries over.
    assert!(std::process::Command::try_from(&*Command::new("true").create_pidfd(false)).is_ok());
    for (name, set) in cases {
        let mut cmd = Command::new("true");
        set(&mut cmd);
        let err = std::process::Command::try_from(&cmd).unwrap_err();
        assert_eq!(err.option(), name);
        let msg = err.to_string();
        assert!(msg.contains(name) && msg.contains("std::process::Command"), "{msg}");
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::Unsupported);
    }
    // A setting that failed in the builder (an unknown resource) is refused too.
    let mut cmd = Command::new("true");
    cmd.rlimit(999, 1, 1);
    let err = std::process::Command::try_from(&cmd).unwrap_err();
    assert!(err.to_string().contains("Invalid argument"), "{err}");
}

#[aspawn::child]
fn nothing(cx: &aspawn::Ctx) -> Result<(), aspawn::Failure> {
    let _ = cx;
    Ok(())
}

#[test]
fn std_to_aspawn_carries_what_std_shows() {
    // SAFETY: std serializes `set_var` with every other std access to the environment (std's
    // `Command` and aspawn's read it through std, under its lock); nothing in this binary reads
    // `environ` without that lock.
    unsafe { std::env::set_var("CONV2_INHERITED", "1") };
    let mut theirs = std::process::Command::new("sh");
    theirs.args(["-c", &script(2), "one"]).arg0("ze'ro\u{e9}").current_dir("/tmp");
    theirs.env_remove("CONV2_INHERITED").env("CONV2_SET", "x");
    let b = std_output(&mut theirs);
    let shown = format!("{theirs:#?}");
    let mut ours = Command::from(theirs);
    assert_eq!(format!("{ours:#?}"), shown);
    let a = ours.output().unwrap();
    assert_eq!(String::from_utf8_lossy(&a.stdout), String::from_utf8_lossy(&b.stdout));
    assert!(String::from_utf8_lossy(&a.stdout).starts_with("ze'ro\u{e9} -c "));

    // `env_clear` (only std's Debug shows it), uid, gid, process group and the streams.
    let (uid, gid) = (rustix::process::getuid().as_raw(), rustix::process::getgid().as_raw());
    let mut theirs = std::process::Command::new("/usr/bin/env");
    theirs.env_clear().env("ONLY", "this").uid(uid).gid(gid).process_group(0);
    theirs.stdin(std::process::Stdio::null()).stderr(std::io::stderr());
    theirs.stdout(std::process::Stdio::piped());
    let shown = format!("{theirs:#?}");
    let mut ours = Command::from(theirs);
    assert_eq!(format!("{ours:#?}"), shown);
    let child = ours.spawn().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.stdout, b"ONLY=this\n");

    // An fd std's `Command` owned: ours owns a duplicate, and the child writes into it.
    let (mut r, w) = std::io::pipe().unwrap();
    let mut theirs = std::process::Command::new("echo");
    theirs.arg("via-std-fd").stdout(w);
    let mut ours = Command::from(theirs);
    assert!(ours.status().unwrap().success());
    drop(ours);
    let mut got = String::new();
    r.read_to_string(&mut got).unwrap();
    assert_eq!(got, "via-std-fd\n");
}

#[test]
fn std_stdio_converts() {
    let out = Command::new("echo")
        .arg("piped")
        .stdout(Stdio::from(std::process::Stdio::piped()))
        .spawn()
        .unwrap()
        .wait_with_output()
        .unwrap();
    assert_eq!(out.stdout, b"piped\n");
    assert!(Stdio::from(std::process::Stdio::piped()).makes_pipe());
    // Given straight to the builder, as code written for std does.
    let out = Command::new("echo").arg("direct").stdout(std::process::Stdio::piped()).output();
    assert_eq!(out.unwrap().stdout, b"direct\n");

    // `null` as stdin: `cat` sees end of file at once; as stdout: nothing reaches the pipe.
    let out = Command::new("cat").stdin(Stdio::from(std::process::Stdio::null())).output().unwrap();
    assert!(out.status.success() && out.stdout.is_empty());
    let out = Command::new("echo")
        .arg("gone")
        .stdout(Stdio::from(std::process::Stdio::null()))
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.is_empty());

    // An fd inside std's `Stdio` (here a pipe's write end): the child writes into it, and the
    // converted `Stdio` is its only owner (the reader sees end of file once it is dropped).
    let (mut r, w) = std::io::pipe().unwrap();
    let mut cmd = Command::new("echo");
    cmd.arg("into-std-stdio").stdout(Stdio::from(std::process::Stdio::from(w)));
    assert!(cmd.status().unwrap().success());
    drop(cmd);
    let mut got = String::new();
    r.read_to_string(&mut got).unwrap();
    assert_eq!(got, "into-std-stdio\n");

    // The parent's stderr, as `Stdio::from(io::stderr())`; `inherit`.
    let mut c = Command::new("true");
    c.stderr(Stdio::from(std::process::Stdio::from(std::io::stderr())));
    c.stdout(Stdio::from(std::process::Stdio::inherit()));
    let mut s = std::process::Command::new("true");
    s.stderr(std::io::stderr()).stdout(std::process::Stdio::inherit());
    assert_eq!(format!("{c:#?}"), format!("{s:#?}"));
    assert!(c.status().unwrap().success());
}

/// A NUL in std's program, argument or working directory (std keeps a placeholder and refuses
/// the spawn with `InvalidInput`): the converted command refuses it too, as std does.
#[test]
fn std_to_aspawn_keeps_refusing_a_nul() {
    let mut cases = [
        std::process::Command::new("ec\0ho"),
        std::process::Command::new("echo"),
        std::process::Command::new("echo"),
    ];
    cases[1].arg("a\0b");
    cases[2].current_dir("/t\0mp");
    for mut theirs in cases {
        let std_kind = theirs.status().unwrap_err().kind();
        assert_eq!(std_kind, std::io::ErrorKind::InvalidInput);
        let mut ours = Command::from(theirs);
        assert_eq!(ours.status().unwrap_err().kind(), std_kind);
    }
}
