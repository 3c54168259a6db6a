//! The vault: a folder holding an SQLCipher database (opened with a random 256-bit data key as a raw key), the
//! key file with that key wrapped once per slot, and the last known head of the journal. Owns creating,
//! unlocking, migrations, the fast check at open, passphrase change and "remember on this device", and the one
//! write path: [`Vault::write`] opens a transaction, the change records its entries through [`Writer::record`]
//! (journal append, then the projection), and the commit is followed by the head record. The database
//! connection is private to this module and its children (one per noun: `incidents`, `people`, `attachments`,
//! `reports`; and `verify`, `backup`, `migrations`): every query other modules need is a method here.
//!
//! Layout of a vault folder:
//! - `evident.db` (+ `-wal`, `-shm`): the SQLCipher database; everything recorded lives here, encrypted.
//! - `keys.json`: key slots (passphrase, recovery, device); wrapped keys and KDF parameters, no secret.
//! - `head`: the journal's last head as of the last commit, with a keyed hash, to notice rollback or truncation.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::CheckStatus;
use crate::error::{Error, ErrorKind, Result};
use crate::journal::{self, Entry, EntryKind, Head};
use crate::keys::{keychain, DataKey, KeyFile, Passphrase, RecoveryKey, Secret, SlotKind};

mod anchors;
mod attachments;
pub mod backup;
mod drafts;
mod imports;
mod incidents;
mod migrations;
mod people;
mod rekey;
mod reports;
mod rollback;
mod signing;
pub mod verify;

pub use imports::{
    Duplicate, FolderIncident, ImportKind, ImportOrigin, ImportReport, MessageMode, SourceRef,
    IMPORT_NOTE,
};
use migrations::Migration;
pub use rekey::KeyNotice;
pub use rollback::IntegrityMark;

/// SQLCipher page size. 16 KiB: measured here, SQLCipher reads at 4 KiB pages are 6–9× slower than plain
/// SQLite and about 2.4× better at 16 KiB; attachments are stored in 1 MiB chunks.
pub const PAGE_SIZE: u32 = 16384;

/// Database file name inside a vault folder.
pub const DB_FILE: &str = "evident.db";
/// Key file name inside a vault folder.
pub const KEY_FILE: &str = "keys.json";
/// The setting that names a pack being written (its hidden `.partial` file) until it is in place.
const PARTIAL_EXPORT: &str = "export.partial";

/// Head file name inside a vault folder.
pub const HEAD_FILE: &str = "head";

/// The setting (inside the encrypted database) that says every slot of `keys.json` carries a keyed check: from
/// then on a slot without one is damage (a downgrade of the key file), not an old file.
const SLOT_MAC_SETTING: &str = "keys.slot_mac";

/// The result of the fast integrity check made at every open.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpenCheck {
    /// `ok`, `warning` (could not be fully checked) or `failed` (tampering or damage noticed).
    pub status: CheckStatus,
    /// Number of journal entries.
    #[ts(type = "number")]
    pub entries: u64,
    /// Head entry hash, hex.
    pub head_hash: String,
    /// Plain-English explanation.
    pub message: String,
}

/// An unlocked vault.
pub struct Vault {
    conn: Connection,
    dir: PathBuf,
    key: DataKey,
    keys: KeyFile,
    open_check: OpenCheck,
    /// The schema's migrations, also used by the full check's replay.
    migrations: &'static [Migration],
    /// What this open did to a change of keys that had been interrupted, if anything.
    key_notice: Option<KeyNotice>,
    /// The copy of the head record in the desktop's keychain (rollback.rs).
    head_keychain: rollback::KeychainCopy,
}

/// What a `vault.key_changed` entry records (docs/FORMAT.md §3): which way of unlocking changed, never a secret.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
enum KeyChange {
    Passphrase,
    Recovery,
    DeviceAdded,
    DeviceRemoved,
    /// The whole database re-encrypted under a new data key, with a new passphrase and recovery key; the old
    /// secrets and the device slot no longer open it.
    Rekeyed,
}

/// A write in progress: one transaction, opened and committed by [`Vault::write`].
pub(crate) struct Writer<'c> {
    tx: rusqlite::Transaction<'c>,
}

impl Writer<'_> {
    /// Appends an entry to the journal and applies it to the state through the projection: the only way the
    /// state tables change.
    pub(crate) fn record<P: Serialize>(&self, kind: EntryKind, payload: &P) -> Result<Entry> {
        let entry = journal::append(&self.tx, kind, payload)?;
        crate::projection::apply(&self.tx, &entry)?;
        Ok(entry)
    }
}

/// Runs `f` in one transaction and commits it; returns its result and the head after the commit.
fn commit_with<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Writer<'_>) -> Result<T>,
) -> Result<(T, Head)> {
    let w = Writer {
        tx: conn.transaction()?,
    };
    let out = f(&w)?;
    let head = journal::head_in(&w.tx)?;
    w.tx.commit()?;
    Ok((out, head))
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The default vault folder: the platform's data directory (`~/.local/share/evident/vault` on Linux).
pub fn default_vault_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            if cfg!(target_os = "windows") {
                std::env::var_os("APPDATA").map(PathBuf::from)
            } else if cfg!(target_os = "macos") {
                std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join("Library/Application Support"))
            } else {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share"))
            }
        })
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("evident").join("vault")
}

fn open_connection(dir: &Path, key: &DataKey) -> Result<Connection> {
    let path = dir.join(DB_FILE);
    let conn = Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_CREATE,
    )?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.pragma())?;
    conn.execute_batch(&format!(
        "PRAGMA cipher_page_size = {PAGE_SIZE};
         PRAGMA cipher_memory_security = ON;"
    ))?;
    // The first read proves the key and the file; SQLCipher reports a bad page 1 as "not a database".
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| {
        Error::integrity(format!(
            "the vault database cannot be read: it is damaged or not an Evident vault ({e})"
        ))
        .with_hint("Restore from a backup.")
    })?;
    conn.execute_batch(
        "PRAGMA temp_store = MEMORY;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;",
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

#[derive(Serialize, Deserialize)]
pub(crate) struct HeadFile {
    seq: u64,
    entry_hash: String,
    mac: String,
}

fn head_mac(key: &DataKey, seq: u64, hash: &str) -> String {
    use sha2::Digest;
    let k = key.derive("head-file");
    let mut h = sha2::Sha256::new();
    h.update(&k[..]);
    h.update(seq.to_be_bytes());
    h.update(hash.as_bytes());
    hex::encode(h.finalize())
}

/// Re-keys the head record from `old` to `new` when it was written under `old` (the data key changed): what it
/// records (seq, hash) is kept as it is, so a rollback is still noticed. Durable. A record that fits neither key
/// is left alone for the fast check to report.
fn remac_head(dir: &Path, old: &DataKey, new: &DataKey) -> Result<()> {
    // Both records of the head: the one in the vault folder and the one outside it (rollback.rs).
    let outside = KeyFile::load(&dir.join(KEY_FILE))
        .ok()
        .and_then(|k| rollback::outside_record(dir, &k.vault_id));
    for path in std::iter::once(dir.join(HEAD_FILE)).chain(outside) {
        let Some(mut hf) = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<HeadFile>(&b).ok())
        else {
            continue;
        };
        if hf.mac == head_mac(old, hf.seq, &hf.entry_hash) {
            hf.mac = head_mac(new, hf.seq, &hf.entry_hash);
            crate::fsutil::write_atomic(&path, &serde_json::to_vec(&hf)?)?;
        }
    }
    Ok(())
}

/// Notes inside the encrypted database that every key slot carries a keyed check (see [`SLOT_MAC_SETTING`]).
fn mark_slots_sealed(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [SLOT_MAC_SETTING],
    )?;
    Ok(())
}

impl Vault {
    /// Whether a vault exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        dir.join(KEY_FILE).is_file() && dir.join(DB_FILE).is_file()
    }

    /// Creates a new vault in `dir` (which must not hold one) and returns it unlocked with the recovery key,
    /// to be shown to the person once.
    pub fn create(dir: &Path, passphrase: &Passphrase) -> Result<(Vault, RecoveryKey)> {
        Self::create_with(dir, passphrase, migrations::MIGRATIONS)
    }

    fn create_with(
        dir: &Path,
        passphrase: &Passphrase,
        schema: &'static [Migration],
    ) -> Result<(Vault, RecoveryKey)> {
        if dir.join(KEY_FILE).exists() || dir.join(DB_FILE).exists() {
            return Err(Error::new(
                ErrorKind::VaultExists,
                format!("a vault already exists at {}", dir.display()),
            )
            .with_hint("Open it instead, or choose another folder."));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, &e))?;
        crate::fsutil::private_dir(dir);
        let key = DataKey::generate()?;
        let vault_id = journal::random_hex16()?;
        let mut keys = KeyFile::new(vault_id.clone());
        keys.set_passphrase(passphrase, &key)?;
        let recovery = keys.new_recovery(&key)?;
        let mut conn = open_connection(dir, &key)?;
        migrations::migrate(&mut conn, schema)?;
        #[derive(Serialize)]
        struct Created<'a> {
            vault_id: &'a str,
            app: String,
        }
        let ((), head) = commit_with(&mut conn, |w| {
            w.record(
                EntryKind::VaultCreated,
                &Created {
                    vault_id: &vault_id,
                    app: format!("Evident {}", env!("CARGO_PKG_VERSION")),
                },
            )?;
            Ok(())
        })?;
        mark_slots_sealed(&conn)?;
        // The key file is written last: a vault without it is not a vault, so a crash here leaves nothing usable
        // behind that could be mistaken for one.
        keys.save(&dir.join(KEY_FILE))?;
        let head_keychain = rollback::KeychainCopy::new(dir, &keys.vault_id);
        let mut v = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            keys,
            open_check: OpenCheck {
                status: CheckStatus::Ok,
                entries: 0,
                head_hash: String::new(),
                message: String::new(),
            },
            migrations: schema,
            key_notice: None,
            head_keychain,
        };
        v.after_commit(head);
        v.open_check = v.fast_check()?;
        Ok((v, recovery))
    }

    /// Unlocks with the passphrase.
    pub fn open(dir: &Path, passphrase: &Passphrase) -> Result<Vault> {
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        Self::unlock(dir, keys, SlotKind::Passphrase, passphrase.bytes())
    }

    /// Unlocks with the recovery key.
    pub fn open_with_recovery(dir: &Path, recovery: &RecoveryKey) -> Result<Vault> {
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        Self::unlock(dir, keys, SlotKind::Recovery, recovery.bytes())
    }

    /// Unlocks with a passphrase or recovery key.
    pub fn open_secret(dir: &Path, secret: &Secret) -> Result<Vault> {
        match secret {
            Secret::Passphrase(p) => Self::open(dir, p),
            Secret::Recovery(r) => Self::open_with_recovery(dir, r),
        }
    }

    /// Unlocks with the key remembered in this device's keychain.
    pub fn open_remembered(dir: &Path) -> Result<Vault> {
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        if !keys.has_slot(SlotKind::Device) {
            return Err(Error::new(
                ErrorKind::NotRemembered,
                "this vault is not remembered on this device",
            )
            .with_hint("Unlock with your passphrase."));
        }
        let secret = keychain::load(&keys.vault_id)?;
        Self::unlock(dir, keys, SlotKind::Device, &secret)
    }

    /// Unwraps the data key with the slot of `kind` and opens the database. A key file left by an interrupted
    /// [`Vault::rekey`] is resolved here: every key `secret` unwraps is tried against the database, and the
    /// rotation is finished or undone depending on which one opens it.
    fn unlock(dir: &Path, keys: KeyFile, kind: SlotKind, secret: &[u8]) -> Result<Vault> {
        if keys.rotation.is_some() {
            return rekey::resume(dir, keys, kind, secret);
        }
        let key = keys.unwrap(kind, secret)?;
        Self::open_with_key(dir, keys, key)
    }

    /// Whether "remember on this device" is on for the vault in `dir` (the keychain may still refuse).
    pub fn is_remembered(dir: &Path) -> bool {
        KeyFile::load(&dir.join(KEY_FILE))
            .map(|k| k.has_slot(SlotKind::Device))
            .unwrap_or(false)
    }

    fn open_with_key(dir: &Path, keys: KeyFile, key: DataKey) -> Result<Vault> {
        Self::open_with_schema(dir, keys, key, migrations::MIGRATIONS)
    }

    fn open_with_schema(
        dir: &Path,
        keys: KeyFile,
        key: DataKey,
        schema: &'static [Migration],
    ) -> Result<Vault> {
        if !dir.join(DB_FILE).is_file() {
            return Err(Error::new(
                ErrorKind::VaultNotFound,
                format!("the vault database is missing from {}", dir.display()),
            )
            .with_hint("Restore from a backup."));
        }
        let mut conn = open_connection(dir, &key)?;
        migrations::migrate(&mut conn, schema)?;
        let head_keychain = rollback::KeychainCopy::new(dir, &keys.vault_id);
        let mut v = Vault {
            conn,
            dir: dir.to_path_buf(),
            key,
            keys,
            open_check: OpenCheck {
                status: CheckStatus::Ok,
                entries: 0,
                head_hash: String::new(),
                message: String::new(),
            },
            migrations: schema,
            key_notice: None,
            head_keychain,
        };
        v.open_check = v.fast_check()?;
        v.open_check = v.remember_integrity_problem(v.open_check.clone())?;
        // A pack whose export was interrupted left plaintext behind: remove it now (best effort).
        let _ = v.clean_interrupted_export();
        let require_mac = v.setting(SLOT_MAC_SETTING)?.is_some();
        let damaged = v.keys.damaged_slots(&v.key, require_mac);
        if !damaged.is_empty() {
            v.open_check.status = CheckStatus::Failed;
            v.open_check.message = format!(
                "the key file is damaged (the {} slot): this vault opened, but that way of unlocking may not work; make a new backup",
                damaged.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
        if v.open_check.status == CheckStatus::Ok {
            let head = journal::head_in(&v.conn)?;
            v.after_commit(head);
        }
        Ok(v)
    }

    /// The raw database connection, for tests that tamper with a vault with the key in hand. Only in builds with
    /// the `test-hooks` feature (tests, benchmarks); never in the app or the CLI: every write goes through the
    /// journal.
    #[cfg(feature = "test-hooks")]
    pub fn tamper_connection(&self) -> &Connection {
        &self.conn
    }

    /// The folder of this vault.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The vault's id (random, 32 hex).
    pub fn vault_id(&self) -> &str {
        &self.keys.vault_id
    }

    /// The result of the fast check made when this vault was opened.
    pub fn open_check(&self) -> &OpenCheck {
        &self.open_check
    }

    /// The journal's head now.
    pub fn head(&self) -> Result<Head> {
        journal::head_in(&self.conn)
    }

    /// Runs `f` as one durable write: a transaction in which the change records its entries (through
    /// [`Writer::record`]), the commit, then the head record. Either all of it is durable when this returns, or
    /// nothing was recorded.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        let (out, head) = commit_with(&mut self.conn, f)?;
        self.after_commit(head);
        Ok(out)
    }

    /// Records the head after a commit, so that a later open notices a rollback or a cut. Not fsynced on
    /// purpose: it is written after the database commit is durable, so it can lag behind the database after a
    /// power cut, which the check accepts, but never run ahead of it.
    pub(crate) fn after_commit(&self, head: Head) {
        let hash = hex::encode(head.entry_hash);
        let hf = HeadFile {
            seq: head.seq,
            mac: head_mac(&self.key, head.seq, &hash),
            entry_hash: hash,
        };
        if let Ok(bytes) = serde_json::to_vec(&hf) {
            let _ = crate::fsutil::write_atomic_opt(&self.dir.join(HEAD_FILE), &bytes, false);
            // A second record outside the vault folder: copying back a whole older folder is noticed here.
            if let Some(path) = rollback::outside_record(&self.dir, self.vault_id()) {
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                    crate::fsutil::private_dir(parent);
                }
                let _ = crate::fsutil::write_atomic_opt(&path, &bytes, false);
            }
        }
        // A third in the keychain, written by a worker once writes are quiet and at close (rollback.rs).
        self.head_keychain.post(hf.seq, &hf.entry_hash);
    }

    /// The fast check: count and head of the journal against themselves, the last entry's hashes, and the last
    /// head recorded outside the database.
    pub fn fast_check(&self) -> Result<OpenCheck> {
        let head = journal::head_in(&self.conn)?;
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM journal", [], |r| r.get(0))?;
        let hash = hex::encode(head.entry_hash);
        let mk = |status: CheckStatus, message: String| OpenCheck {
            status,
            entries: head.seq,
            head_hash: hash.clone(),
            message,
        };
        if count as u64 != head.seq {
            return Ok(mk(CheckStatus::Failed, format!("the journal has {count} entries but its last is number {}: entries are missing", head.seq)));
        }
        if head.seq > 0 {
            let last = self.conn.query_row(
                &format!(
                    "SELECT {} FROM journal WHERE seq = ?1",
                    journal::ENTRY_COLUMNS
                ),
                [head.seq as i64],
                journal::entry_from_row,
            )?;
            let prev = if head.seq > 1 {
                self.conn.query_row(
                    "SELECT entry_hash FROM journal WHERE seq = ?1",
                    [head.seq as i64 - 1],
                    |r| r.get::<_, Vec<u8>>(0),
                )?
            } else {
                vec![0u8; 32]
            };
            let ph = journal::payload_hash(&last.payload);
            let bh = journal::body_hash(&last.recorded_at, &last.kind, &ph);
            if prev != last.prev_hash
                || journal::entry_hash(head.seq, &last.prev_hash, &bh) != last.entry_hash
            {
                return Ok(mk(
                    CheckStatus::Failed,
                    format!(
                        "the last entry (number {}) does not match its hash",
                        head.seq
                    ),
                ));
            }
        }
        // Missing is one thing (a warning if both are); present but unreadable is damage.
        let read = |path: Option<PathBuf>| -> std::result::Result<Option<HeadFile>, ()> {
            match path.and_then(|p| std::fs::read(p).ok()) {
                None => Ok(None),
                Some(b) => serde_json::from_slice::<HeadFile>(&b)
                    .map(Some)
                    .map_err(|_| ()),
            }
        };
        let (Ok(inside), Ok(outside)) = (
            read(Some(self.dir.join(HEAD_FILE))),
            read(rollback::outside_record(&self.dir, self.vault_id())),
        ) else {
            return Ok(mk(
                CheckStatus::Failed,
                "the record of the last known state is damaged".into(),
            ));
        };
        // The keychain's copy (rollback.rs): checked on its own, so putting back an older folder and deleting the
        // config folder's copy is still noticed.
        let in_keychain = match self.head_keychain.read() {
            Ok(r) => r,
            Err(why) => return Ok(mk(CheckStatus::Failed, why)),
        };
        if inside.is_none() && outside.is_none() && in_keychain.is_none() {
            return Ok(mk(
                CheckStatus::Warning,
                "the record of the last known state is missing; run a full verify to be sure"
                    .into(),
            ));
        }
        for (hf, where_) in [
            (&outside, "on this computer"),
            (&inside, "in the vault folder"),
        ] {
            if let Some(hf) = hf {
                if let Some(why) = self.head_record_problem(hf, head.seq)? {
                    return Ok(mk(
                        CheckStatus::Failed,
                        format!("{why} (the record {where_})"),
                    ));
                }
            }
        }
        if let Some(r) = &in_keychain {
            if let Some(why) = self.head_position_problem(r.seq, &r.entry_hash, head.seq)? {
                return Ok(mk(
                    CheckStatus::Failed,
                    format!("{why} (the record in this computer's keychain)"),
                ));
            }
        }
        // Say which records vouched (the keychain's only where one is used).
        let mut records = Vec::new();
        if inside.is_some() {
            records.push("in the vault folder");
        }
        if outside.is_some() {
            records.push("on this computer");
        }
        if in_keychain.is_some() {
            records.push("in the keychain");
        } else if !self.head_keychain.usable() {
            records.push("no keychain in use");
        }
        Ok(mk(
            CheckStatus::Ok,
            format!(
                "{} entries; last entry matches what was last recorded ({})",
                head.seq,
                records.join("; ")
            ),
        ))
    }

    /// What is wrong with a record of the last known head, compared with the journal (whose head is `head_seq`).
    pub(crate) fn head_record_problem(
        &self,
        hf: &HeadFile,
        head_seq: u64,
    ) -> Result<Option<String>> {
        if hf.mac != head_mac(&self.key, hf.seq, &hf.entry_hash) {
            return Ok(Some(
                "the record of the last known state has been altered".into(),
            ));
        }
        self.head_position_problem(hf.seq, &hf.entry_hash, head_seq)
    }

    /// What is wrong with a recorded head (`seq`, `entry_hash`) compared with the journal: ahead of it, or an
    /// entry the journal does not have.
    pub(crate) fn head_position_problem(
        &self,
        seq: u64,
        entry_hash: &str,
        head_seq: u64,
    ) -> Result<Option<String>> {
        if seq > head_seq {
            return Ok(Some(format!("the journal ends at entry {head_seq} but entry {seq} was recorded before: entries have been removed or an older copy was put back")));
        }
        let at: Option<Vec<u8>> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT entry_hash FROM journal WHERE seq = ?1",
            [seq as i64],
            |r| r.get(0),
        ))?;
        if seq > 0 && at.map(hex::encode).as_deref() != Some(entry_hash) {
            return Ok(Some(format!(
                "entry {seq} is not the entry that was recorded: the journal has been changed"
            )));
        }
        Ok(None)
    }

    /// What opening this vault did to a change of keys that had been interrupted (see [`Vault::rekey`]), if
    /// anything: to be told to the person.
    pub fn key_notice(&self) -> Option<KeyNotice> {
        self.key_notice
    }

    /// Whether the vault has a recovery key (it has none after a change of keys that was interrupted and then
    /// finished at the next open, since its new recovery key was never shown).
    pub fn has_recovery_key(&self) -> bool {
        self.keys.has_slot(SlotKind::Recovery)
    }

    /// Checks that `current` (passphrase or recovery key) is a secret that opens this vault now: `WrongKey`
    /// otherwise. One Argon2id derivation.
    pub fn check_secret(&self, current: &Secret) -> Result<()> {
        let key = self.keys.unwrap_secret(current)?;
        if key.same_as(&self.key) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::WrongKey,
                "that passphrase or recovery key does not unlock this vault",
            ))
        }
    }

    /// Writes the key file (giving every slot its keyed check first), then notes in the database that every
    /// slot has one.
    fn save_keys(&mut self, mut keys: KeyFile) -> Result<()> {
        keys.seal(&self.key);
        keys.save(&self.dir.join(KEY_FILE))?;
        self.keys = keys;
        if self.keys.sealed() {
            mark_slots_sealed(&self.conn)?;
        }
        Ok(())
    }

    /// Changes the passphrase: re-wraps the data key, nothing is re-encrypted. Recorded in the journal. For a
    /// caller that has just unlocked with the current secret (the CLI, or after unlocking with the recovery key);
    /// anywhere the vault may have been left unlocked, use [`Vault::change_passphrase_verified`].
    pub fn change_passphrase(&mut self, new: &Passphrase) -> Result<()> {
        let mut keys = self.keys.clone();
        keys.set_passphrase(new, &self.key)?;
        self.save_keys(keys)?;
        self.record_key_change(KeyChange::Passphrase)
    }

    /// Changes the passphrase once `current` (the passphrase or the recovery key) has been checked against the
    /// key file: someone at an unlocked vault cannot set a passphrase of their own without knowing one.
    pub fn change_passphrase_verified(&mut self, current: &Secret, new: &Passphrase) -> Result<()> {
        self.check_secret(current)?;
        self.change_passphrase(new)
    }

    /// Makes a new recovery key (the old one stops working). Show the result once. The data key does not
    /// change: an old copy of `keys.json` with the old recovery key still opens the vault (see [`Vault::rekey`]).
    pub fn new_recovery_key(&mut self) -> Result<RecoveryKey> {
        let mut keys = self.keys.clone();
        let r = keys.new_recovery(&self.key)?;
        self.save_keys(keys)?;
        self.record_key_change(KeyChange::Recovery)?;
        Ok(r)
    }

    /// [`Vault::new_recovery_key`] once `current` (the passphrase or the recovery key) has been checked.
    pub fn new_recovery_key_verified(&mut self, current: &Secret) -> Result<RecoveryKey> {
        self.check_secret(current)?;
        self.new_recovery_key()
    }

    fn record_key_change(&mut self, slot: KeyChange) -> Result<()> {
        #[derive(Serialize)]
        struct P {
            slot: KeyChange,
        }
        self.write(|w| {
            w.record(EntryKind::KeyChanged, &P { slot })?;
            Ok(())
        })
    }

    /// "Remember on this device": keeps a device secret in the OS keychain and the data key wrapped by it in the
    /// key file. Refused, with a clear message, when only a non-persistent or mock keychain is available.
    pub fn remember_on_device(&mut self) -> Result<()> {
        let secret = zeroize::Zeroizing::new({
            let mut b = [0u8; 32];
            getrandom::fill(&mut b).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
            b
        });
        keychain::store(&self.keys.vault_id, &secret)?;
        let mut keys = self.keys.clone();
        keys.set_slot(SlotKind::Device, &secret[..], None, &self.key)?;
        self.save_keys(keys)?;
        self.record_key_change(KeyChange::DeviceAdded)
    }

    /// Forgets this device: removes the keychain entry and the device slot.
    pub fn forget_on_device(&mut self) -> Result<()> {
        let had = self.keys.has_slot(SlotKind::Device);
        let mut keys = self.keys.clone();
        keys.remove_slot(SlotKind::Device);
        self.save_keys(keys)?;
        keychain::delete(&self.keys.vault_id)?;
        if had {
            self.record_key_change(KeyChange::DeviceRemoved)?;
        }
        Ok(())
    }

    /// A setting kept inside the encrypted vault (not part of the record).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [key],
            |r| r.get(0),
        ))?)
    }

    /// Removes a setting.
    pub(crate) fn clear_setting(&mut self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM setting WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Remembers, inside the vault, the hidden file a pack is being written to (its plaintext), until the pack
    /// is in place: after a crash the next unlock removes it.
    pub(crate) fn export_started(&mut self, partial: &Path) -> Result<()> {
        self.set_setting(PARTIAL_EXPORT, &partial.to_string_lossy())
    }

    /// The pack is in place: nothing to clean up.
    pub(crate) fn export_finished(&mut self) -> Result<()> {
        self.clear_setting(PARTIAL_EXPORT)
    }

    /// Removes the plaintext left by an export that was interrupted (a crash or a kill while the pack was being
    /// written): done at every unlock. Returns the file removed, if any.
    pub fn clean_interrupted_export(&mut self) -> Result<Option<PathBuf>> {
        let Some(path) = self.setting(PARTIAL_EXPORT)? else {
            return Ok(None);
        };
        let path = PathBuf::from(path);
        let ours = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.ends_with(".partial"));
        let removed = if ours && path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::write(&path, &e))?;
            Some(path)
        } else {
            None
        };
        self.clear_setting(PARTIAL_EXPORT)?;
        Ok(removed)
    }

    /// Sets a setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The journal entries that concern an incident, in order.
    pub(crate) fn entries_of_incident(&self, incident_id: i64) -> Result<Vec<Entry>> {
        journal::entries_of_incident(&self.conn, incident_id)
    }

    /// The newest entry about an incident (`Some((seq, entry_hash))`), or about a person's record.
    pub(crate) fn latest_entry_about(
        &self,
        subject: crate::completeness::Subject,
    ) -> Result<Option<(u64, [u8; 32])>> {
        match subject {
            crate::completeness::Subject::Incident(i) => {
                journal::latest_about_incident(&self.conn, i)
            }
            crate::completeness::Subject::Person(p) => journal::latest_about_person(&self.conn, p),
        }
    }

    /// The payloads of every entry of one kind, oldest first.
    pub(crate) fn payloads_of_kind(&self, kind: EntryKind) -> Result<Vec<Vec<u8>>> {
        let mut st = self
            .conn
            .prepare("SELECT payload FROM journal WHERE kind = ?1 ORDER BY seq")?;
        let rows = st.query_map([kind.as_str()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<Vec<u8>>>>()?)
    }

    /// The first entry written with format version 2 (back-links and commitments), if any: from there on a
    /// pack can prove it is complete.
    pub(crate) fn first_v2_seq(&self) -> Result<Option<u64>> {
        let seq: Option<i64> = self.conn.query_row(
            "SELECT min(seq) FROM journal WHERE json_extract(CAST(payload AS TEXT), '$.v') >= 2",
            [],
            |r| r.get(0),
        )?;
        Ok(seq.map(|s| s as u64))
    }

    /// Every journal entry from `from` (inclusive), in order.
    pub fn journal_entries(&self, from: u64) -> Result<Vec<journal::Entry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM journal WHERE seq >= ?1 ORDER BY seq",
            journal::ENTRY_COLUMNS
        ))?;
        let rows = stmt.query_map([from as i64], journal::entry_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
