//! The core's one error type: a stable kind (for programs and IPC codes) plus a message a person can act on,
//! an optional hint, and the underlying error it came from, if any. [`ErrorKind`] is the one error-code
//! vocabulary of the whole app: the desktop shell's own codes (`locked`, `cancelled`…) are kinds here too.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What went wrong, as a stable, machine-readable kind. The string form (`code`) never changes once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The passphrase or recovery key does not unlock this vault.
    WrongKey,
    /// There is no vault at the given path.
    VaultNotFound,
    /// A vault already exists where a new one would be created or restored.
    VaultExists,
    /// The vault is damaged or has been tampered with (a verify failure, or a file that will not open).
    Integrity,
    /// The caller asked for something that does not exist (incident, person, attachment id…).
    NotFound,
    /// The request itself is not valid (empty summary, bad date, unknown kind…).
    InvalidInput,
    /// A file to read is missing or unreadable.
    FileUnreadable,
    /// Writing failed (disk full, permission denied, read-only media…).
    WriteFailed,
    /// The OS keychain cannot keep the key (no keychain, or only a non-persistent one).
    KeychainUnavailable,
    /// Nothing is remembered on this device for this vault.
    NotRemembered,
    /// The vault was made by a newer version of Evident.
    UnsupportedVersion,
    /// An evidence pack is malformed or unsafe to read.
    PackInvalid,
    /// Anything else: a bug, reported plainly.
    Internal,
    /// The vault is locked and the request needs it open (desktop shell).
    Locked,
    /// The person closed a dialog without choosing (desktop shell).
    Cancelled,
    /// A native dialog could not be shown (desktop shell).
    DialogFailed,
    /// The request is not allowed in this build or place (desktop shell).
    NotAllowed,
}

impl ErrorKind {
    /// Stable code, used across IPC and in the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Self::WrongKey => "wrong_key",
            Self::VaultNotFound => "vault_not_found",
            Self::VaultExists => "vault_exists",
            Self::Integrity => "integrity",
            Self::NotFound => "not_found",
            Self::InvalidInput => "invalid_input",
            Self::FileUnreadable => "file_unreadable",
            Self::WriteFailed => "write_failed",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::NotRemembered => "not_remembered",
            Self::UnsupportedVersion => "unsupported_version",
            Self::PackInvalid => "pack_invalid",
            Self::Internal => "internal",
            Self::Locked => "locked",
            Self::Cancelled => "cancelled",
            Self::DialogFailed => "dialog_failed",
            Self::NotAllowed => "not_allowed",
        }
    }
}

/// An error from the core: a kind, a sentence for a person, an optional hint on what to do next, and the
/// error it came from (for logs and `Error::source`; the message already says it in words).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a message a person can act on.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// Keeps the underlying error as this error's source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Adds a hint: what the person could do next.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code of the kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub(crate) fn integrity(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Integrity, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// An I/O error while reading `what`.
    pub(crate) fn read(what: &std::path::Path, err: &std::io::Error) -> Self {
        let kind = ErrorKind::FileUnreadable;
        let msg = match err.kind() {
            std::io::ErrorKind::NotFound => format!("{} does not exist", what.display()),
            std::io::ErrorKind::PermissionDenied => {
                format!("{} cannot be read: permission denied", what.display())
            }
            _ => format!("{} cannot be read: {err}", what.display()),
        };
        Self::new(kind, msg).with_source(copy_io(err))
    }

    /// An I/O error while writing `what`.
    pub(crate) fn write(what: &std::path::Path, err: &std::io::Error) -> Self {
        let full = err.raw_os_error() == Some(28) || err.kind() == std::io::ErrorKind::StorageFull;
        let e = if full {
            Self::new(
                ErrorKind::WriteFailed,
                format!("the disk is full: could not write {}", what.display()),
            )
            .with_hint("Free some space and try again. Nothing was changed.")
        } else {
            Self::new(
                ErrorKind::WriteFailed,
                format!("could not write {}: {err}", what.display()),
            )
        };
        e.with_source(copy_io(err))
    }
}

/// An owned copy of a borrowed I/O error (same kind and OS code), to keep as a source.
fn copy_io(err: &std::io::Error) -> std::io::Error {
    match err.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::new(err.kind(), err.to_string()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        let e = match &err {
            rusqlite::Error::SqliteFailure(e, _) => match e.code {
                ErrorCode::DiskFull => Self::new(ErrorKind::WriteFailed, "the disk is full")
                    .with_hint("Free some space and try again. Nothing was changed."),
                ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                    Self::new(
                        ErrorKind::WriteFailed,
                        format!("the vault cannot be written: {err}"),
                    )
                }
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    Self::integrity(format!("the vault's database is damaged ({err})"))
                        .with_hint("Run a full verify, and restore from a backup if it fails.")
                }
                _ => Self::internal(format!("database error: {err}")),
            },
            _ => Self::internal(format!("database error: {err}")),
        };
        e.with_source(err)
    }
}

impl From<rusqlite::types::FromSqlError> for Error {
    fn from(err: rusqlite::types::FromSqlError) -> Self {
        Self::integrity(format!("a stored value has the wrong type: {err}")).with_source(err)
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Self::internal(format!("data encoding error: {err}")).with_source(err)
    }
}

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_serde_and_sources_are_kept() -> std::result::Result<(), serde_json::Error> {
        use ErrorKind::*;
        for k in [
            WrongKey,
            VaultNotFound,
            VaultExists,
            Integrity,
            NotFound,
            InvalidInput,
            FileUnreadable,
            WriteFailed,
            KeychainUnavailable,
            NotRemembered,
            UnsupportedVersion,
            PackInvalid,
            Internal,
            Locked,
            Cancelled,
            DialogFailed,
            NotAllowed,
        ] {
            assert_eq!(serde_json::to_string(&k)?, format!("\"{}\"", k.code()));
        }
        let json = serde_json::from_str::<serde_json::Value>("{").err();
        let e = Error::from(json.ok_or_else(|| serde::de::Error::custom("parsed"))?);
        assert!(std::error::Error::source(&e).is_some());
        Ok(())
    }
}
