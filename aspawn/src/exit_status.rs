//! `waitid`'s answer as std's [`ExitStatus`], for every handle that waits ([`Child`](crate::Child),
//! [`PidFd`](crate::PidFd)).

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

/// Converts `waitid`'s `siginfo` into std's wait-status encoding.
pub(crate) fn to_exit_status(st: &rustix::process::WaitIdStatus) -> ExitStatus {
    if let Some(code) = st.exit_status() {
        ExitStatus::from_raw((code & 0xff) << 8)
    } else if let Some(sig) = st.terminating_signal() {
        ExitStatus::from_raw((sig & 0x7f) | if st.dumped() { 0x80 } else { 0 })
    } else {
        ExitStatus::from_raw(0)
    }
}
