//! Conversions between [`Command`]/[`Stdio`] and std's `std::process::Command`/`Stdio`.
//!
//! std's `Stdio` has no getter at all, and std's `Command` exposes only its program, arguments,
//! environment changes and working directory through getters. What else it holds is shown only
//! by its `{:#?}` output (std's `Debug`: the cleared environment, argv\[0\], uid, gid, groups,
//! process group and the three streams, with the number of an fd it owns). The conversions
//! from std read that output, and whatever they cannot read (a field std adds in a later
//! version, a format that changed) is not guessed: the converted command fails its spawn with
//! an error that names it. `pre_exec` closures are not shown by std at all, and are lost.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::process::CommandExt;

use super::stdio::Kind;
use super::{Command, Stdio};

/// An option of an [`aspawn::Command`](Command) that a `std::process::Command` cannot express
/// on stable Rust, refused by `std::process::Command::try_from(&command)`.
///
/// ```
/// let mut cmd = aspawn::Command::new("true");
/// cmd.umask(0o077);
/// let err = std::process::Command::try_from(&cmd).unwrap_err();
/// assert_eq!(err.option(), "umask");
/// ```
#[derive(Debug)]
pub struct ToStdError {
    option: &'static str,
    source: Option<io::Error>,
}

impl ToStdError {
    /// The `Command` method whose setting std cannot express (`"umask"`, `"child_hook"`, …).
    pub fn option(&self) -> &'static str {
        self.option
    }
}

impl std::fmt::Display for ToStdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            None => write!(
                f,
                "`aspawn::Command::{}` has no equivalent on `std::process::Command`",
                self.option
            ),
            Some(e) => {
                write!(f, "cannot carry `{}` over to `std::process::Command`: {e}", self.option)
            }
        }
    }
}

impl std::error::Error for ToStdError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

impl From<ToStdError> for io::Error {
    fn from(e: ToStdError) -> io::Error {
        let kind =
            if e.source.is_some() { io::ErrorKind::Other } else { io::ErrorKind::Unsupported };
        io::Error::new(kind, e)
    }
}

fn refuse(option: &'static str) -> ToStdError {
    ToStdError { option, source: None }
}

impl TryFrom<&Command> for std::process::Command {
    type Error = ToStdError;

    /// A `std::process::Command` doing what `cmd` does: program, arguments, argv\[0\], the
    /// environment (cleared, set and removed variables), working directory, the three streams
    /// (an fd is duplicated: `cmd` keeps its own), uid, gid and process group.
    ///
    /// Refused, naming the option: `groups` (unstable in std), `setsid` (unstable in std),
    /// `umask`, `rlimit`, `pdeathsig`, `keep_fd`/`fd_map` and `child_hook` (std has them only
    /// through an `unsafe` `pre_exec`), `fd` and `create_pidfd(true)` (unstable in std),
    /// `cgroup` and `kill_on_drop` (std has no such option; `create_pidfd(false)` is std's
    /// default and carries over), and a builder step that failed (it would have failed
    /// the spawn). The stack pool is not a property of the child and is dropped.
    fn try_from(cmd: &Command) -> Result<std::process::Command, ToStdError> {
        if let Some(e) = &cmd.deferred {
            let e = match e.raw_os_error() {
                Some(n) => io::Error::from_raw_os_error(n),
                None => io::Error::new(e.kind(), e.to_string()),
            };
            return Err(ToStdError { option: "a failed builder step", source: Some(e) });
        }
        let from_fd_map = cmd.fd_map.keys().any(|n| !cmd.spent_by_spawn.contains(n));
        #[cfg(feature = "tokio")]
        let kill_on_drop = cmd.kill_on_drop;
        #[cfg(not(feature = "tokio"))]
        let kill_on_drop = false;
        let checks: [(&'static str, bool); 11] = [
            ("groups", cmd.groups.is_some()),
            ("setsid", cmd.setsid),
            ("umask", cmd.umask.is_some()),
            ("rlimit", cmd.rlimits.iter().any(Option::is_some)),
            ("pdeathsig", cmd.pdeathsig.is_some()),
            ("fd_map", from_fd_map),
            ("fd", !cmd.spent_by_spawn.is_empty()),
            ("child_hook", cmd.hook.is_some()),
            ("cgroup", cmd.cgroup.is_some()),
            ("create_pidfd", cmd.create_pidfd == Some(true)),
            ("kill_on_drop", kill_on_drop),
        ];
        if let Some((name, _)) = checks.iter().find(|(_, set)| *set) {
            return Err(refuse(name));
        }
        let mut out = std::process::Command::new(&cmd.program);
        out.args(&cmd.args[1..]);
        if cmd.args[0] != cmd.program {
            out.arg0(&cmd.args[0]);
        }
        if cmd.env.clear {
            out.env_clear();
        }
        for (k, v) in &cmd.env.vars {
            match v {
                Some(v) => out.env(k, v),
                None => out.env_remove(k),
            };
        }
        if let Some(dir) = &cmd.cwd {
            out.current_dir(dir);
        }
        let streams = [("stdin", &cmd.stdin), ("stdout", &cmd.stdout), ("stderr", &cmd.stderr)];
        for (n, (name, s)) in streams.into_iter().enumerate() {
            let Some(s) = s else { continue };
            let std_stdio = match &s.0 {
                Kind::Inherit => std::process::Stdio::inherit(),
                Kind::Null => std::process::Stdio::null(),
                Kind::Piped => std::process::Stdio::piped(),
                Kind::Fd(fd) => match fd.try_clone() {
                    Ok(fd) => std::process::Stdio::from(fd),
                    Err(e) => return Err(ToStdError { option: name, source: Some(e) }),
                },
                Kind::Parent(1) => std::process::Stdio::from(io::stdout()),
                Kind::Parent(_) => std::process::Stdio::from(io::stderr()),
                Kind::Unreadable => return Err(refuse(name)),
            };
            match n {
                0 => out.stdin(std_stdio),
                1 => out.stdout(std_stdio),
                _ => out.stderr(std_stdio),
            };
        }
        if let Some(uid) = cmd.uid {
            out.uid(uid);
        }
        if let Some(gid) = cmd.gid {
            out.gid(gid);
        }
        if let Some(pg) = cmd.pgroup {
            out.process_group(pg);
        }
        Ok(out)
    }
}

impl From<std::process::Command> for Command {
    /// An aspawn `Command` doing what `cmd` does, as far as std shows it: program, arguments,
    /// environment changes and working directory (std's getters), and from std's `{:#?}`
    /// output the cleared environment, argv\[0\], uid, gid, groups, process group and the
    /// three streams (an fd `cmd` owns is duplicated before `cmd` is dropped).
    ///
    /// Not carried over, because std does not show them: `pre_exec` closures, std's
    /// `create_pidfd`. A program, argument or working directory with a NUL, which std keeps as
    /// `"<string-with-nul>"` and refuses at the spawn, is refused at the spawn too
    /// (`InvalidInput`) — and so is that literal string. A
    /// setting std shows in a way this version cannot read makes every spawn of the result
    /// fail with `ErrorKind::Unsupported`, naming it, rather than run a child without it.
    fn from(cmd: std::process::Command) -> Command {
        let mut out = Command::new(cmd.get_program());
        out.args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => out.env(k, v),
                None => out.env_remove(k),
            };
        }
        if let Some(dir) = cmd.get_current_dir() {
            out.current_dir(dir);
        }
        // std keeps a string with a NUL as this placeholder (and fails its spawn): so do we.
        let placeholder = std::ffi::OsStr::new("<string-with-nul>");
        let dir = cmd.get_current_dir().map(|d| d.as_os_str());
        if std::iter::once(cmd.get_program())
            .chain(cmd.get_args())
            .chain(dir)
            .any(|s| s == placeholder)
        {
            out.saw_nul = true;
        }
        let shown = format!("{cmd:#?}");
        carry(&mut out, &shown, &cmd);
        drop(cmd);
        out
    }
}

/// Applies what std's `{:#?}` output `shown` of `holder` says to `out`, or makes `out` fail its
/// spawns, naming the first field it cannot read.
fn carry(out: &mut Command, shown: &str, holder: &std::process::Command) {
    for (name, value) in fields(shown) {
        let applied = match name {
            "stdin" | "stdout" | "stderr" => match stream(holder, value) {
                Some(kind) => {
                    let s = Some(Stdio(kind));
                    match name {
                        "stdin" => out.stdin = s,
                        "stdout" => out.stdout = s,
                        _ => out.stderr = s,
                    }
                    Ok(())
                }
                None => Err(name),
            },
            _ => apply(out, name, value),
        };
        if let Err(what) = applied {
            out.deferred = Some(io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "converted from a std::process::Command whose `{what}` could not be read \
                     from its Debug output: {}",
                    value.trim()
                ),
            ));
            break;
        }
    }
}

impl From<std::process::Stdio> for Stdio {
    /// The same setting as std's `Stdio`: `piped`, `null`, `inherit`, the parent's stdout or
    /// stderr, or the fd it owns (which this `Stdio` then owns instead).
    ///
    /// std's `Stdio` has no getter: the setting is read from the `{:#?}` output of a
    /// `std::process::Command` it is given to (never spawned). If that output cannot be read
    /// (a later std that prints it differently), every spawn with this `Stdio` fails with
    /// `ErrorKind::Unsupported` rather than connect the stream to something else.
    fn from(s: std::process::Stdio) -> Stdio {
        let mut holder = std::process::Command::new("");
        holder.stdout(s);
        let shown = format!("{holder:#?}");
        let kind = fields(&shown)
            .find(|(name, _)| *name == "stdout")
            .and_then(|(_, value)| stream(&holder, value));
        drop(holder);
        Stdio(kind.unwrap_or(Kind::Unreadable))
    }
}

/// The top-level fields of a `{:#?}` struct: `(name, the rest up to the next field)`. std's
/// strings print escaped, with no raw newline, so a line with four spaces of indent and a
/// name is a field.
fn fields(shown: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut starts: Vec<(usize, &str)> = Vec::new();
    let mut pos = 0;
    for line in shown.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("    ")
            && !rest.starts_with(' ')
            && let Some((name, _)) = rest.split_once(": ")
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            starts.push((pos, name));
        }
        pos += line.len();
    }
    let end = shown.rfind("\n}").unwrap_or(shown.len());
    let mut out = Vec::with_capacity(starts.len());
    for (i, &(at, name)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(end, |n| n.0);
        let body = &shown[at + 4 + name.len() + 2..next.max(at + 4 + name.len() + 2)];
        out.push((name, body));
    }
    out.into_iter()
}

/// The integers in a field's value, in order.
fn ints(value: &str) -> Vec<i64> {
    value
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .filter(|t| !t.is_empty())
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Applies one field of std's `{:#?}` to `out`; `Err(name)` when it cannot be read.
fn apply<'a>(out: &mut Command, name: &'a str, value: &str) -> Result<(), &'a str> {
    let one = |v: &str| match ints(v)[..] {
        [n] => u32::try_from(n).map_err(|_| name),
        _ => Err(name),
    };
    match name {
        // From the getters.
        "program" | "cwd" => {}
        "args" => {
            // argv[0]: the list's first entry, as std's C-string `Debug` printed it.
            let first = value.lines().nth(1).map(str::trim).and_then(|l| l.strip_suffix(','));
            let Some(first) = first else { return Err(name) };
            let plain = format!("{:?}", super::CDebug(&out.program));
            if first != plain {
                out.arg0(unescape(first).ok_or(name)?);
            }
        }
        "env" => match value.lines().nth(1).map(str::trim) {
            Some("clear: true,") => {
                let vars = std::mem::take(&mut out.env.vars);
                out.env_clear();
                for (k, v) in vars {
                    if let Some(v) = v {
                        out.env(k, v);
                    }
                }
            }
            Some("clear: false,") => {}
            _ => return Err(name),
        },
        "uid" => {
            out.uid(one(value)?);
        }
        "gid" => {
            out.gid(one(value)?);
        }
        "pgroup" => match ints(value)[..] {
            [n] => {
                out.process_group(i32::try_from(n).map_err(|_| name)?);
            }
            _ => return Err(name),
        },
        "groups" => {
            let g: Result<Vec<u32>, _> = ints(value).into_iter().map(u32::try_from).collect();
            out.groups(&g.map_err(|_| name)?);
        }
        "create_pidfd" => {}
        _ => return Err(name),
    }
    Ok(())
}

/// A stream setting from std's `{:#?}`: `Some(MakePipe)`, `Some(Fd(FileDesc(OwnedFd { fd: N })))`, …
/// An fd is duplicated from `holder`, which owns it and is alive.
fn stream(holder: &std::process::Command, value: &str) -> Option<Kind> {
    let _ = holder;
    let words: Vec<&str> = value
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let fd = || match ints(value)[..] {
        [n] => i32::try_from(n).ok(),
        _ => None,
    };
    match words[..] {
        ["Some", "Inherit"] => Some(Kind::Inherit),
        ["Some", "Null"] => Some(Kind::Null),
        ["Some", "MakePipe"] => Some(Kind::Piped),
        ["Some", "StaticFd", "BorrowedFd", "fd", _] => match fd()? {
            n @ (1 | 2) => Some(Kind::Parent(n)),
            _ => None,
        },
        ["Some", "Fd", "FileDesc", "OwnedFd", "fd", _] => {
            let n = fd()?;
            if n < 0 {
                return None;
            }
            #[allow(unsafe_code)]
            // SAFETY: `n` is the number std printed for the `OwnedFd` inside `holder`'s stream
            // (the only `Fd(FileDesc(OwnedFd { fd }))` in that field), and `holder` is borrowed
            // for this whole call: the fd is open and stays open while it is duplicated.
            let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(n) };
            borrowed.try_clone_to_owned().ok().map(Kind::Fd)
        }
        _ => None,
    }
}

/// The bytes of a string printed by std's C-string `Debug` (`"…"` with `\'`, `\"`, `\\`,
/// `\t`, `\r`, `\n`, `\0`, `\xNN`, `\u{…}` escapes, UTF-8 as is).
fn unescape(s: &str) -> Option<OsString> {
    let s = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = Vec::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next()? {
            '\'' => out.push(b'\''),
            '"' => out.push(b'"'),
            '\\' => out.push(b'\\'),
            't' => out.push(b'\t'),
            'r' => out.push(b'\r'),
            'n' => out.push(b'\n'),
            '0' => out.push(0),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).ok()?);
            }
            'u' => {
                let rest = chars.as_str().strip_prefix('{')?;
                let (hex, tail) = rest.split_once('}')?;
                let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                chars = tail.chars();
            }
            _ => return None,
        }
    }
    Some(OsString::from_vec(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field this version does not know (a later std's), or a stream it cannot read: every
    /// spawn fails with `Unsupported`, naming it, rather than run without it.
    #[test]
    fn what_cannot_be_read_fails_the_spawn() {
        let holder = std::process::Command::new("true");
        for (shown, name) in [
            (
                "Command {\n    program: \"true\",\n    args: [\n        \"true\",\n    ],\n    \
                 chroot: Some(\n        \"/\",\n    ),\n    create_pidfd: false,\n}",
                "chroot",
            ),
            (
                "Command {\n    program: \"true\",\n    args: [\n        \"true\",\n    ],\n    \
                 stdout: Some(\n        Socket(\n            7,\n        ),\n    ),\n}",
                "stdout",
            ),
            (
                "Command {\n    program: \"true\",\n    args: [\n        \"true\",\n    ],\n    \
                 env: CommandEnv {\n        cleared: true,\n    },\n}",
                "env",
            ),
        ] {
            let mut out = Command::new("true");
            carry(&mut out, shown, &holder);
            let err = out.status().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::Unsupported);
            assert!(err.to_string().contains(&format!("`{name}`")), "{err}");
        }
        let mut out = Command::new("true");
        carry(&mut out, &format!("{holder:#?}"), &holder);
        assert!(out.status().unwrap().success());
    }
}
