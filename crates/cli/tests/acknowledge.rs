//! `evident-cli acknowledge`: a whole older vault folder put back is noticed at the next open (the head record
//! outside the folder, here in a private XDG_CONFIG_HOME), the warning is printed at every open until the problem is
//! acknowledged with a reason (a blank one refused), then no more; the acknowledgement is in the chain.

mod common;
#[path = "../../core/tests/common/dirs.rs"]
mod dirs;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use dirs::copy_dir;

/// `evident-cli --vault VAULT ARGS…` with the passphrase on standard input and `config` as XDG_CONFIG_HOME.
fn run(vault: &Path, config: &Path, args: &[&str]) -> TestResult<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_evident-cli"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("XDG_CONFIG_HOME", config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(pass().as_bytes());
    }
    Ok(child.wait_with_output()?)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_problem_noticed_at_open_is_warned_about_until_acknowledged_with_a_reason() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("vault");
    let config = tmp.path().join("config");
    ok(&run(&vault, &config, &["init"])?)?;
    ok(&run(
        &vault,
        &config,
        &["add", "--summary", "before the copy"],
    )?)?;
    let saved = tmp.path().join("saved");
    copy_dir(&vault, &saved)?;
    ok(&run(
        &vault,
        &config,
        &["add", "--summary", "after the copy"],
    )?)?;

    // Nothing to acknowledge yet.
    let none = run(
        &vault,
        &config,
        &["acknowledge", "--reason", "nothing happened"],
    )?;
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
    assert!(
        stderr(&none).contains("no integrity problem"),
        "{}",
        stderr(&none)
    );

    // The older folder put back: every open warns, and says how to acknowledge.
    for e in std::fs::read_dir(&vault)? {
        std::fs::remove_file(e?.path())?;
    }
    copy_dir(&saved, &vault)?;
    for _ in 0..2 {
        let list = run(&vault, &config, &["list"])?;
        let out = ok(&list)?;
        assert!(out.contains("before the copy") && !out.contains("after the copy"));
        assert!(
            stderr(&list).contains("acknowledge --reason"),
            "the warning at open: {}",
            stderr(&list)
        );
    }

    // A blank reason acknowledges nothing.
    let blank = run(&vault, &config, &["acknowledge", "--reason", "  "])?;
    assert_eq!(blank.status.code(), Some(1), "{}", stderr(&blank));
    assert!(stderr(&run(&vault, &config, &["list"])?).contains("acknowledge --reason"));

    let entries = |o: &Output| -> TestResult<u64> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
        v["entries"]
            .as_u64()
            .ok_or_else(|| format!("no entries: {v}").into())
    };
    let before = entries(&run(&vault, &config, &["verify", "--json"])?)?;
    let ack = ok(&run(
        &vault,
        &config,
        &["acknowledge", "--reason", "I put back an older copy myself"],
    )?)?;
    assert!(ack.contains("acknowledged"), "{ack}");
    let list = run(&vault, &config, &["list"])?;
    ok(&list)?;
    assert!(
        !stderr(&list).contains("warning"),
        "no warning once acknowledged: {}",
        stderr(&list)
    );
    let verify = ok(&run(&vault, &config, &["verify"])?)?;
    assert!(verify.starts_with("OK"), "{verify}");
    // The acknowledgement is an entry of the chain (its payload is checked in crates/core/tests/rollback.rs).
    assert_eq!(
        entries(&run(&vault, &config, &["verify", "--json"])?)?,
        before + 1
    );
    let again = run(&vault, &config, &["acknowledge", "--reason", "twice"])?;
    assert_eq!(
        again.status.code(),
        Some(1),
        "only once: {}",
        stderr(&again)
    );
    Ok(())
}
