//! The vault's signing key: an Ed25519 key (an OpenPGP v4 key, see `crate::signing`) made at the first export,
//! kept inside the encrypted database (a setting: never in the record, never on disk in the clear), and its
//! public key recorded in the chain as a `vault.signing_key` entry, where later anchors cover it. Every pack
//! from the same diary is signed by the same key, so a recipient can tell packs from one diary apart from a
//! forgery made with another key.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::Vault;
use crate::error::{Error, Result};
use crate::journal::EntryKind;
use crate::signing::SigningKey;

const SECRET: &str = "signing.secret";
/// The key's user ID: no personal data (the recipient learns the diarist's name from the pack itself).
const USER_ID: &str = "Evident diary signing key <diary@evident.invalid>";

/// Payload of `vault.signing_key` (docs/FORMAT.md §3).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SigningKeyPayload {
    /// The OpenPGP v4 fingerprint, 40 uppercase hex.
    pub fingerprint: String,
    /// The ASCII-armored public key.
    pub public_key: String,
}

impl Vault {
    /// The vault's signing key, made (and its public key recorded in the chain) the first time it is needed.
    pub fn signing_key(&mut self) -> Result<SigningKey> {
        if let Some(hex_secret) = self.setting(SECRET)? {
            let bytes = Zeroizing::new(
                hex::decode(hex_secret.as_bytes())
                    .map_err(|_| Error::integrity("the vault's signing key is damaged"))?,
            );
            return SigningKey::from_secret_bytes(&bytes);
        }
        let key = SigningKey::generate(USER_ID, crate::time::now_utc().0)?;
        let payload = SigningKeyPayload {
            fingerprint: key.fingerprint(),
            public_key: key.public_armored()?,
        };
        let secret = Zeroizing::new(hex::encode(&*key.to_secret_bytes()));
        // The secret and the entry that records its public key commit together.
        self.write(|w| {
            w.tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)",
                rusqlite::params![SECRET, secret.as_str()],
            )?;
            w.record(EntryKind::SigningKeyCreated, &payload)
        })?;
        Ok(key)
    }

    /// The fingerprint and armored public key recorded in the chain, if a signing key was made.
    pub fn signing_public_key(&self) -> Result<Option<(String, String)>> {
        let payload: Option<Vec<u8>> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT payload FROM journal WHERE kind = ?1 ORDER BY seq DESC LIMIT 1",
            [EntryKind::SigningKeyCreated.as_str()],
            |r| r.get(0),
        ))?;
        match payload {
            Some(p) => {
                let p: SigningKeyPayload = serde_json::from_slice(&p)?;
                Ok(Some((p.fingerprint, p.public_key)))
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Passphrase, Vault};

    #[test]
    fn made_once_recorded_in_the_chain_and_the_same_after_reopening(
    ) -> std::result::Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("v");
        let pass = Passphrase::new("correct horse battery staple".into());
        let fp = {
            let (mut v, _) = Vault::create(&dir, &pass)?;
            assert!(v.signing_public_key()?.is_none());
            let k = v.signing_key()?;
            let again = v.signing_key()?;
            assert_eq!(k.fingerprint(), again.fingerprint());
            let (fp, public) = v.signing_public_key()?.ok_or("recorded")?;
            assert_eq!(fp, k.fingerprint());
            assert_eq!(public, k.public_armored()?);
            assert_eq!(v.journal_entries(1)?.len(), 2, "one entry, once");
            assert!(v.verify(&mut |_| {})?.ok);
            fp
        };
        let mut v = Vault::open(&dir, &pass)?;
        assert_eq!(v.signing_key()?.fingerprint(), fp);
        let sig = v
            .signing_key()?
            .sign_detached(b"SHA256SUMS", crate::time::now_utc().0)?;
        let (_, public) = v.signing_public_key()?.ok_or("recorded")?;
        assert_eq!(
            crate::signing::verify_detached(&public, b"SHA256SUMS", &sig)?,
            fp
        );
        Ok(())
    }
}
