//! Rollback memory. A vault put back from an older copy, or cut short, verifies on its own: what notices it is
//! a record of the last head kept elsewhere. Two are kept (keyed, so they cannot be forged without the data key):
//! `head` in the vault folder and a second one outside it, in the user's config folder, so that copying back a
//! whole older vault folder is noticed on this computer. When the open check fails, a mark is set inside the
//! vault; it is shown at every unlock, whatever later writes or checks say, until the person acknowledges it
//! with a reason, and the acknowledgement is recorded in the chain.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;
use ts_rs::TS;

use super::{OpenCheck, Vault};
use crate::check::CheckStatus;
use crate::error::{Error, Result};
use crate::journal::EntryKind;

const MARK: &str = "integrity.mark";

/// The second record of the last head, outside the vault folder: `<config>/evident/heads/<id>.json`, where the
/// id is a hash of the vault's id and folder (so a backup restored into a new folder starts its own record).
pub(crate) fn outside_record(dir: &Path, vault_id: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            if cfg!(target_os = "windows") {
                std::env::var_os("APPDATA").map(PathBuf::from)
            } else if cfg!(target_os = "macos") {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Preferences"))
            } else {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config"))
            }
        })?;
    let folder = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut h = sha2::Sha256::new();
    h.update(b"evident.head-record.v1\0");
    h.update(vault_id.as_bytes());
    h.update([0]);
    h.update(folder.to_string_lossy().as_bytes());
    let id = hex::encode(&h.finalize()[..16]);
    Some(
        base.join("evident")
            .join("heads")
            .join(format!("{id}.json")),
    )
}

/// An integrity problem noticed at an open, kept until acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IntegrityMark {
    /// When it was noticed (RFC 3339 UTC).
    pub noticed_at: String,
    /// What was noticed.
    pub message: String,
}

/// Payload of `vault.integrity_acknowledged` (docs/FORMAT.md §3).
#[derive(Serialize)]
struct Acknowledged<'a> {
    noticed_at: &'a str,
    message: &'a str,
    reason: &'a str,
}

impl Vault {
    /// Sets the mark when `check` failed; while a mark is set, the open check says so, whatever it found now.
    pub(crate) fn remember_integrity_problem(&mut self, check: OpenCheck) -> Result<OpenCheck> {
        let mark = match self.integrity_mark()? {
            Some(m) => m,
            None if check.status == CheckStatus::Failed => {
                let m = IntegrityMark {
                    noticed_at: crate::time::now_utc().1,
                    message: check.message.clone(),
                };
                self.set_setting(MARK, &serde_json::to_string(&m)?)?;
                m
            }
            None => return Ok(check),
        };
        Ok(OpenCheck {
            status: CheckStatus::Failed,
            message: format!(
                "{} (noticed {}; this stays shown until you acknowledge it with a reason)",
                mark.message, mark.noticed_at
            ),
            ..check
        })
    }

    /// The integrity problem noticed at an earlier open and not yet acknowledged, if any.
    pub fn integrity_mark(&self) -> Result<Option<IntegrityMark>> {
        Ok(match self.setting(MARK)? {
            Some(j) => serde_json::from_str(&j).ok(),
            None => None,
        })
    }

    /// Acknowledges the problem noticed at an earlier open, with a reason (for example "I restored an older
    /// backup myself"): recorded in the chain, then the mark is cleared.
    pub fn acknowledge_integrity(&mut self, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "say why: for example that you restored an older backup yourself",
            ));
        }
        let Some(mark) = self.integrity_mark()? else {
            return Err(Error::not_found(
                "there is no integrity problem to acknowledge",
            ));
        };
        self.write(|w| {
            w.record(
                EntryKind::IntegrityAcknowledged,
                &Acknowledged {
                    noticed_at: &mark.noticed_at,
                    message: &mark.message,
                    reason,
                },
            )?;
            w.tx.execute("DELETE FROM setting WHERE key = ?1", [MARK])?;
            Ok(())
        })
    }
}
