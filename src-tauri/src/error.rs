//! The one IPC error type: a stable `code`, a `message` a person can act on, and an optional `hint`.
//! Built from the core's error; the UI shows it in words.

use evident_core::ErrorKind;
use serde::Serialize;
use ts_rs::TS;

/// An error as the UI receives it (the rejected value of `invoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    /// Stable code: one of the app's error kinds (the core's and the shell's alike).
    pub code: ErrorKind,
    /// A sentence a person can act on.
    pub message: String,
    /// What to do next, if anything.
    pub hint: Option<String>,
}

impl IpcError {
    /// A new error.
    pub fn new(code: ErrorKind, message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }

    /// The vault is locked: the command needs it open.
    pub fn locked() -> Self {
        Self::new(
            ErrorKind::Locked,
            "The vault is locked.",
            Some("Unlock it to continue."),
        )
    }

    /// Something inside the shell went wrong (a bug): said plainly.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Internal,
            message,
            Some("Nothing you entered has been lost. If it happens again, restart Evident."),
        )
    }

    /// Invalid input found by the shell before reaching the core.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message, None)
    }
}

impl From<evident_core::Error> for IpcError {
    fn from(e: evident_core::Error) -> Self {
        Self {
            code: e.kind(),
            message: e.message().to_string(),
            hint: e.hint().map(str::to_string),
        }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.message)
    }
}

impl std::error::Error for IpcError {}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
