//! Rollback memory. A vault put back from an older copy, or cut short, verifies on its own: what notices it is
//! a record of the last head kept elsewhere. Three are kept:
//! - `head` in the vault folder and a second one outside it, in the user's config folder (both keyed, so they
//!   cannot be forged without the data key), written after every commit, so that copying back a whole older
//!   vault folder is noticed on this computer;
//! - a third in the desktop's keychain where one is running (Secret Service on Linux, the login keychain on
//!   macOS, Credential Manager on Windows): only the vault's id, the head's number and its hash, no secret and no
//!   key. Keychain calls go over D-Bus on Linux, so this copy is not written at every commit: a worker thread
//!   writes the latest head once writes have been quiet for [`QUIET`] (at most [`MAX_DELAY`] after the first
//!   not yet written), and at close; it is read at open. It can lag behind (a kill before it was written), never
//!   run ahead. Deleting the config folder's copy as well as putting back an older folder is still noticed.
//!   With no keychain (no session bus, a locked Secret Service, which is never unlocked since that prompts, a
//!   keychain that does not answer) it is skipped silently.
//!
//! Each record is compared with the journal on its own: if any is ahead of it, or names an entry the journal
//! does not have, the check fails. When the open check fails, a mark is set inside the vault; it is shown at
//! every unlock, whatever later writes or checks say, until the person acknowledges it with a reason, and the
//! acknowledgement is recorded in the chain.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    Some(
        base.join("evident")
            .join("heads")
            .join(format!("{}.json", record_id(dir, vault_id))),
    )
}

/// The name of the records of the last head outside the vault folder (the config file's name, the keychain
/// entry's account): a hash of the vault's id and folder, so a backup restored into a new folder starts its own.
fn record_id(dir: &Path, vault_id: &str) -> String {
    let folder = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut h = sha2::Sha256::new();
    h.update(b"evident.head-record.v1\0");
    h.update(vault_id.as_bytes());
    h.update([0]);
    h.update(folder.to_string_lossy().as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// Writes have been quiet this long: the keychain copy is written.
const QUIET: Duration = Duration::from_secs(2);
/// A head not yet in the keychain is written at most this long after it was made, even while writes go on.
const MAX_DELAY: Duration = Duration::from_secs(20);
/// How long closing a vault waits for the keychain copy to be written.
const CLOSE_WAIT: Duration = Duration::from_secs(4);

/// The keychain copy of the last head: the vault's id, the head's number and hash (no secret, no key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KeychainRecord {
    pub(crate) vault_id: String,
    pub(crate) seq: u64,
    pub(crate) entry_hash: String,
}

/// The worker's channel (heads in) and its "done" signal.
type Worker = (mpsc::Sender<KeychainRecord>, mpsc::Receiver<()>);

/// The keychain copy of the head record of one open vault: read at open, written by a worker thread (see the
/// module documentation), flushed when the vault is closed (dropped).
pub(crate) struct KeychainCopy {
    account: String,
    vault_id: String,
    /// What the keychain is known to hold (read at open), handed to the worker when it starts.
    known: Mutex<Option<KeychainRecord>>,
    worker: Mutex<Option<Worker>>,
    usable: bool,
}

impl KeychainCopy {
    /// The keychain copy for the vault `vault_id` in `dir`; not used at all when the keychain may not be used
    /// quietly ([`crate::keys::keychain::records_usable`]).
    pub(crate) fn new(dir: &Path, vault_id: &str) -> KeychainCopy {
        KeychainCopy {
            account: record_id(dir, vault_id),
            vault_id: vault_id.to_owned(),
            known: Mutex::new(None),
            worker: Mutex::new(None),
            usable: crate::keys::keychain::records_usable(),
        }
    }

    /// Reads the keychain copy: `Ok(None)` when there is none or no keychain is used, `Err` when it is there but
    /// is not a record of this vault's head (damaged or altered).
    pub(crate) fn read(&self) -> std::result::Result<Option<KeychainRecord>, String> {
        if !self.usable {
            return Ok(None);
        }
        let Ok(Some(text)) = crate::keys::keychain::load_record(&self.account) else {
            return Ok(None);
        };
        match serde_json::from_str::<KeychainRecord>(&text) {
            Ok(r) if r.vault_id == self.vault_id => {
                if let Ok(mut k) = self.known.lock() {
                    *k = Some(r.clone());
                }
                Ok(Some(r))
            }
            _ => Err("the record of the last known state in the keychain is damaged".into()),
        }
    }

    /// Whether the keychain copy is used on this computer.
    pub(crate) fn usable(&self) -> bool {
        self.usable
    }

    /// Hands the head after a commit to the worker (started on first use), which writes it when writes have been
    /// quiet. Never waits on the keychain.
    pub(crate) fn post(&self, seq: u64, entry_hash: &str) {
        if !self.usable {
            return;
        }
        let Ok(mut worker) = self.worker.lock() else {
            return;
        };
        let record = KeychainRecord {
            vault_id: self.vault_id.clone(),
            seq,
            entry_hash: entry_hash.to_owned(),
        };
        if worker.is_none() {
            let known = self.known.lock().ok().and_then(|k| k.clone());
            if known.as_ref() == Some(&record) {
                return;
            }
            let (tx, rx) = mpsc::channel();
            let (done_tx, done_rx) = mpsc::channel();
            let account = self.account.clone();
            let spawned = std::thread::Builder::new()
                .name("evident-head-keychain".into())
                .spawn(move || keychain_worker(&account, known, &rx, &done_tx));
            if spawned.is_err() {
                return;
            }
            *worker = Some((tx, done_rx));
        }
        if let Some((tx, _)) = worker.as_ref() {
            let _ = tx.send(record);
        }
    }
}

impl Drop for KeychainCopy {
    /// Closing: the worker writes the last head at once; wait for it a little (a keychain that does not answer
    /// is not waited for longer).
    fn drop(&mut self) {
        let worker = self.worker.get_mut().ok().and_then(Option::take);
        if let Some((tx, done)) = worker {
            drop(tx);
            let _ = done.recv_timeout(CLOSE_WAIT);
        }
    }
}

/// The worker: collects heads, writes the latest once quiet (or at [`MAX_DELAY`]) and when the vault closes
/// (the channel is dropped), then says it is done.
fn keychain_worker(
    account: &str,
    mut written: Option<KeychainRecord>,
    rx: &mpsc::Receiver<KeychainRecord>,
    done: &mpsc::Sender<()>,
) {
    let mut pending: Option<(KeychainRecord, Instant)> = None;
    let write = |r: KeychainRecord, written: &mut Option<KeychainRecord>| {
        if written.as_ref() != Some(&r) {
            if let Ok(text) = serde_json::to_string(&r) {
                if crate::keys::keychain::store_record(account, &text) {
                    *written = Some(r);
                }
            }
        }
    };
    loop {
        let got = match &pending {
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            Some((_, first)) => {
                let left = MAX_DELAY.saturating_sub(first.elapsed());
                rx.recv_timeout(QUIET.min(left))
            }
        };
        match got {
            Ok(r) => {
                let first = pending.take().map_or_else(Instant::now, |(_, f)| f);
                if first.elapsed() >= MAX_DELAY {
                    write(r, &mut written);
                } else {
                    pending = Some((r, first));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some((r, _)) = pending.take() {
                    write(r, &mut written);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                if let Some((r, _)) = pending.take() {
                    write(r, &mut written);
                }
                let _ = done.send(());
                return;
            }
        }
    }
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
