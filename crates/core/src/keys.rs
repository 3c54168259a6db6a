//! Keys: the passphrase, the recovery key and the vault's data key, and the key file that holds the data key
//! wrapped (Argon2id → XChaCha20-Poly1305) once per slot. Secrets are types: no `Clone`, no `Serialize`, a
//! `Debug` that prints nothing, zeroized on drop.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind, Result};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A passphrase typed by the person.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Wraps a passphrase (the `String` is moved, and zeroized when this is dropped).
    pub fn new(s: String) -> Self {
        Self(Zeroizing::new(s))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The recovery key: 160 random bits written as 32 Crockford base-32 characters in 8 groups of 4.
pub struct RecoveryKey(Zeroizing<String>);

impl RecoveryKey {
    fn generate() -> Result<Self> {
        let mut b = Zeroizing::new([0u8; 20]);
        getrandom::fill(&mut b[..]).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
        let mut s = String::with_capacity(32);
        let mut acc: u64 = 0;
        let mut bits = 0;
        for byte in b.iter() {
            acc = (acc << 8) | u64::from(*byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                s.push(CROCKFORD[((acc >> bits) & 31) as usize] as char);
            }
        }
        acc.zeroize();
        Ok(Self(Zeroizing::new(s)))
    }

    /// Parses a recovery key as a person may type it: any case, with or without dashes and spaces; O→0, I/L→1.
    pub fn parse(s: &str) -> Result<Self> {
        let mut out = String::with_capacity(32);
        for c in s.chars() {
            let c = c.to_ascii_uppercase();
            let c = match c {
                '-' | ' ' | '\t' | '\n' | '\r' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                _ => c,
            };
            if !CROCKFORD.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Error::new(
                    ErrorKind::WrongKey,
                    "that is not a recovery key: it has characters a recovery key never has",
                ));
            }
            out.push(c);
        }
        if out.len() != 32 {
            return Err(Error::new(
                ErrorKind::WrongKey,
                format!(
                    "a recovery key has 32 characters (8 groups of 4); this has {}",
                    out.len()
                ),
            ));
        }
        Ok(Self(Zeroizing::new(out)))
    }

    /// The key for a person to write down: `XXXX-XXXX-…` (8 groups). Show it once.
    pub fn expose_display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

/// Something that unlocks a vault.
#[derive(Debug)]
pub enum Secret {
    /// The passphrase.
    Passphrase(Passphrase),
    /// The recovery key.
    Recovery(RecoveryKey),
}

impl Secret {
    /// A passphrase, or a recovery key if the text has the recovery key's shape.
    pub fn guess(text: String) -> Self {
        match RecoveryKey::parse(&text) {
            Ok(k) if text.trim().len() >= 32 && text.contains('-') => Self::Recovery(k),
            _ => Self::Passphrase(Passphrase::new(text)),
        }
    }
}

/// The vault's 256-bit data key: SQLCipher's raw key.
pub(crate) struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub(crate) fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut k[..]).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
        Ok(Self(k))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `PRAGMA key` statement for SQLCipher with this raw key.
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(&self.0[..])))
    }

    /// A key derived for a purpose (e.g. authenticating the head file), never the data key itself.
    pub(crate) fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"evident.derive.v1\0");
        h.update(purpose.as_bytes());
        h.update([0]);
        h.update(&self.0[..]);
        Zeroizing::new(h.finalize().into())
    }
}

/// Argon2id parameters, stored with each slot so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Parallelism.
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        Self {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

/// A kind of key slot: a way to unwrap the data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// The person's passphrase (Argon2id).
    Passphrase,
    /// The recovery key shown once (Argon2id).
    Recovery,
    /// A random secret kept in this device's keychain ("remember on this device").
    Device,
}

impl SlotKind {
    /// The slot's word in `keys.json` (and in the bytes its wrapping is bound to).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passphrase => "passphrase",
            Self::Recovery => "recovery",
            Self::Device => "device",
        }
    }
}

impl std::fmt::Display for SlotKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way to unwrap the data key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Slot {
    /// Which way.
    pub kind: SlotKind,
    /// Argon2id parameters (none for `device`: its secret is already random).
    pub kdf: Option<KdfParams>,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
    /// SHA-256 over the vault id, creation time and this slot's fields: tells a damaged key file apart from a
    /// wrong passphrase (the AEAD alone cannot).
    #[serde(default)]
    pub check: String,
}

fn slot_check(vault_id: &str, created_at: &str, s: &Slot) -> String {
    use sha2::Digest;
    let kdf = s
        .kdf
        .map(|k| format!("{}/{}/{}", k.m_kib, k.t, k.p))
        .unwrap_or_default();
    let text = format!(
        "evident-keys/1\0{vault_id}\0{created_at}\0{}\0{kdf}\0{}\0{}\0{}",
        s.kind, s.salt, s.nonce, s.wrapped
    );
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// The key file (`keys.json`): no secret in it, only wrapped keys and parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyFile {
    pub format: String,
    pub vault_id: String,
    pub created_at: String,
    pub slots: Vec<Slot>,
}

const KEY_FILE_FORMAT: &str = "evident-keys/1";

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(b)
}

fn kek_from(secret: &[u8], salt: &[u8], kdf: Option<KdfParams>) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    match kdf {
        Some(p) => {
            let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(32))
                .map_err(|e| Error::internal(format!("bad key parameters: {e}")))?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(secret, salt, &mut out[..])
                .map_err(|e| Error::internal(format!("key derivation failed: {e}")))?;
        }
        None => {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update(b"evident.device.v1\0");
            h.update(salt);
            h.update(secret);
            out.copy_from_slice(&h.finalize());
        }
    }
    Ok(out)
}

fn aad(vault_id: &str, kind: SlotKind) -> Vec<u8> {
    format!("evident-keys/1\0{vault_id}\0{kind}").into_bytes()
}

impl KeyFile {
    pub(crate) fn new(vault_id: String) -> Self {
        Self {
            format: KEY_FILE_FORMAT.to_string(),
            vault_id,
            created_at: crate::time::now_utc().1,
            slots: Vec::new(),
        }
    }

    /// Adds or replaces the slot of `kind`, wrapping `key` with `secret`.
    pub(crate) fn set_slot(
        &mut self,
        kind: SlotKind,
        secret: &[u8],
        kdf: Option<KdfParams>,
        key: &DataKey,
    ) -> Result<()> {
        let salt: [u8; 16] = random()?;
        let nonce: [u8; 24] = random()?;
        let kek = kek_from(secret, &salt, kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..])
            .map_err(|_| Error::internal("bad key length"))?;
        let wrapped = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &key.bytes()[..],
                    aad: &aad(&self.vault_id, kind),
                },
            )
            .map_err(|_| Error::internal("could not wrap the key"))?;
        self.slots.retain(|s| s.kind != kind);
        let mut slot = Slot {
            kind,
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped: B64.encode(wrapped),
            check: String::new(),
        };
        slot.check = slot_check(&self.vault_id, &self.created_at, &slot);
        self.slots.push(slot);
        Ok(())
    }

    /// Slots whose check does not match: damaged, though perhaps not the one used to unlock.
    pub(crate) fn damaged_slots(&self) -> Vec<SlotKind> {
        self.slots
            .iter()
            .filter(|s| s.check != slot_check(&self.vault_id, &self.created_at, s))
            .map(|s| s.kind)
            .collect()
    }

    pub(crate) fn remove_slot(&mut self, kind: SlotKind) {
        self.slots.retain(|s| s.kind != kind);
    }

    pub(crate) fn has_slot(&self, kind: SlotKind) -> bool {
        self.slots.iter().any(|s| s.kind == kind)
    }

    /// Unwraps the data key with the slot of `kind`. A wrong secret is `WrongKey`.
    pub(crate) fn unwrap(&self, kind: SlotKind, secret: &[u8]) -> Result<DataKey> {
        let slot = self.slots.iter().find(|s| s.kind == kind).ok_or_else(|| {
            Error::new(
                ErrorKind::NotRemembered,
                format!("this vault has no {kind} key slot"),
            )
        })?;
        let bad = || {
            Error::integrity("the vault's key file (keys.json) is damaged")
                .with_hint("Restore the vault from a backup.")
        };
        if slot.check != slot_check(&self.vault_id, &self.created_at, slot) {
            return Err(bad());
        }
        let salt = B64.decode(&slot.salt).map_err(|_| bad())?;
        let nonce = B64.decode(&slot.nonce).map_err(|_| bad())?;
        let wrapped = B64.decode(&slot.wrapped).map_err(|_| bad())?;
        if nonce.len() != 24 {
            return Err(bad());
        }
        let kek = kek_from(secret, &salt, slot.kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..])
            .map_err(|_| Error::internal("bad key length"))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &wrapped,
                        aad: &aad(&self.vault_id, kind),
                    },
                )
                .map_err(|_| match kind {
                    SlotKind::Passphrase => Error::new(
                        ErrorKind::WrongKey,
                        "that passphrase does not unlock this vault",
                    )
                    .with_hint("Check Caps Lock and try again, or use your recovery key."),
                    SlotKind::Recovery => Error::new(
                        ErrorKind::WrongKey,
                        "that recovery key does not unlock this vault",
                    )
                    .with_hint("Check each group of four characters against what you wrote down."),
                    SlotKind::Device => Error::new(
                        ErrorKind::NotRemembered,
                        "the key remembered on this device no longer fits this vault",
                    )
                    .with_hint("Unlock with your passphrase and choose 'remember' again."),
                })?,
        );
        if plain.len() != 32 {
            return Err(bad());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&plain);
        Ok(DataKey(k))
    }

    pub(crate) fn unwrap_secret(&self, secret: &Secret) -> Result<DataKey> {
        match secret {
            Secret::Passphrase(p) => self.unwrap(SlotKind::Passphrase, p.bytes()),
            Secret::Recovery(r) => self.unwrap(SlotKind::Recovery, r.bytes()),
        }
    }

    pub(crate) fn set_passphrase(&mut self, p: &Passphrase, key: &DataKey) -> Result<()> {
        if p.0.chars().count() < 8 {
            return Err(
                Error::invalid("the passphrase must be at least 8 characters long").with_hint(
                    "A few unrelated words make a passphrase that is long and easy to remember.",
                ),
            );
        }
        self.set_slot(
            SlotKind::Passphrase,
            p.bytes(),
            Some(KdfParams::default()),
            key,
        )
    }

    /// Makes a new recovery key and its slot.
    pub(crate) fn new_recovery(&mut self, key: &DataKey) -> Result<RecoveryKey> {
        let r = RecoveryKey::generate()?;
        self.set_slot(
            SlotKind::Recovery,
            r.bytes(),
            Some(KdfParams::default()),
            key,
        )?;
        Ok(r)
    }

    pub(crate) fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(
                    ErrorKind::VaultNotFound,
                    format!(
                        "there is no vault at {}",
                        path.parent().unwrap_or(path).display()
                    ),
                )
                .with_hint(
                    "Create a vault first (evident-cli init), or give the right --vault path.",
                )
            } else {
                Error::read(path, &e)
            }
        })?;
        let kf: KeyFile = serde_json::from_slice(&bytes).map_err(|_| {
            Error::integrity("the vault's key file (keys.json) is damaged")
                .with_hint("Restore the vault from a backup.")
        })?;
        if kf.format != KEY_FILE_FORMAT {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!(
                    "key file format '{}' is not supported by this version of Evident",
                    kf.format
                ),
            ));
        }
        Ok(kf)
    }

    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(serde_json::to_vec_pretty(self)?)
    }

    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        crate::fsutil::write_atomic(path, &self.to_bytes()?)
    }
}

/// The keychain: "remember on this device". The keychain holds a random device secret; the key file holds the
/// data key wrapped by it. Neither alone unlocks the vault.
pub(crate) mod keychain {
    use super::*;

    const SERVICE: &str = "org.evident.vault";

    fn entry(vault_id: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, vault_id).map_err(unavailable)
    }

    fn unavailable(e: keyring::Error) -> Error {
        Error::new(
            ErrorKind::KeychainUnavailable,
            format!("this device's keychain cannot keep the key ({e})"),
        )
        .with_hint("Nothing was remembered. Unlock with your passphrase each time, or start your desktop's keyring and try again.")
    }

    /// Refuses unless the default keychain keeps secrets until they are deleted.
    pub(crate) fn check_persistent() -> Result<()> {
        use keyring::credential::CredentialPersistence;
        let p = keyring::default::default_credential_builder().persistence();
        if matches!(p, CredentialPersistence::UntilDelete) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::KeychainUnavailable,
                "this device has no keychain that keeps secrets after a restart",
            )
            .with_hint("Nothing was remembered. Unlock with your passphrase each time."))
        }
    }

    pub(crate) fn store(vault_id: &str, secret: &[u8; 32]) -> Result<()> {
        check_persistent()?;
        let e = entry(vault_id)?;
        e.set_secret(secret).map_err(unavailable)?;
        // Read it back through a fresh handle: a keychain that silently drops secrets must not look like success.
        let back = Zeroizing::new(entry(vault_id)?.get_secret().map_err(unavailable)?);
        if back.as_slice() != secret {
            return Err(Error::new(
                ErrorKind::KeychainUnavailable,
                "the keychain did not keep the key",
            ));
        }
        Ok(())
    }

    pub(crate) fn load(vault_id: &str) -> Result<Zeroizing<Vec<u8>>> {
        match entry(vault_id)?.get_secret() {
            Ok(s) => Ok(Zeroizing::new(s)),
            Err(keyring::Error::NoEntry) => Err(Error::new(
                ErrorKind::NotRemembered,
                "this vault is not remembered on this device",
            )
            .with_hint("Unlock with your passphrase.")),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub(crate) fn delete(vault_id: &str) -> Result<()> {
        match entry(vault_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
