//! Changing the data key ("Someone may know my passphrase or recovery key"): the whole database re-encrypted
//! under a new data key, with a new passphrase and recovery key, in steps that survive a kill at any moment; and,
//! at the next open, finishing or undoing a change that was interrupted.
//!
//! The steps of [`Vault::rekey`], each durable before the next begins:
//! 1. `keys.json` gets a `rotation`: the new key wrapped by the new passphrase and the new recovery key, the old
//!    key wrapped by the new one, and the journal's head. The old slots stay: the old secrets still open the
//!    vault, the new ones unwrap a key the database does not open with yet.
//! 2. The database is re-encrypted (`PRAGMA rekey`) in rollback-journal mode: one SQLite transaction rewrites
//!    every page under the new key, with the old pages kept in the journal under the old key, so a kill leaves
//!    the file wholly under one key or the other once the journal has been rolled back. Then back to WAL. The
//!    head record is re-keyed.
//! 3. A `vault.key_changed` entry (`slot: rekeyed`) is recorded, under the new key.
//! 4. `keys.json` is written with only the new slots (the old passphrase, old recovery key and device slots
//!    are gone) and the device's keychain entry is deleted. Only then is the new recovery key handed back.
//!
//! An open that finds a rotation tries every key the secret unwraps (the old slots and the new) against the
//! database. If the old key opens it, step 2 never completed: the rotation is dropped (the old secrets go on
//! working). If the new key opens it, steps 3 and 4 are done now; the new recovery key was never shown to
//! anyone, so its slot is dropped too and the person is told to make a new one ([`KeyNotice`]).

use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;

use super::{mark_slots_sealed, open_connection, remac_head, KeyChange, Vault, DB_FILE, KEY_FILE};
use crate::check::CheckStatus;
use crate::error::{Error, ErrorKind, Result};
use crate::journal::{self, EntryKind};
use crate::keys::{keychain, DataKey, KeyFile, Passphrase, RecoveryKey, Secret, SlotKind};

/// What opening a vault did to a change of keys ([`Vault::rekey`]) that had been interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyNotice {
    /// The database had not been re-encrypted yet: the change was undone. The old passphrase and recovery key
    /// still open the vault; the new passphrase does not.
    RekeyUndone,
    /// The database had been re-encrypted: the change was finished. Only the new passphrase opens the vault; its
    /// new recovery key was never shown, so the vault has none until one is made.
    RekeyFinished,
}

impl KeyNotice {
    /// What to tell the person, in plain words.
    pub fn message(self) -> &'static str {
        match self {
            Self::RekeyUndone => {
                "a change of this vault's keys was interrupted before it took effect and has been undone: the old \
                 passphrase and recovery key still open it, the new passphrase does not. If someone may know your \
                 passphrase or recovery key, change the keys again now."
            }
            Self::RekeyFinished => {
                "a change of this vault's keys was interrupted after it took effect and has now been finished: only \
                 the new passphrase opens it. Its new recovery key was never shown, so this vault has no recovery \
                 key: make a new one now. Older backups still open with the old passphrase and recovery key: \
                 destroy them and make a new backup."
            }
        }
    }
}

/// How far [`Vault::rekey_until`] goes: tests stop it part-way to leave on disk what a kill there would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// After step 1 (the rotation written to `keys.json`).
    Pending,
    /// After step 2 (the database re-encrypted).
    Database,
    /// After step 3 (the change recorded in the journal).
    Recorded,
    /// All the way.
    Done,
}

/// Whether the database opens with `key`: `false` when SQLCipher says the file is not a database under it. A hot
/// rollback journal left by an interrupted re-encryption is rolled back here whichever key is tried: the journal
/// holds the old pages as they were on disk.
fn key_opens(dir: &Path, key: &DataKey) -> Result<bool> {
    let conn = Connection::open_with_flags(
        dir.join(DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.pragma())?;
    conn.execute_batch(&format!("PRAGMA cipher_page_size = {};", super::PAGE_SIZE))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens a vault whose key file holds a rotation, with the slots of `kind` unwrapped by `secret`: finishes or
/// undoes the rotation, depending on which key the database opens with (see the module documentation).
pub(super) fn resume(dir: &Path, keys: KeyFile, kind: SlotKind, secret: &[u8]) -> Result<Vault> {
    if !dir.join(DB_FILE).is_file() {
        return Err(Error::new(
            ErrorKind::VaultNotFound,
            format!("the vault database is missing from {}", dir.display()),
        )
        .with_hint("Restore from a backup."));
    }
    let u = keys.unwrap_both(kind, secret)?;
    let (had_current, had_next) = (u.current.is_some(), u.next.is_some());
    if let Some(old) = u.current {
        if key_opens(dir, &old)? {
            return undo(dir, keys, old);
        }
    }
    if let Some(new) = u.next {
        if key_opens(dir, &new)? {
            return finish(dir, keys, new);
        }
    }
    Err(match (had_current, had_next) {
        (true, false) => Error::new(
            if kind == SlotKind::Device {
                ErrorKind::NotRemembered
            } else {
                ErrorKind::WrongKey
            },
            "this vault's keys were being changed when Evident stopped, and the change had already taken effect: \
             the old passphrase, recovery key and remembered key no longer open it",
        )
        .with_hint(
            "Unlock with the new passphrase you chose. If nobody changed the keys, the database is damaged: restore \
             it from a backup.",
        ),
        (false, true) => Error::new(
            ErrorKind::WrongKey,
            "this vault's keys were being changed when Evident stopped, before the change took effect: the new \
             passphrase does not open it",
        )
        .with_hint("Unlock with your old passphrase or recovery key, then change the keys again."),
        _ => Error::integrity(
            "the vault database cannot be read with either of its keys: it is damaged",
        )
        .with_hint("Restore from a backup."),
    })
}

/// The database still opens with the old key: the rotation never took effect. Drop it.
fn undo(dir: &Path, mut keys: KeyFile, old: DataKey) -> Result<Vault> {
    keys.abandon_rotation();
    keys.seal(&old);
    keys.save(&dir.join(KEY_FILE))?;
    let mut v = Vault::open_with_key(dir, keys, old)?;
    if v.keys.sealed() {
        mark_slots_sealed(&v.conn)?;
    }
    v.key_notice = Some(KeyNotice::RekeyUndone);
    Ok(v)
}

/// The database opens with the new key: the rotation took effect. Re-key the head record, record the change if
/// that was not done yet, then keep only the new passphrase slot (the new recovery key was never shown).
fn finish(dir: &Path, keys: KeyFile, new: DataKey) -> Result<Vault> {
    let from_seq = keys.rotation.as_ref().map(|r| r.from_seq).unwrap_or(0);
    let had_device = keys.has_slot(SlotKind::Device);
    if let Ok(old) = keys.previous_key(&new) {
        remac_head(dir, &old, &new)?;
    }
    let mut done = keys;
    done.finish_rotation(false);
    let mut v = Vault::open_with_key(dir, done, new)?;
    // Recording writes the head record: only over a journal the fast check found as it was left.
    if v.open_check.status == CheckStatus::Ok && !v.rekey_recorded_since(from_seq)? {
        v.record_key_change(KeyChange::Rekeyed)?;
    }
    v.save_keys(v.keys.clone())?;
    if had_device {
        // The device slot is gone from the key file: its keychain secret opens nothing now.
        let _ = keychain::delete(&v.keys.vault_id);
    }
    v.key_notice = Some(KeyNotice::RekeyFinished);
    Ok(v)
}

impl Vault {
    /// "Someone may know my passphrase or recovery key": re-encrypts the whole database under a new data key,
    /// sets `new_passphrase`, issues a new recovery key (returned: show it once) and drops the key remembered on
    /// this device. `current` (the passphrase or the recovery key) is checked first. Recorded in the journal as
    /// `vault.key_changed` with `slot: rekeyed` (no secret).
    ///
    /// Afterwards the old passphrase and recovery key open neither this vault nor anything made from it later,
    /// even with an old copy of `keys.json`. **Older backups and copies still open with the old secrets**: the
    /// person must destroy them (and make a new backup).
    ///
    /// Survives a kill at any moment: the old secrets or the new ones open the vault, never neither, and the next
    /// open finishes or undoes the change (see the module documentation and [`Vault::key_notice`]).
    pub fn rekey(&mut self, current: &Secret, new_passphrase: &Passphrase) -> Result<RecoveryKey> {
        self.rekey_until(current, new_passphrase, Stop::Done)
    }

    pub(super) fn rekey_until(
        &mut self,
        current: &Secret,
        new_passphrase: &Passphrase,
        stop: Stop,
    ) -> Result<RecoveryKey> {
        self.check_secret(current)?;
        crate::keys::check_passphrase_rules(new_passphrase)?;
        let key_path = self.dir.join(KEY_FILE);
        let new_key = DataKey::generate()?;
        let from_seq = self.head()?.seq;
        let had_device = self.keys.has_slot(SlotKind::Device);
        // 1. The rotation in the key file, beside the current slots.
        let mut pending = self.keys.clone();
        pending.seal(&self.key);
        let recovery = pending.begin_rotation(&self.key, &new_key, new_passphrase, from_seq)?;
        pending.save(&key_path)?;
        if stop == Stop::Pending {
            return Ok(recovery);
        }
        // 2. The database under the new key.
        let head_before = self.head()?;
        if let Err(e) = self.reencrypt(&new_key, head_before) {
            // Which key the file opens with now decides: the old one (undo) or the new one (carry on).
            if key_opens(&self.dir, &self.key).unwrap_or(false) {
                self.conn = open_connection(&self.dir, &self.key)?;
                pending.abandon_rotation();
                self.save_keys(pending)?;
                return Err(e);
            }
            if !key_opens(&self.dir, &new_key).unwrap_or(false) {
                return Err(e);
            }
            self.conn = open_connection(&self.dir, &new_key)?;
        }
        let old = std::mem::replace(&mut self.key, new_key);
        remac_head(&self.dir, &old, &self.key)?;
        drop(old);
        let mut done = pending;
        done.finish_rotation(true);
        self.keys = done;
        if stop == Stop::Database {
            return Ok(recovery);
        }
        // 3. The record of it.
        self.record_key_change(KeyChange::Rekeyed)?;
        if stop == Stop::Recorded {
            return Ok(recovery);
        }
        // 4. Only the new slots.
        self.save_keys(self.keys.clone())?;
        if had_device {
            let _ = keychain::delete(&self.keys.vault_id);
        }
        Ok(recovery)
    }

    /// Re-encrypts the database file under `new` (rollback-journal mode for the one transaction, then WAL again),
    /// and replaces the connection with a fresh one under `new` that finds the journal's head where it was.
    fn reencrypt(&mut self, new: &DataKey, head_before: journal::Head) -> Result<()> {
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(Error::new(
                ErrorKind::WriteFailed,
                "the vault is in use by another program, so its keys cannot be changed now; nothing was changed",
            )
            .with_hint("Close any other Evident window or command using this vault and try again."));
        }
        self.conn.execute_batch(&new.rekey_pragma())?;
        // SQLite does not sync the folder when it deletes the journal (the commit point) at synchronous = FULL.
        crate::fsutil::sync_dir(&self.dir);
        // A fresh connection proves the file opens with the new key alone, and puts it back in WAL mode.
        drop(std::mem::replace(
            &mut self.conn,
            Connection::open_in_memory()?,
        ));
        self.conn = open_connection(&self.dir, new)?;
        if journal::head_in(&self.conn)? != head_before {
            return Err(Error::integrity(
                "after re-encryption the journal does not end where it did",
            ));
        }
        Ok(())
    }

    /// Whether a `vault.key_changed` entry with `slot: rekeyed` follows entry `from_seq`.
    fn rekey_recorded_since(&self, from_seq: u64) -> Result<bool> {
        Ok(self
            .journal_entries(from_seq + 1)?
            .iter()
            .filter(|e| e.kind == EntryKind::KeyChanged.as_str())
            .filter_map(|e| serde_json::from_slice::<serde_json::Value>(&e.payload).ok())
            .any(|p| p["slot"] == "rekeyed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KdfParams;

    type R = std::result::Result<(), Box<dyn std::error::Error>>;

    const OLD: &str = "the old passphrase";
    const NEW: &str = "a brand new passphrase";

    fn p(s: &str) -> Passphrase {
        Passphrase::new(s.into())
    }

    fn secret(s: &str) -> Secret {
        Secret::Passphrase(p(s))
    }

    /// A vault with a little in it, and its old recovery key.
    fn vault(dir: &Path) -> Result<RecoveryKey> {
        let (mut v, r) = Vault::create(dir, &p(OLD))?;
        v.set_setting("kept", "yes")?;
        v.record_key_change(KeyChange::Passphrase)?;
        Ok(r)
    }

    fn rekeyed_entries(v: &Vault) -> Result<usize> {
        Ok(v.journal_entries(1)?
            .iter()
            .filter_map(|e| serde_json::from_slice::<serde_json::Value>(&e.payload).ok())
            .filter(|p| p["slot"] == "rekeyed")
            .count())
    }

    fn has_rotation(dir: &Path) -> Result<bool> {
        Ok(KeyFile::load(&dir.join(KEY_FILE))?.rotation.is_some())
    }

    fn assert_sound(v: &Vault) -> R {
        assert_eq!(
            v.open_check().status,
            CheckStatus::Ok,
            "{}",
            v.open_check().message
        );
        assert_eq!(v.setting("kept")?.as_deref(), Some("yes"));
        let report = v.verify(&mut |_| {})?;
        assert!(report.ok, "{report:?}");
        Ok(())
    }

    #[test]
    fn killed_before_the_database_changed_old_secrets_open_and_undo() -> R {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("v");
        let recovery = vault(&dir)?;
        let mut v = Vault::open(&dir, &p(OLD))?;
        let _unseen = v.rekey_until(&secret(OLD), &p(NEW), Stop::Pending)?;
        drop(v);
        assert!(has_rotation(&dir)?);
        // The new passphrase unwraps a key the database does not open with: told to use the old one.
        let e = Vault::open(&dir, &p(NEW))
            .err()
            .ok_or("new passphrase opened")?;
        assert_eq!(e.kind(), ErrorKind::WrongKey);
        assert!(
            e.message().contains("before the change took effect"),
            "{}",
            e.message()
        );
        assert!(has_rotation(&dir)?, "a failed open changes nothing");
        // The old recovery key opens it, and the rotation is undone.
        let v = Vault::open_with_recovery(&dir, &recovery)?;
        assert_eq!(v.key_notice(), Some(KeyNotice::RekeyUndone));
        assert_sound(&v)?;
        assert_eq!(rekeyed_entries(&v)?, 0);
        drop(v);
        assert!(!has_rotation(&dir)?);
        let v = Vault::open(&dir, &p(OLD))?;
        assert_eq!(v.key_notice(), None);
        assert!(v.has_recovery_key());
        assert_eq!(
            Vault::open(&dir, &p(NEW)).err().map(|e| e.kind()),
            Some(ErrorKind::WrongKey)
        );
        Ok(())
    }

    #[test]
    fn killed_after_the_database_changed_new_passphrase_opens_and_finishes() -> R {
        for stop in [Stop::Database, Stop::Recorded] {
            let tmp = tempfile::tempdir()?;
            let dir = tmp.path().join("v");
            let old_recovery = vault(&dir)?;
            let mut v = Vault::open(&dir, &p(OLD))?;
            let unseen = v.rekey_until(&secret(OLD), &p(NEW), stop)?;
            drop(v);
            assert!(has_rotation(&dir)?);
            // The old secrets unwrap the old key, which no longer opens the database: told to use the new one.
            let e = Vault::open(&dir, &p(OLD))
                .err()
                .ok_or("old passphrase opened")?;
            assert_eq!(e.kind(), ErrorKind::WrongKey);
            assert!(
                e.message().contains("already taken effect"),
                "{}",
                e.message()
            );
            let e = Vault::open_with_recovery(&dir, &old_recovery)
                .err()
                .ok_or("old recovery key opened")?;
            assert_eq!(e.kind(), ErrorKind::WrongKey);
            let v = Vault::open(&dir, &p(NEW))?;
            assert_eq!(v.key_notice(), Some(KeyNotice::RekeyFinished));
            assert_sound(&v)?;
            assert_eq!(rekeyed_entries(&v)?, 1, "{stop:?}: recorded exactly once");
            // The new recovery key was never shown: its slot is gone.
            assert!(!v.has_recovery_key());
            drop(v);
            assert!(!has_rotation(&dir)?);
            assert_eq!(
                Vault::open_with_recovery(&dir, &unseen)
                    .err()
                    .map(|e| e.kind()),
                Some(ErrorKind::NotRemembered)
            );
            let mut v = Vault::open(&dir, &p(NEW))?;
            assert_eq!(v.key_notice(), None);
            assert_sound(&v)?;
            let r = v.new_recovery_key_verified(&secret(NEW))?;
            drop(v);
            let v = Vault::open_with_recovery(&dir, &r)?;
            assert_sound(&v)?;
        }
        Ok(())
    }

    #[test]
    fn same_passphrase_tries_both_keys_against_the_database() -> R {
        for (stop, notice) in [
            (Stop::Pending, KeyNotice::RekeyUndone),
            (Stop::Database, KeyNotice::RekeyFinished),
        ] {
            let tmp = tempfile::tempdir()?;
            let dir = tmp.path().join("v");
            vault(&dir)?;
            let mut v = Vault::open(&dir, &p(OLD))?;
            v.rekey_until(&secret(OLD), &p(OLD), stop)?;
            drop(v);
            // The one passphrase unwraps both keys; the one the database opens with wins.
            let v = Vault::open(&dir, &p(OLD))?;
            assert_eq!(v.key_notice(), Some(notice));
            assert_sound(&v)?;
        }
        Ok(())
    }

    #[test]
    fn rekey_drops_the_device_slot_and_keeps_nothing_old() -> R {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("v");
        vault(&dir)?;
        let mut v = Vault::open(&dir, &p(OLD))?;
        // A device slot as "remember on this device" would write it (no keychain needed to test the key file).
        let mut keys = v.keys.clone();
        keys.set_slot(SlotKind::Device, &[7u8; 32], None, &v.key)?;
        v.save_keys(keys)?;
        let old_keys = std::fs::read(dir.join(KEY_FILE))?;
        let r = v.rekey(&secret(OLD), &p(NEW))?;
        assert!(v.has_recovery_key());
        drop(v);
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        assert!(keys.rotation.is_none());
        let kinds: Vec<SlotKind> = keys.slots.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![SlotKind::Passphrase, SlotKind::Recovery]);
        assert!(keys.slots.iter().all(|s| !s.mac.is_empty()));
        assert!(keys
            .slots
            .iter()
            .all(|s| s.kdf == Some(KdfParams::default())));
        let v = Vault::open_with_recovery(&dir, &r)?;
        assert_sound(&v)?;
        drop(v);
        // An old key file put back, with the old passphrase: the old key no longer opens the database.
        std::fs::write(dir.join(KEY_FILE), &old_keys)?;
        let e = Vault::open(&dir, &p(OLD))
            .err()
            .ok_or("old key file opened")?;
        assert_eq!(e.kind(), ErrorKind::Integrity);
        Ok(())
    }

    #[test]
    fn a_refused_rekey_changes_nothing() -> R {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("v");
        vault(&dir)?;
        let mut v = Vault::open(&dir, &p(OLD))?;
        let before = std::fs::read(dir.join(KEY_FILE))?;
        let e = v
            .rekey(&secret("not the passphrase"), &p(NEW))
            .err()
            .ok_or("accepted")?;
        assert_eq!(e.kind(), ErrorKind::WrongKey);
        let e = v.rekey(&secret(OLD), &p("short")).err().ok_or("accepted")?;
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(std::fs::read(dir.join(KEY_FILE))?, before);
        assert_sound(&v)?;
        Ok(())
    }
}
