//! The vault's signing key: an Ed25519 key in the form of an OpenPGP **v4** key (public-key algorithm 22,
//! "EdDSA legacy", curve OID 1.3.6.1.4.1.11591.15.1), so that the detached signature over a pack's
//! `SHA256SUMS` verifies with stock `gpg --verify` (GnuPG 2.2 and later), and with [`verify_detached`]
//! without GnuPG. A leaf: it uses only [`crate::error`].
//!
//! What is made (RFC 4880 / RFC 9580 packets, new packet headers, ASCII armor with its CRC-24):
//! - the public key: a v4 public-key packet created at the time given to [`SigningKey::generate`], one user
//!   ID packet, and a v4 positive certification (0x13, SHA-512) self-signature made at that same time, with
//!   the hashed subpackets creation time, issuer fingerprint, key flags (certify, sign) and primary user ID,
//!   and the unhashed issuer key ID. No expiry, no subkeys, no preferences (the key never receives mail);
//! - a signature: a v4 binary-document signature (0x00, SHA-512) with the hashed subpackets creation time
//!   and issuer fingerprint, and the unhashed issuer key ID.
//!
//! Ed25519 signatures are deterministic, and the self-signature carries the key's creation time: the public
//! key's bytes, its fingerprint and every signature are functions of the 32 secret bytes, the creation time,
//! the user ID (and, for a signature, the data and its time) alone. That is why the stored secret
//! ([`SigningKey::to_secret_bytes`]) is just those three, and gives back byte-identical public keys.

use std::fmt;

use chrono::{DateTime, Utc};
use pgp::{
    composed::{
        ArmorOptions, Deserializable, DetachedSignature, SignedKeyDetails, SignedPublicKey,
    },
    crypto::{
        ed25519::{self, Mode},
        eddsa_legacy,
        hash::HashAlgorithm,
        public_key::PublicKeyAlgorithm,
    },
    packet::{
        KeyFlags, PubKeyInner, PublicKey, SecretKey, Signature, SignatureConfig, SignatureType,
        SignatureVersion, Subpacket, SubpacketData, UserId,
    },
    types::{
        EddsaLegacyPublicParams, KeyDetails, KeyVersion, PacketHeaderVersion, Password,
        PlainSecretParams, PublicParams, SecretParams, SignedUser, Tag, Timestamp,
    },
};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// The first bytes of [`SigningKey::to_secret_bytes`]: a name and a format version.
const SECRET_MAGIC: &[u8; 8] = b"EVSIGNK1";
/// Length of the raw Ed25519 secret (its seed).
const SEED_LEN: usize = 32;
/// Longest user ID accepted, in bytes.
const MAX_USER_ID: usize = 255;
/// The hash of every signature made here. GnuPG 2.2 needs at least 256 bits for Ed25519.
const HASH: HashAlgorithm = HashAlgorithm::Sha512;

/// A vault's signing key (secret). Not `Clone`, not `Serialize`; `Debug` prints only the fingerprint; the
/// secret lives in rPGP's secret-key packet, whose secret parameters (an `ed25519_dalek::SigningKey`) are
/// zeroized on drop.
pub struct SigningKey {
    secret: SecretKey,
    user: SignedUser,
    fingerprint: String,
}

impl SigningKey {
    /// A new random key. `user_id` names the key for a recipient, like
    /// `"Evident diary <no-reply@evident.invalid>"` (no personal data: it is in every pack); `created` is the
    /// key's creation time (whole seconds; it is part of the fingerprint, so it is fixed here, once).
    pub fn generate(user_id: &str, created: DateTime<Utc>) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        getrandom::fill(&mut seed[..]).map_err(|e| {
            Error::internal(format!("the system's random number generator failed: {e}"))
        })?;
        Self::from_parts(
            &seed,
            timestamp(created, "the key's creation time")?,
            user_id,
        )
    }

    /// The secret as bytes, for the caller to keep encrypted inside the vault: a format tag, the 32-byte
    /// Ed25519 secret, the creation time (u32 seconds, big-endian), the user ID's length (u16, big-endian)
    /// and the user ID. [`SigningKey::from_secret_bytes`] reads them back into the same key.
    pub fn to_secret_bytes(&self) -> Zeroizing<Vec<u8>> {
        let uid = self.user.id.id();
        let mut out = Zeroizing::new(Vec::with_capacity(
            SECRET_MAGIC.len() + SEED_LEN + 4 + 2 + uid.len(),
        ));
        out.extend_from_slice(SECRET_MAGIC);
        // Always this variant (`from_parts` is the only maker); were it not, the bytes would be too short
        // and `from_secret_bytes` would refuse them rather than make another key.
        if let SecretParams::Plain(PlainSecretParams::EdDSALegacy(
            eddsa_legacy::SecretKey::Ed25519(key),
        )) = self.secret.secret_params()
        {
            out.extend_from_slice(key.as_bytes());
        }
        out.extend_from_slice(&self.secret.created_at().as_secs().to_be_bytes());
        // The user ID was checked to be at most MAX_USER_ID bytes when the key was made.
        let len = u16::try_from(uid.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(uid);
        out
    }

    /// Reads bytes made by [`SigningKey::to_secret_bytes`]. The key is rebuilt and checked by signing and
    /// verifying a test message.
    pub fn from_secret_bytes(b: &[u8]) -> Result<Self> {
        let bad = || Error::integrity("the stored signing key is damaged or not a signing key");
        let rest = b.strip_prefix(SECRET_MAGIC.as_slice()).ok_or_else(bad)?;
        if rest.len() < SEED_LEN + 4 + 2 {
            return Err(bad());
        }
        let (seed_bytes, rest) = rest.split_at(SEED_LEN);
        let (created, rest) = rest.split_at(4);
        let (len, uid) = rest.split_at(2);
        let created = u32::from_be_bytes([created[0], created[1], created[2], created[3]]);
        if usize::from(u16::from_be_bytes([len[0], len[1]])) != uid.len() {
            return Err(bad());
        }
        let uid = std::str::from_utf8(uid).map_err(|_| bad())?;
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        seed.copy_from_slice(seed_bytes);
        let key = Self::from_parts(&seed, Timestamp::from_secs(created), uid).map_err(|_| bad())?;
        // A key that cannot verify its own signature is not usable: say so now, not in a pack.
        let probe = b"evident signing key self-test";
        let sig = key.sign_at(probe, Timestamp::from_secs(created))?;
        sig.verify(key.secret.public_key(), &probe[..])
            .map_err(|_| bad())?;
        Ok(key)
    }

    /// The public key: an ASCII-armored OpenPGP v4 transferable public key (public-key packet, user ID,
    /// self-signature). The same bytes every time for the same key.
    pub fn public_armored(&self) -> Result<String> {
        let public = SignedPublicKey::new(
            self.secret.public_key().clone(),
            SignedKeyDetails::new(vec![], vec![], vec![self.user.clone()], vec![]),
            vec![],
        );
        public
            .to_armored_string(ArmorOptions::default())
            .map_err(|e| pgp_error("could not write the public signing key", e))
    }

    /// The v4 fingerprint: 40 uppercase hexadecimal digits, as `gpg` prints it, without spaces.
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    /// The fingerprint as people read it (and as `gpg` shows it): ten groups of four, with two spaces in
    /// the middle.
    pub fn fingerprint_spaced(&self) -> String {
        spaced_fingerprint(&self.fingerprint)
    }

    /// The key's user ID.
    pub fn user_id(&self) -> String {
        String::from_utf8_lossy(self.user.id.id()).into_owned()
    }

    /// The key's creation time (whole seconds).
    pub fn created(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(i64::from(self.secret.created_at().as_secs()), 0)
            .unwrap_or_default()
    }

    /// A detached, ASCII-armored OpenPGP signature over `data`: a v4 binary-document signature (SHA-512)
    /// made at `at` (whole seconds; not before the key's creation, which GnuPG would refuse).
    pub fn sign_detached(&self, data: &[u8], at: DateTime<Utc>) -> Result<String> {
        let at = timestamp(at, "the signature time")?;
        if at.as_secs() < self.secret.created_at().as_secs() {
            return Err(
                Error::invalid("the signature time is before the signing key was created")
                    .with_hint("Check the computer's clock."),
            );
        }
        let sig = self.sign_at(data, at)?;
        DetachedSignature::new(sig)
            .to_armored_string(ArmorOptions::default())
            .map_err(|e| pgp_error("could not write the signature", e))
    }

    /// Builds the key from its secret seed, creation time and user ID (the whole of what is stored).
    fn from_parts(
        seed: &Zeroizing<[u8; SEED_LEN]>,
        created: Timestamp,
        user_id: &str,
    ) -> Result<Self> {
        check_user_id(user_id)?;
        let ed = ed25519::SecretKey::try_from_bytes(**seed, Mode::EdDSALegacy)
            .map_err(|e| pgp_error("could not make the signing key", e))?;
        let params = PublicParams::EdDSALegacy(EddsaLegacyPublicParams::from(&ed));
        let inner = PubKeyInner::new(
            KeyVersion::V4,
            PublicKeyAlgorithm::EdDSALegacy,
            created,
            None,
            params,
        )
        .map_err(|e| pgp_error("could not make the signing key", e))?;
        let public = PublicKey::from_inner(inner)
            .map_err(|e| pgp_error("could not make the signing key", e))?;
        let secret = SecretKey::new(
            public.clone(),
            SecretParams::Plain(PlainSecretParams::EdDSALegacy(
                eddsa_legacy::SecretKey::Ed25519(ed),
            )),
        )
        .map_err(|e| pgp_error("could not make the signing key", e))?;

        let uid = UserId::from_str(PacketHeaderVersion::New, user_id)
            .map_err(|e| pgp_error("could not make the signing key's user ID", e))?;
        let mut flags = KeyFlags::default();
        flags.set_certify(true);
        flags.set_sign(true);
        let mut config = SignatureConfig::v4(
            SignatureType::CertPositive,
            PublicKeyAlgorithm::EdDSALegacy,
            HASH,
        );
        config.hashed_subpackets = subpackets(vec![
            SubpacketData::SignatureCreationTime(created),
            SubpacketData::IssuerFingerprint(secret.fingerprint()),
            SubpacketData::KeyFlags(flags),
            SubpacketData::IsPrimary(true),
        ])?;
        config.unhashed_subpackets =
            subpackets(vec![SubpacketData::IssuerKeyId(secret.legacy_key_id())])?;
        let self_sig = config
            .sign_certification(&secret, &public, &Password::empty(), Tag::UserId, &uid)
            .map_err(|e| pgp_error("could not self-sign the signing key", e))?;
        let fingerprint = hex_upper(secret.fingerprint().as_bytes());
        Ok(Self {
            secret,
            user: uid.into_signed(self_sig),
            fingerprint,
        })
    }

    /// A v4 binary-document signature over `data` made at `at`.
    fn sign_at(&self, data: &[u8], at: Timestamp) -> Result<Signature> {
        let mut config =
            SignatureConfig::v4(SignatureType::Binary, PublicKeyAlgorithm::EdDSALegacy, HASH);
        config.hashed_subpackets = subpackets(vec![
            SubpacketData::SignatureCreationTime(at),
            SubpacketData::IssuerFingerprint(self.secret.fingerprint()),
        ])?;
        config.unhashed_subpackets = subpackets(vec![SubpacketData::IssuerKeyId(
            self.secret.legacy_key_id(),
        )])?;
        config
            .sign(&self.secret, &Password::empty(), data)
            .map_err(|e| pgp_error("could not sign", e))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Verifies a detached ASCII-armored signature over `data` against an ASCII-armored public key, as made by
/// [`SigningKey::sign_detached`] and [`SigningKey::public_armored`], and returns the signer's fingerprint
/// (40 uppercase hex digits). For `evident-cli verify-pack`: no GnuPG needed.
///
/// Accepted: one v4 Ed25519 ("EdDSA legacy") key with a valid self-signature, and one v4 binary-document
/// signature (SHA-256, SHA-384 or SHA-512) by that key, made no earlier than the key. Errors: a key or
/// signature that cannot be read, or is of another kind, is [`ErrorKind::InvalidInput`]; a signature by
/// another key, or one that does not match the data, is [`ErrorKind::Integrity`].
pub fn verify_detached(
    public_armored: &str,
    data: &[u8],
    signature_armored: &str,
) -> Result<String> {
    let key = read_public(public_armored)?;
    let primary = &key.primary_key;
    let fingerprint = hex_upper(primary.fingerprint().as_bytes());

    let (mut sigs, _) = DetachedSignature::from_armor_many(signature_armored.as_bytes())
        .map_err(|e| unreadable("the signature is not a readable OpenPGP signature", e))?;
    let sig = match (sigs.next(), sigs.next()) {
        (Some(Ok(sig)), None) => sig.signature,
        (Some(Err(e)), _) => {
            return Err(unreadable(
                "the signature is not a readable OpenPGP signature",
                e,
            ))
        }
        (None, _) => return Err(Error::invalid("the signature file holds no signature")),
        (Some(Ok(_)), Some(_)) => {
            return Err(Error::invalid(
                "the signature file holds more than one signature",
            ))
        }
    };
    if sig.version() != SignatureVersion::V4 || sig.typ() != Some(SignatureType::Binary) {
        return Err(Error::invalid(
            "the signature is not an OpenPGP v4 signature of a binary document",
        ));
    }
    if !matches!(
        sig.hash_alg(),
        Some(HashAlgorithm::Sha256 | HashAlgorithm::Sha384 | HashAlgorithm::Sha512)
    ) {
        return Err(Error::invalid(
            "the signature uses a hash other than SHA-256, SHA-384 or SHA-512",
        ));
    }

    let by_fpr = sig.issuer_fingerprint();
    let by_id = sig.issuer_key_id();
    let other_issuer = by_fpr
        .iter()
        .any(|f| f.as_bytes() != primary.fingerprint().as_bytes())
        || by_id.iter().any(|id| **id != primary.legacy_key_id());
    if other_issuer || (by_fpr.is_empty() && by_id.is_empty()) {
        let who = by_fpr
            .first()
            .map(|f| hex_upper(f.as_bytes()))
            .or_else(|| by_id.first().map(|id| hex_upper(id.as_ref())))
            .unwrap_or_else(|| "an unnamed key".to_owned());
        return Err(Error::integrity(format!(
            "the signature was made by another key ({who}), not by the key {fingerprint}"
        )));
    }

    let created = sig
        .created()
        .ok_or_else(|| Error::invalid("the signature has no creation time"))?;
    sig.verify(primary, data).map_err(|e| {
        Error::integrity(format!(
            "the signature by {fingerprint} does not match the signed file: the file was changed after it \
             was signed, or the signature is damaged"
        ))
        .with_source(e)
    })?;
    if created.as_secs() < primary.created_at().as_secs() {
        return Err(Error::integrity(
            "the signature is dated before its key was created",
        ));
    }
    Ok(fingerprint)
}

/// The fingerprint (40 uppercase hex digits) of an ASCII-armored public key as accepted by
/// [`verify_detached`]: one v4 Ed25519 key whose self-signature is valid.
pub fn public_fingerprint(public_armored: &str) -> Result<String> {
    let key = read_public(public_armored)?;
    Ok(hex_upper(key.primary_key.fingerprint().as_bytes()))
}

/// A fingerprint (40 hex digits) in the form people read: ten groups of four, two spaces in the middle, as
/// `gpg` prints it. Other lengths are grouped by four with single spaces.
pub fn spaced_fingerprint(hex: &str) -> String {
    let chars: Vec<char> = hex.chars().collect();
    let mut out = String::with_capacity(hex.len() + hex.len() / 4 + 1);
    for (i, group) in chars.chunks(4).enumerate() {
        if i > 0 {
            out.push(' ');
            if chars.len() == 40 && i == 5 {
                out.push(' ');
            }
        }
        out.extend(group);
    }
    out
}

/// Reads one armored v4 EdDSA public key and checks its self-signatures.
fn read_public(public_armored: &str) -> Result<SignedPublicKey> {
    let (mut keys, _) = SignedPublicKey::from_armor_many(public_armored.as_bytes())
        .map_err(|e| unreadable("the public key is not a readable OpenPGP public key", e))?;
    let key = match (keys.next(), keys.next()) {
        (Some(Ok(key)), None) => key,
        (Some(Err(e)), _) => {
            return Err(unreadable(
                "the public key is not a readable OpenPGP public key",
                e,
            ))
        }
        (None, _) => return Err(Error::invalid("the public key file holds no key")),
        (Some(Ok(_)), Some(_)) => {
            return Err(Error::invalid(
                "the public key file holds more than one key",
            ))
        }
    };
    let primary = &key.primary_key;
    let ed25519 = matches!(
        primary.public_params(),
        PublicParams::EdDSALegacy(EddsaLegacyPublicParams::Ed25519 { .. })
    );
    if primary.version() != KeyVersion::V4
        || primary.algorithm() != PublicKeyAlgorithm::EdDSALegacy
        || !ed25519
    {
        return Err(Error::invalid(
            "the public key is not an OpenPGP v4 Ed25519 key",
        ));
    }
    if key.details.users.is_empty() {
        return Err(Error::invalid("the public key has no self-signed user ID"));
    }
    key.verify_bindings().map_err(|e| {
        Error::integrity("the public key's self-signature is not valid").with_source(e)
    })?;
    Ok(key)
}

/// An OpenPGP timestamp (u32 seconds since 1970) from a time; sub-seconds are dropped.
fn timestamp(t: DateTime<Utc>, what: &str) -> Result<Timestamp> {
    u32::try_from(t.timestamp())
        .map(Timestamp::from_secs)
        .map_err(|_| {
            Error::invalid(format!(
                "{what} is outside 1970–2106, which OpenPGP cannot record"
            ))
        })
}

/// A user ID: 1 to 255 bytes of text without control characters (it is printed by `gpg`).
fn check_user_id(user_id: &str) -> Result<()> {
    if user_id.trim().is_empty() || user_id.len() > MAX_USER_ID {
        return Err(Error::invalid(format!(
            "a signing key's user ID must be 1 to {MAX_USER_ID} bytes"
        )));
    }
    if user_id.chars().any(char::is_control) {
        return Err(Error::invalid(
            "a signing key's user ID cannot contain control characters",
        ));
    }
    Ok(())
}

/// Regular (non-critical) subpackets.
fn subpackets(data: Vec<SubpacketData>) -> Result<Vec<Subpacket>> {
    data.into_iter()
        .map(|d| Subpacket::regular(d).map_err(|e| pgp_error("could not build a signature", e)))
        .collect()
}

fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

fn pgp_error(what: &str, e: pgp::errors::Error) -> Error {
    Error::internal(format!("{what}: {e}")).with_source(e)
}

fn unreadable(what: &str, e: pgp::errors::Error) -> Error {
    Error::new(ErrorKind::InvalidInput, what).with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }

    const UID: &str = "Evident diary <no-reply@evident.invalid>";
    const T0: i64 = 1_750_000_000;

    fn key() -> Result<SigningKey> {
        SigningKey::generate(UID, at(T0))
    }

    #[test]
    fn signs_and_verifies() -> Result<()> {
        let k = key()?;
        let public = k.public_armored()?;
        assert!(public.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        let sig = k.sign_detached(b"hello\n", at(T0 + 60))?;
        assert!(sig.starts_with("-----BEGIN PGP SIGNATURE-----"));
        assert_eq!(verify_detached(&public, b"hello\n", &sig)?, k.fingerprint());
        assert_eq!(public_fingerprint(&public)?, k.fingerprint());
        Ok(())
    }

    #[test]
    fn changed_data_fails() -> Result<()> {
        let k = key()?;
        let sig = k.sign_detached(b"hello\n", at(T0))?;
        let err = verify_detached(&k.public_armored()?, b"hellp\n", &sig).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Integrity));
        Ok(())
    }

    #[test]
    fn another_key_fails() -> Result<()> {
        let (a, b) = (key()?, key()?);
        assert_ne!(a.fingerprint(), b.fingerprint());
        let sig = b.sign_detached(b"data", at(T0))?;
        let err = verify_detached(&a.public_armored()?, b"data", &sig).err();
        assert_eq!(err.as_ref().map(|e| e.kind()), Some(ErrorKind::Integrity));
        assert!(err
            .map(|e| e.message().contains("another key"))
            .unwrap_or(false));
        Ok(())
    }

    #[test]
    fn secret_bytes_round_trip_to_identical_public_key() -> Result<()> {
        let k = key()?;
        let bytes = k.to_secret_bytes();
        let back = SigningKey::from_secret_bytes(&bytes)?;
        assert_eq!(back.public_armored()?, k.public_armored()?);
        assert_eq!(back.fingerprint(), k.fingerprint());
        assert_eq!(back.user_id(), UID);
        assert_eq!(back.created(), at(T0));
        // Same data, same time, same key: the same signature (Ed25519 is deterministic).
        assert_eq!(
            back.sign_detached(b"x", at(T0 + 5))?,
            k.sign_detached(b"x", at(T0 + 5))?
        );
        // And the public key is stable call after call.
        assert_eq!(k.public_armored()?, k.public_armored()?);
        Ok(())
    }

    #[test]
    fn damaged_secret_bytes_are_refused() -> Result<()> {
        let k = key()?;
        let bytes = k.to_secret_bytes();
        assert!(SigningKey::from_secret_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(SigningKey::from_secret_bytes(b"").is_err());
        let mut wrong_magic = bytes.to_vec();
        wrong_magic[0] ^= 1;
        assert!(SigningKey::from_secret_bytes(&wrong_magic).is_err());
        let mut long = bytes.to_vec();
        long.push(b'x');
        assert!(SigningKey::from_secret_bytes(&long).is_err());
        Ok(())
    }

    #[test]
    fn fingerprint_forms() -> Result<()> {
        let k = key()?;
        let f = k.fingerprint();
        assert_eq!(f.len(), 40);
        assert!(f
            .chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)));
        let spaced = k.fingerprint_spaced();
        assert_eq!(spaced.len(), 50);
        assert_eq!(spaced.replace(' ', ""), f);
        assert_eq!(&spaced[24..26], "  ");
        assert_eq!(
            spaced_fingerprint("0123456789ABCDEF0123456789ABCDEF01234567"),
            "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567"
        );
        Ok(())
    }

    #[test]
    fn debug_shows_no_secret() -> Result<()> {
        let k = key()?;
        let dbg = format!("{k:?}");
        assert!(dbg.contains(&k.fingerprint()));
        let bytes = k.to_secret_bytes();
        let seed = &bytes[SECRET_MAGIC.len()..SECRET_MAGIC.len() + SEED_LEN];
        let seed_hex = hex::encode(seed);
        assert!(!dbg.to_lowercase().contains(&seed_hex));
        assert!(!format!("{k:#?}").to_lowercase().contains(&seed_hex));
        assert!(!dbg.contains("secret"));
        Ok(())
    }

    #[test]
    fn key_material_is_zeroized_on_drop() {
        fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroize_on_drop::<SecretKey>();
        zeroize_on_drop::<PlainSecretParams>();
    }

    #[test]
    fn bad_inputs_are_refused() -> Result<()> {
        assert!(SigningKey::generate("", at(T0)).is_err());
        assert!(SigningKey::generate("a\nb", at(T0)).is_err());
        assert!(SigningKey::generate(&"x".repeat(256), at(T0)).is_err());
        assert!(SigningKey::generate(UID, at(-1)).is_err());
        let k = key()?;
        // A signature dated before the key would be refused by GnuPG: refuse to make it.
        assert!(k.sign_detached(b"x", at(T0 - 1)).is_err());
        let public = k.public_armored()?;
        let sig = k.sign_detached(b"x", at(T0))?;
        assert_eq!(
            verify_detached("not a key", b"x", &sig)
                .err()
                .map(|e| e.kind()),
            Some(ErrorKind::InvalidInput)
        );
        assert_eq!(
            verify_detached(&public, b"x", "not a signature")
                .err()
                .map(|e| e.kind()),
            Some(ErrorKind::InvalidInput)
        );
        // A signature armored as a key, and the other way round.
        assert!(verify_detached(&sig, b"x", &public).is_err());
        Ok(())
    }

    #[test]
    fn armored_public_key_is_a_v4_eddsa_key() -> Result<()> {
        let k = key()?;
        let (public, _) = SignedPublicKey::from_armor_single(k.public_armored()?.as_bytes())
            .map_err(|e| pgp_error("parse", e))?;
        assert_eq!(public.primary_key.version(), KeyVersion::V4);
        assert_eq!(
            public.primary_key.algorithm(),
            PublicKeyAlgorithm::EdDSALegacy
        );
        assert_eq!(public.primary_key.created_at().as_secs(), T0 as u32);
        assert_eq!(public.details.users.len(), 1);
        let self_sig = &public.details.users[0].signatures[0];
        assert_eq!(self_sig.typ(), Some(SignatureType::CertPositive));
        assert_eq!(self_sig.created().map(|t| t.as_secs()), Some(T0 as u32));
        Ok(())
    }
}
