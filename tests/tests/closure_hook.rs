//! Child closures as `Command` hooks, `aspawn::child_hook!(cmd, move |cx| …)`: the hook runs
//! in the child just before `execve`; its effect is read back from the program it execs.

use aspawn::consts::PRIO_PROCESS;
use aspawn::{Command, Errno, Failure, ResultExt};

/// What the command printed, trimmed.
fn printed(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(script).stdout(aspawn::Stdio::piped());
    cmd
}

#[test]
fn a_hook_closure_sets_the_childs_nice_value() {
    let nice = 7;
    let mut cmd = sh("cut -d' ' -f19 /proc/self/stat");
    aspawn::child_hook!(cmd, move |cx| cx
        .setpriority(PRIO_PROCESS, 0, nice)
        .context("setpriority"));
    assert_eq!(printed(&mut cmd), "7");
    // Without the hook: the parent's nice value (0 under the test runner, or whatever it is).
    let parent = std::fs::read_to_string("/proc/self/stat").unwrap();
    let parent_nice = parent.rsplit(')').next().unwrap().split(' ').nth(17).unwrap().to_owned();
    assert_eq!(printed(&mut sh("cut -d' ' -f19 /proc/self/stat")), parent_nice);
}

#[test]
fn a_hook_closure_starts_a_session() {
    // Field 6 is the session id: the child's own pid after `setsid`, the test's otherwise.
    let mut cmd = sh("echo $$ $(cut -d' ' -f6 /proc/self/stat)");
    aspawn::child_hook!(cmd, move |cx| {
        cx.setsid().context("setsid")?;
        Ok(())
    });
    let out = printed(&mut cmd);
    let (pid, sid) = out.split_once(' ').unwrap();
    // `$(…)` runs `cut` in a subshell of the same session: the sid is the shell's pid.
    assert_eq!(pid, sid, "{out}");
    let mine = std::fs::read_to_string("/proc/self/stat").unwrap();
    let my_sid = mine.rsplit(')').next().unwrap().split(' ').nth(4).unwrap().to_owned();
    assert_ne!(sid, my_sid);
}

#[test]
fn a_failing_hook_closure_fails_the_spawn_with_its_errno() {
    let code = Errno::PERM;
    let mut cmd = Command::new("/bin/true");
    aspawn::child_hook!(cmd, move |_cx| Err(Failure::new(code, "refused")));
    let err = cmd.status().unwrap_err();
    assert_eq!(err.raw_os_error(), Some(code.raw_os_error()));
}
