//! One `Child` type serves `spawn!` and `Command` alike, in std's shape, so code written for
//! `std::process::Child` ports by changing its `use` line (before, `Command::spawn` returned a
//! second type, `aspawn::command::Child`, and this file did not compile: E0308).

use aspawn::{Child, Command, Envp, Fd, Stack, Stdio};
use aspawn_tests::exec_to;

/// Code written against std's `Child`: the fields, `id`, `wait_with_output`.
fn output_of(mut child: Child) -> (u32, Vec<u8>, bool) {
    let id = child.id();
    assert!(child.stdin.is_none() || child.stdin.take().is_some());
    let out = child.wait_with_output().unwrap();
    (id, out.stdout, out.status.success())
}

#[test]
fn command_spawn_returns_the_crate_root_child() {
    let child: Child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn().unwrap();
    let pid = child.pid() as u32;
    let (id, stdout, ok) = output_of(child);
    assert_eq!(id, pid);
    assert_eq!(stdout, b"hi\n");
    assert!(ok);
}

#[test]
fn a_released_spawn_is_the_same_child_without_pipes() {
    let (mut r, w) = std::io::pipe().unwrap();
    let spawned = aspawn::spawn!(
        Stack::new().unwrap(),
        exec_to,
        (
            c"/bin/echo",
            &["echo", "direct"],
            Envp::inherit(),
            Fd::from_raw(std::os::fd::AsRawFd::as_raw_fd(&w))
        )
    )
    .unwrap();
    drop(w);
    let (child, _stack) = spawned.wait_released().unwrap();
    assert!(child.stdout.is_none());
    let (_, stdout, ok) = output_of(child);
    assert!(ok);
    assert!(stdout.is_empty(), "no pipe of ours: the child wrote to the fd it was given");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut r, &mut s).unwrap();
    assert_eq!(s, "direct\n");
}
