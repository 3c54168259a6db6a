//! What every verb shares: the failure type and its exit code, reading secrets, opening the vault, printing JSON.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use evident_core::{Error, ErrorKind, Secret, Vault};

/// A failure: the exit code and the one line for standard error.
pub struct Fail {
    /// 1 for a user error, 2 for an integrity failure.
    pub code: u8,
    /// The whole line, starting `evident-cli: `.
    pub message: String,
}

impl From<Error> for Fail {
    /// A core error: exit 2 when it is about integrity, else 1; message and hint on one line.
    fn from(e: Error) -> Self {
        let mut msg = format!("evident-cli: {}", e.message());
        if let Some(h) = e.hint() {
            msg.push_str(&format!(" — {h}"));
        }
        let code = if e.kind() == ErrorKind::Integrity {
            2
        } else {
            1
        };
        Fail {
            code,
            message: msg.replace('\n', " "),
        }
    }
}

/// A user error (exit 1) saying what to do.
pub fn user(msg: impl Into<String>) -> Fail {
    Fail {
        code: 1,
        message: format!("evident-cli: {}", msg.into()),
    }
}

/// An integrity failure (exit 2).
pub fn integrity(msg: impl Into<String>) -> Fail {
    Fail {
        code: 2,
        message: format!("evident-cli: {}", msg.into()),
    }
}

/// Reads secrets from the terminal, or one per line from standard input when it is not a terminal.
pub struct Secrets {
    lines: Option<std::io::Lines<std::io::StdinLock<'static>>>,
}

impl Secrets {
    /// Reads from standard input if it is not a terminal, else prompts on the terminal.
    pub fn new() -> Self {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            Self { lines: None }
        } else {
            Self {
                lines: Some(stdin.lock().lines()),
            }
        }
    }

    /// The next secret; `prompt` (e.g. "Passphrase: ") also names it in the error when standard input runs out.
    pub fn read(&mut self, prompt: &str) -> Result<String, Fail> {
        match &mut self.lines {
            Some(lines) => match lines.next() {
                Some(Ok(l)) => Ok(l.trim_end_matches('\r').to_string()),
                _ => Err(user(format!(
                    "expected the {} as a line on standard input",
                    prompt.trim_end_matches(": ").to_lowercase()
                ))),
            },
            None => rpassword::prompt_password(prompt)
                .map_err(|e| user(format!("could not read the passphrase: {e}"))),
        }
    }
}

/// Opens the vault at `dir` with the key remembered on this device, else with a passphrase or recovery key read
/// from `secrets`; warns on standard error if the fast check at open found something.
pub fn open(dir: &Path, secrets: &mut Secrets) -> Result<Vault, Fail> {
    if !Vault::exists(dir) {
        return Err(user(format!(
            "there is no vault at {} — create one with `evident-cli init`, or pass --vault PATH",
            dir.display()
        )));
    }
    if Vault::is_remembered(dir) {
        if let Ok(v) = Vault::open_remembered(dir) {
            return Ok(warn_check(v));
        }
    }
    let p = secrets.read("Passphrase: ")?;
    let v = Vault::open_secret(dir, &Secret::guess(p))?;
    Ok(warn_check(v))
}

fn warn_check(v: Vault) -> Vault {
    if let Some(n) = v.key_notice() {
        eprintln!("evident-cli: note: {}", n.message());
    }
    let c = v.open_check();
    if matches!(v.integrity_mark(), Ok(Some(_))) {
        eprintln!(
            "evident-cli: warning: {} — run `evident-cli verify`; once you know why, `evident-cli acknowledge --reason TEXT`",
            c.message
        );
    } else if c.status != "ok" {
        eprintln!(
            "evident-cli: warning: {} — run `evident-cli verify`",
            c.message
        );
    }
    v
}

/// Prints `v` as pretty JSON on standard output.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<(), Fail> {
    let s = serde_json::to_string_pretty(v).map_err(|e| user(e.to_string()))?;
    println!("{s}");
    Ok(())
}
