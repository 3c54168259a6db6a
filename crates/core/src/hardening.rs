//! Process hardening at start, for the app and the CLI alike: no core dumps. A core dump of a process that
//! held the data key or decrypted text would write both to disk in plaintext (a crash report, `core` in the
//! working folder, systemd-coredump's store). As KeePassXC does, both programs switch core dumps off before
//! they read any secret. A leaf module: it uses only `error`.

use crate::error::Result;

/// Switches off core dumps for this process: `RLIMIT_CORE` 0 (soft and hard, so it cannot be raised again
/// and child processes inherit it) on Unix, and on Linux `PR_SET_DUMPABLE` 0 (no core dump at all, and
/// other processes of the same user can no longer attach a debugger or read `/proc/<pid>/mem`). Elsewhere it
/// does nothing. Call it first thing in `main`; an error says which step failed (the caller decides whether to
/// carry on).
pub fn no_core_dumps() -> Result<()> {
    #[cfg(unix)]
    {
        use crate::error::{Error, ErrorKind};
        use nix::sys::resource::{setrlimit, Resource};
        setrlimit(Resource::RLIMIT_CORE, 0, 0).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("could not switch off core dumps (RLIMIT_CORE): {e}"),
            )
        })?;
        #[cfg(target_os = "linux")]
        nix::sys::prctl::set_dumpable(false).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("could not switch off core dumps (PR_SET_DUMPABLE): {e}"),
            )
        })?;
    }
    Ok(())
}
