//! Core dumps are off in the real `evident-cli` process (Linux): `RLIMIT_CORE` is 0 and the process is not
//! dumpable, even when the shell that started it allowed core dumps; and a SIGQUIT, which would normally dump
//! core, leaves no core file behind. A control process (`sleep`) started the same way shows the opposite, so
//! the test proves what the CLI does rather than how this machine is set up.
#![cfg(target_os = "linux")]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// An unprivileged user to run as when the tests run as root (as root, every /proc entry is root's anyway).
const NOBODY: u32 = 65534;

fn is_root() -> TestResult<bool> {
    Ok(std::fs::metadata("/proc/self")?.uid() == 0)
}

/// Starts `program args…` in `cwd` through `sh`, which first raises the soft core-size limit as far as the hard
/// limit allows; as root, it then drops to `NOBODY` with `setpriv` (if present). Standard input stays open, so the
/// CLI waits for its passphrase.
fn start(cwd: &Path, program: &str, args: &[&str], as_nobody: bool) -> TestResult<Child> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"ulimit -S -c "$(ulimit -H -c)" 2>/dev/null; exec "$@""#)
        .arg("sh");
    if as_nobody {
        cmd.args([
            "setpriv",
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
        ]);
    }
    Ok(cmd
        .arg(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?)
}

/// Waits until process `pid` runs a program called `comm` (after `sh` and `setpriv` have exec'd it).
fn wait_for_comm(pid: u32, comm: &str) -> TestResult {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::fs::read_to_string(format!("/proc/{pid}/comm"))?.trim() == comm {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err(format!("process {pid} never became {comm}").into())
}

/// The soft and hard "Max core file size" of process `pid`, as /proc shows them.
fn core_limit(pid: u32) -> TestResult<(String, String)> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits"))?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .ok_or("no core size line in /proc/PID/limits")?;
    let mut f = line["Max core file size".len()..].split_whitespace();
    let soft = f.next().ok_or("no soft limit")?.to_string();
    let hard = f.next().ok_or("no hard limit")?.to_string();
    Ok((soft, hard))
}

/// Polls until process `pid`'s core limit is `0 0` (the CLI sets it first thing) or 10 s pass; returns the last seen.
fn settled_core_limit(pid: u32) -> TestResult<(String, String)> {
    let start = Instant::now();
    loop {
        let l = core_limit(pid)?;
        if (l.0 == "0" && l.1 == "0") || start.elapsed() > Duration::from_secs(10) {
            return Ok(l);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn core_files(dir: &Path) -> TestResult<Vec<String>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let name = e?.file_name().to_string_lossy().into_owned();
        if name.starts_with("core") {
            out.push(name);
        }
    }
    Ok(out)
}

/// Sends SIGQUIT (whose default action dumps core) and waits for the process to die.
fn quit(child: &mut Child) -> TestResult<std::process::ExitStatus> {
    let status = Command::new("kill")
        .args(["-QUIT", &child.id().to_string()])
        .status()?;
    assert!(status.success(), "kill -QUIT");
    Ok(child.wait()?)
}

#[test]
fn the_cli_switches_core_dumps_off_before_reading_a_secret() -> TestResult {
    let as_nobody = is_root()? && Path::new("/usr/bin/setpriv").exists();
    let tmp = tempfile::tempdir()?;
    let cli_cwd = tmp.path().join("cli");
    let control_cwd = tmp.path().join("control");
    for d in [&cli_cwd, &control_cwd] {
        std::fs::create_dir(d)?;
        // Writable by NOBODY too, so that a core file could land there.
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777))?;
    }
    let vault = tmp.path().join("vault");
    let vault = vault.to_str().ok_or("temp path is not UTF-8")?;

    let mut control = start(&control_cwd, "sleep", &["60"], as_nobody)?;
    let mut cli = start(
        &cli_cwd,
        env!("CARGO_BIN_EXE_evident-cli"),
        &["--vault", vault, "init"],
        as_nobody,
    )?;
    let result = (|| -> TestResult {
        wait_for_comm(control.id(), "sleep")?;
        wait_for_comm(cli.id(), "evident-cli")?;

        // RLIMIT_CORE: 0, soft and hard, whatever the parent allowed.
        let control_limit = core_limit(control.id())?;
        let cli_limit = settled_core_limit(cli.id())?;
        assert_eq!(
            cli_limit,
            ("0".to_string(), "0".to_string()),
            "the CLI's core size limit (the control started the same way has {control_limit:?})"
        );

        // PR_SET_DUMPABLE 0: the kernel then shows the process's /proc entries as owned by root, not by the user
        // it runs as. Only visible when that user is not root.
        let user = std::fs::metadata("/proc/self")?.uid();
        let runs_as = if as_nobody { NOBODY } else { user };
        if runs_as != 0 {
            let control_owner = std::fs::metadata(format!("/proc/{}/status", control.id()))?.uid();
            assert_eq!(
                control_owner, runs_as,
                "a dumpable process's /proc entries are its user's"
            );
            let cli_owner = std::fs::metadata(format!("/proc/{}/status", cli.id()))?.uid();
            assert_eq!(
                cli_owner, 0,
                "the CLI is not dumpable (its /proc entries turn root's)"
            );
        } else {
            eprintln!("running as root without setpriv: the dumpable flag cannot be seen from /proc; not checked");
        }

        // A signal that dumps core: the control dumps (where this machine allows it), the CLI does not.
        let control_status = quit(&mut control)?;
        let cli_status = quit(&mut cli)?;
        assert_eq!(cli_status.signal(), Some(libc_sigquit()), "{cli_status:?}");
        assert!(
            !cli_status.core_dumped(),
            "the CLI dumped core: {cli_status:?}"
        );
        assert!(
            core_files(&cli_cwd)?.is_empty(),
            "a core file next to the CLI"
        );
        if control_status.core_dumped() {
            eprintln!(
                "control dumped core ({:?}); the CLI did not",
                core_files(&control_cwd)?
            );
        } else {
            eprintln!("this machine does not dump core even for the control (hard limit 0 or core_pattern): only the limits and the dumpable flag were checked");
        }
        Ok(())
    })();
    let _ = control.kill();
    let _ = cli.kill();
    let _ = control.wait();
    let _ = cli.wait();
    result
}

/// SIGQUIT's number on Linux.
fn libc_sigquit() -> i32 {
    3
}
