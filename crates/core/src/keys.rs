//! Keys: the passphrase, the recovery key and the vault's data key, and the key file that holds the data key
//! wrapped (Argon2id → XChaCha20-Poly1305) once per slot. Secrets are types: no `Clone`, no `Serialize`, a
//! `Debug` that prints nothing, zeroized on drop.
//!
//! The key file (`keys.json`, format `evident-keys/1`) holds no secret. Each slot has:
//! - `kind`, `kdf` (Argon2id `m_kib`/`t`/`p`, bounded by [`KdfParams::within_bounds`]: anything else is damage and
//!   is never derived with), `salt`, `nonce`, `wrapped` (the data key, AEAD-bound to the vault id and the kind);
//! - `check`: SHA-256 over the vault id, creation time and the slot's fields. Anyone can recompute it; it tells
//!   accidental damage apart from a wrong secret before any key derivation;
//! - `mac`: HMAC-SHA-256 over the same text, keyed by a key derived from the data key. Only the holder of the
//!   data key can make it. It is checked once a slot has been unwrapped, and for every slot when the vault opens,
//!   so a slot edited on purpose (its `check` recomputed) reads as damage as soon as the vault is opened. A slot
//!   written before `mac` existed has none; it gets one the next time the key file is written, and from then on
//!   the vault (a setting inside the encrypted database) requires it.
//!
//! While the data key is being replaced ([`crate::Vault::rekey`]) the file also holds a `rotation`: the new
//! data key wrapped by the new passphrase and the new recovery key, the journal's head when it began, and the
//! old data key wrapped by the new one (to re-key the head record). The old slots stay until the database has
//! been re-encrypted, so at every moment the old secrets or the new ones open the vault; the next open finishes
//! or undoes a rotation that was interrupted, depending on which key the database opens with.

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

impl KdfParams {
    /// The least memory accepted from a key file: 8 MiB.
    pub const MIN_M_KIB: u32 = 8 * 1024;
    /// The most memory accepted from a key file: 1 GiB.
    pub const MAX_M_KIB: u32 = 1024 * 1024;
    /// The most passes accepted from a key file.
    pub const MAX_T: u32 = 10;
    /// The most lanes accepted from a key file.
    pub const MAX_P: u32 = 4;

    /// Whether these parameters are within what Evident ever writes or would raise them to: memory 8 MiB to
    /// 1 GiB, 1 to 10 passes, 1 to 4 lanes. A key file with anything else is damaged: nothing is allocated for it.
    pub fn within_bounds(&self) -> bool {
        (Self::MIN_M_KIB..=Self::MAX_M_KIB).contains(&self.m_kib)
            && (1..=Self::MAX_T).contains(&self.t)
            && (1..=Self::MAX_P).contains(&self.p)
    }
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
    /// wrong passphrase (the AEAD alone cannot), before any key derivation. Public: anyone can recompute it.
    #[serde(default)]
    pub check: String,
    /// HMAC-SHA-256 over the same text, keyed by a key derived from the data key this slot wraps: an edited slot
    /// reads as damage once the data key is known. Empty in a slot written before it existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mac: String,
}

fn slot_text(vault_id: &str, created_at: &str, s: &Slot) -> String {
    let kdf = s
        .kdf
        .map(|k| format!("{}/{}/{}", k.m_kib, k.t, k.p))
        .unwrap_or_default();
    format!(
        "evident-keys/1\0{vault_id}\0{created_at}\0{}\0{kdf}\0{}\0{}\0{}",
        s.kind, s.salt, s.nonce, s.wrapped
    )
}

fn slot_check(vault_id: &str, created_at: &str, s: &Slot) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(
        slot_text(vault_id, created_at, s).as_bytes(),
    ))
}

fn slot_mac(vault_id: &str, created_at: &str, s: &Slot, key: &DataKey) -> String {
    let k = key.derive("keys-slot-mac");
    let text = format!("mac\0{}", slot_text(vault_id, created_at, s));
    hex::encode(hmac_sha256(&k[..], text.as_bytes()))
}

/// HMAC-SHA-256 (RFC 2104) for a key of at most 64 bytes.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    let mut ipad = Zeroizing::new([0x36u8; 64]);
    let mut opad = Zeroizing::new([0x5cu8; 64]);
    for (i, k) in key.iter().take(64).enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let mut inner = sha2::Sha256::new();
    inner.update(&ipad[..]);
    inner.update(msg);
    let inner = inner.finalize();
    let mut outer = sha2::Sha256::new();
    outer.update(&opad[..]);
    outer.update(inner);
    outer.finalize().into()
}

/// Equality that takes the same time wherever the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a slot's shape is one Evident writes: KDF parameters for a secret a person keeps (bounded), none for
/// the device's random secret.
fn slot_shape_ok(s: &Slot) -> bool {
    match (s.kind, s.kdf) {
        (SlotKind::Passphrase | SlotKind::Recovery, Some(k)) => k.within_bounds(),
        (SlotKind::Device, None) => true,
        _ => false,
    }
}

fn damaged() -> Error {
    Error::integrity("the vault's key file (keys.json) is damaged")
        .with_hint("Restore the vault from a backup.")
}

/// An interrupted change of data key (see the module documentation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Rotation {
    /// The journal's head (seq) when the rotation began: a `vault.key_changed` `rekeyed` entry after it means the
    /// change has been recorded.
    pub from_seq: u64,
    /// The new data key's slots (passphrase, recovery).
    pub slots: Vec<Slot>,
    /// Nonce for `previous`.
    pub previous_nonce: String,
    /// The old data key wrapped by a key derived from the new one, bound to the vault id and `from_seq`.
    pub previous: String,
}

/// The key file (`keys.json`): no secret in it, only wrapped keys and parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyFile {
    pub format: String,
    pub vault_id: String,
    pub created_at: String,
    pub slots: Vec<Slot>,
    /// A change of data key under way (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
}

/// What a secret unwraps in a key file with a rotation under way: the current data key and the new one.
pub(crate) struct Unwrapped {
    /// The data key of the current slots, if the secret opens one.
    pub current: Option<DataKey>,
    /// The new data key of the rotation's slots, if the secret opens one.
    pub next: Option<DataKey>,
}

/// The largest key file read: a real one is a few kilobytes.
const MAX_KEY_FILE: u64 = 1024 * 1024;

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
            // Checked again here, whoever calls: parameters from a file are never used to allocate unbounded.
            if !p.within_bounds() {
                return Err(damaged());
            }
            let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(32)).map_err(|_| damaged())?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(secret, salt, &mut out[..])
                .map_err(|_| damaged())?;
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

fn previous_aad(vault_id: &str, from_seq: u64) -> Vec<u8> {
    format!("evident-keys/1\0{vault_id}\0previous\0{from_seq}").into_bytes()
}

fn wrong_secret(kind: SlotKind) -> Error {
    match kind {
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
    }
}

fn no_slot(kind: SlotKind) -> Error {
    Error::new(
        ErrorKind::NotRemembered,
        format!("this vault has no {kind} key slot"),
    )
}

/// The passphrase rules: at least 8 characters.
pub(crate) fn check_passphrase_rules(p: &Passphrase) -> Result<()> {
    if p.0.chars().count() < 8 {
        return Err(
            Error::invalid("the passphrase must be at least 8 characters long").with_hint(
                "A few unrelated words make a passphrase that is long and easy to remember.",
            ),
        );
    }
    Ok(())
}

impl KeyFile {
    pub(crate) fn new(vault_id: String) -> Self {
        Self {
            format: KEY_FILE_FORMAT.to_string(),
            vault_id,
            created_at: crate::time::now_utc().1,
            slots: Vec::new(),
            rotation: None,
        }
    }

    /// A slot of `kind` wrapping `key` with `secret`, with its check and keyed check.
    fn make_slot(
        &self,
        kind: SlotKind,
        secret: &[u8],
        kdf: Option<KdfParams>,
        key: &DataKey,
    ) -> Result<Slot> {
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
        let mut slot = Slot {
            kind,
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped: B64.encode(wrapped),
            check: String::new(),
            mac: String::new(),
        };
        slot.check = slot_check(&self.vault_id, &self.created_at, &slot);
        slot.mac = slot_mac(&self.vault_id, &self.created_at, &slot, key);
        Ok(slot)
    }

    /// Adds or replaces the slot of `kind`, wrapping `key` with `secret`.
    pub(crate) fn set_slot(
        &mut self,
        kind: SlotKind,
        secret: &[u8],
        kdf: Option<KdfParams>,
        key: &DataKey,
    ) -> Result<()> {
        let slot = self.make_slot(kind, secret, kdf, key)?;
        self.slots.retain(|s| s.kind != kind);
        self.slots.push(slot);
        Ok(())
    }

    /// Gives every slot that has none its keyed check, made with `key` (the data key it wraps): the upgrade of a
    /// key file written before keyed checks existed. A slot that fails its public check is left as it is.
    pub(crate) fn seal(&mut self, key: &DataKey) {
        let (id, at) = (self.vault_id.clone(), self.created_at.clone());
        for s in self.slots.iter_mut() {
            if s.mac.is_empty() && slot_shape_ok(s) && s.check == slot_check(&id, &at, s) {
                s.mac = slot_mac(&id, &at, s, key);
            }
        }
    }

    /// Whether every slot has a keyed check.
    pub(crate) fn sealed(&self) -> bool {
        self.slots.iter().all(|s| !s.mac.is_empty())
    }

    /// Slots that are damaged, though perhaps not the one used to unlock: a public check that does not match,
    /// parameters out of bounds, a keyed check that does not match `key` (the data key that opened the vault),
    /// or no keyed check where the vault requires one.
    pub(crate) fn damaged_slots(&self, key: &DataKey, require_mac: bool) -> Vec<SlotKind> {
        self.slots
            .iter()
            .filter(|s| {
                !slot_shape_ok(s)
                    || s.check != slot_check(&self.vault_id, &self.created_at, s)
                    || (s.mac.is_empty() && require_mac)
                    || (!s.mac.is_empty()
                        && !same(
                            s.mac.as_bytes(),
                            slot_mac(&self.vault_id, &self.created_at, s, key).as_bytes(),
                        ))
            })
            .map(|s| s.kind)
            .collect()
    }

    pub(crate) fn remove_slot(&mut self, kind: SlotKind) {
        self.slots.retain(|s| s.kind != kind);
    }

    pub(crate) fn has_slot(&self, kind: SlotKind) -> bool {
        self.slots.iter().any(|s| s.kind == kind)
    }

    /// Unwraps the data key held in `slot`: damage (public check, shape, encoding, keyed check) is `Integrity`,
    /// checked before any key derivation where it can be; a secret that does not fit is `WrongKey` (or
    /// `NotRemembered` for the device).
    fn open_slot(&self, slot: &Slot, secret: &[u8]) -> Result<DataKey> {
        if !slot_shape_ok(slot) || slot.check != slot_check(&self.vault_id, &self.created_at, slot)
        {
            return Err(damaged());
        }
        let salt = B64.decode(&slot.salt).map_err(|_| damaged())?;
        let nonce = B64.decode(&slot.nonce).map_err(|_| damaged())?;
        let wrapped = B64.decode(&slot.wrapped).map_err(|_| damaged())?;
        if salt.len() != 16 || nonce.len() != 24 || wrapped.len() != 48 {
            return Err(damaged());
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
                        aad: &aad(&self.vault_id, slot.kind),
                    },
                )
                .map_err(|_| wrong_secret(slot.kind))?,
        );
        if plain.len() != 32 {
            return Err(damaged());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&plain);
        let key = DataKey(k);
        if !slot.mac.is_empty()
            && !same(
                slot.mac.as_bytes(),
                slot_mac(&self.vault_id, &self.created_at, slot, &key).as_bytes(),
            )
        {
            return Err(damaged());
        }
        Ok(key)
    }

    /// Unwraps the data key with the slot of `kind`. A wrong secret is `WrongKey`.
    pub(crate) fn unwrap(&self, kind: SlotKind, secret: &[u8]) -> Result<DataKey> {
        let slot = self
            .slots
            .iter()
            .find(|s| s.kind == kind)
            .ok_or_else(|| no_slot(kind))?;
        self.open_slot(slot, secret)
    }

    pub(crate) fn unwrap_secret(&self, secret: &Secret) -> Result<DataKey> {
        match secret {
            Secret::Passphrase(p) => self.unwrap(SlotKind::Passphrase, p.bytes()),
            Secret::Recovery(r) => self.unwrap(SlotKind::Recovery, r.bytes()),
        }
    }

    /// During a rotation: the current and the new data key that `secret` unwraps through slots of `kind`. Fails,
    /// with the current slot's error (damage first), only when it unwraps neither.
    pub(crate) fn unwrap_both(&self, kind: SlotKind, secret: &[u8]) -> Result<Unwrapped> {
        let current = self.unwrap(kind, secret);
        let next = match self
            .rotation
            .as_ref()
            .and_then(|r| r.slots.iter().find(|s| s.kind == kind))
        {
            Some(slot) => self.open_slot(slot, secret),
            None => Err(no_slot(kind)),
        };
        match (current, next) {
            (Err(c), Err(n)) => Err(
                if c.kind() != ErrorKind::Integrity && n.kind() == ErrorKind::Integrity {
                    n
                } else {
                    c
                },
            ),
            (c, n) => Ok(Unwrapped {
                current: c.ok(),
                next: n.ok(),
            }),
        }
    }

    pub(crate) fn set_passphrase(&mut self, p: &Passphrase, key: &DataKey) -> Result<()> {
        check_passphrase_rules(p)?;
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

    /// Begins a change of data key from `old` to `new`: keeps the current slots and adds the rotation (the new key
    /// wrapped by `passphrase` and by a new recovery key, returned; the old key wrapped by the new one).
    pub(crate) fn begin_rotation(
        &mut self,
        old: &DataKey,
        new: &DataKey,
        passphrase: &Passphrase,
        from_seq: u64,
    ) -> Result<RecoveryKey> {
        check_passphrase_rules(passphrase)?;
        let recovery = RecoveryKey::generate()?;
        let slots = vec![
            self.make_slot(
                SlotKind::Passphrase,
                passphrase.bytes(),
                Some(KdfParams::default()),
                new,
            )?,
            self.make_slot(
                SlotKind::Recovery,
                recovery.bytes(),
                Some(KdfParams::default()),
                new,
            )?,
        ];
        let nonce: [u8; 24] = random()?;
        let kek = new.derive("previous-key");
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..])
            .map_err(|_| Error::internal("bad key length"))?;
        let previous = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &old.bytes()[..],
                    aad: &previous_aad(&self.vault_id, from_seq),
                },
            )
            .map_err(|_| Error::internal("could not wrap the key"))?;
        self.rotation = Some(Rotation {
            from_seq,
            slots,
            previous_nonce: B64.encode(nonce),
            previous: B64.encode(previous),
        });
        Ok(recovery)
    }

    /// During a rotation: the old data key, unwrapped with the new one.
    pub(crate) fn previous_key(&self, new: &DataKey) -> Result<DataKey> {
        let r = self.rotation.as_ref().ok_or_else(damaged)?;
        let nonce = B64.decode(&r.previous_nonce).map_err(|_| damaged())?;
        let wrapped = B64.decode(&r.previous).map_err(|_| damaged())?;
        if nonce.len() != 24 {
            return Err(damaged());
        }
        let kek = new.derive("previous-key");
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..])
            .map_err(|_| Error::internal("bad key length"))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &wrapped,
                        aad: &previous_aad(&self.vault_id, r.from_seq),
                    },
                )
                .map_err(|_| damaged())?,
        );
        if plain.len() != 32 {
            return Err(damaged());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&plain);
        Ok(DataKey(k))
    }

    /// Ends a rotation that took effect: the new key's slots replace every current one (the device's too).
    /// Without `keep_recovery` the new recovery slot is dropped as well (its key was never shown to anyone).
    pub(crate) fn finish_rotation(&mut self, keep_recovery: bool) {
        if let Some(r) = self.rotation.take() {
            self.slots = r
                .slots
                .into_iter()
                .filter(|s| keep_recovery || s.kind != SlotKind::Recovery)
                .collect();
        }
    }

    /// Ends a rotation that did not take effect: the current slots stay, the new key is forgotten.
    pub(crate) fn abandon_rotation(&mut self) {
        self.rotation = None;
    }

    pub(crate) fn load(path: &Path) -> Result<Self> {
        let not_found = |e: std::io::Error| {
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
        };
        let len = std::fs::metadata(path).map_err(not_found)?.len();
        if len > MAX_KEY_FILE {
            return Err(damaged());
        }
        let bytes = std::fs::read(path).map_err(not_found)?;
        let kf: KeyFile = serde_json::from_slice(&bytes).map_err(|_| damaged())?;
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

impl DataKey {
    /// Whether two data keys are the same key.
    pub(crate) fn same_as(&self, other: &DataKey) -> bool {
        same(&self.0[..], &other.0[..])
    }

    /// `PRAGMA rekey` statement for SQLCipher: re-encrypts the database under this raw key.
    pub(crate) fn rekey_pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "PRAGMA rekey = \"x'{}'\";",
            hex::encode(&self.0[..])
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 1 and 2 of RFC 4231 (HMAC-SHA-256).
        assert_eq!(
            hex::encode(hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn kdf_bounds() {
        assert!(KdfParams::default().within_bounds());
        for (m, t, p) in [
            (8 * 1024 - 1, 3, 1),
            (1024 * 1024 + 1, 3, 1),
            (u32::MAX, 3, 1),
            (65536, 0, 1),
            (65536, 11, 1),
            (65536, 3, 0),
            (65536, 3, 5),
        ] {
            assert!(!KdfParams { m_kib: m, t, p }.within_bounds(), "{m}/{t}/{p}");
        }
        assert!(KdfParams {
            m_kib: 1024 * 1024,
            t: 10,
            p: 4
        }
        .within_bounds());
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

    /// The keychain service of the records that are not secrets (the copy of the last head, `vault/rollback.rs`).
    pub const RECORD_SERVICE: &str = "org.evident.head";

    /// How long a keychain call for a record may take before the keychain is taken as not answering (a locked
    /// keychain may be waiting on a password prompt): the record is then not used for the rest of the process.
    const RECORD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

    static NOT_ANSWERING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    /// Whether the keychain may be used for records without being asked: a keychain that keeps entries after a
    /// restart and, on Linux, a D-Bus session bus already running (never one started for it: with no session bus
    /// libdbus would launch one on the X display), and no earlier call in this process that did not answer.
    pub(crate) fn records_usable() -> bool {
        if NOT_ANSWERING.load(std::sync::atomic::Ordering::Relaxed) || check_persistent().is_err() {
            return false;
        }
        if cfg!(target_os = "linux") {
            let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty());
            let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
                .map(|d| Path::new(&d).join("bus"))
                .is_some_and(|p| p.exists());
            return (bus || runtime_bus) && bounded(default_collection_unlocked) == Some(true);
        }
        true
    }

    /// Whether the Secret Service's default collection exists and is unlocked: asked without unlocking anything
    /// (keyring would unlock a locked one, which shows the desktop's password prompt). Linux only.
    #[cfg(target_os = "linux")]
    fn default_collection_unlocked() -> bool {
        use dbus_secret_service::{EncryptionType, SecretService};
        SecretService::connect(EncryptionType::Plain)
            .ok()
            .and_then(|ss| ss.get_default_collection().ok()?.is_locked().ok())
            == Some(false)
    }

    #[cfg(not(target_os = "linux"))]
    fn default_collection_unlocked() -> bool {
        true
    }

    /// Runs a keychain call on its own thread and waits at most [`RECORD_TIMEOUT`]; `None` when it did not
    /// answer in time (the call is left to finish on its own, and the keychain is not used again).
    fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("evident-keychain".into())
            .spawn(move || {
                let _ = tx.send(f());
            })
            .ok()?;
        match rx.recv_timeout(RECORD_TIMEOUT) {
            Ok(v) => Some(v),
            Err(_) => {
                NOT_ANSWERING.store(true, std::sync::atomic::Ordering::Relaxed);
                None
            }
        }
    }

    /// Stores a record (not a secret) under `account`. `false` when the keychain refused or did not answer.
    pub(crate) fn store_record(account: &str, value: &str) -> bool {
        let (account, value) = (account.to_owned(), value.to_owned());
        bounded(move || {
            keyring::Entry::new(RECORD_SERVICE, &account).and_then(|e| e.set_password(&value))
        })
        .is_some_and(|r| r.is_ok())
    }

    /// The record kept under `account`: `Ok(None)` when there is none, `Err(())` when the keychain cannot say.
    pub(crate) fn load_record(account: &str) -> std::result::Result<Option<String>, ()> {
        let account = account.to_owned();
        match bounded(move || {
            keyring::Entry::new(RECORD_SERVICE, &account).and_then(|e| e.get_password())
        }) {
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(keyring::Error::NoEntry)) => Ok(None),
            _ => Err(()),
        }
    }
}
