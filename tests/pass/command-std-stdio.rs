// std's own `Stdio` given where aspawn's is expected: `From<std::process::Stdio>` converts it,
// with the same setting.

fn main() {
    let out = aspawn::Command::new("echo")
        .arg("through std's Stdio")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"through std's Stdio\n");
}
