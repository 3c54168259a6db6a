//! Shared helpers for tests that run the real `evident-cli` binary against a real SQLCipher vault.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub const PASS: &str = "correct horse battery staple";

/// Starts `evident-cli --vault VAULT ARGS…` with `stdin` written to it (then closed); stdout and stderr piped.
pub fn spawn(vault: &Path, args: &[&str], stdin: &str) -> TestResult<Child> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_evident-cli"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        // The process may exit before reading (e.g. a usage error): that is for the caller to check.
        let _ = i.write_all(stdin.as_bytes());
    }
    Ok(child)
}

/// Runs `evident-cli` to the end.
pub fn cli(vault: &Path, args: &[&str], stdin: &str) -> TestResult<Output> {
    Ok(spawn(vault, args, stdin)?.wait_with_output()?)
}

/// Standard output of a successful run, or the exit code and standard error as the error.
pub fn ok(out: &Output) -> TestResult<String> {
    if !out.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout.clone())?)
}

/// The passphrase as a line of standard input.
pub fn pass() -> String {
    format!("{PASS}\n")
}
