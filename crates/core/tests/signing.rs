//! The vault's OpenPGP signing key against real GnuPG (2.2 here): its armored public key imports, its detached
//! signatures verify with `gpg --verify`, GnuPG names the same fingerprint, and a changed byte or another key's
//! signature fails, in gpg and in `verify_detached` alike. Each test uses its own temporary GNUPGHOME.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use evident_core::signing::{public_fingerprint, verify_detached, SigningKey};
use evident_core::ErrorKind;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

const UID: &str = "Evident diary <no-reply@evident.invalid>";

fn at(secs: i64) -> R<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| "bad time".into())
}

/// A throwaway GnuPG home holding only the public keys imported into it.
struct Gpg {
    dir: tempfile::TempDir,
}

/// What one gpg run said.
struct Run {
    ok: bool,
    code: Option<i32>,
    /// The human-readable lines (stderr).
    said: String,
    /// The machine-readable status lines (`--status-fd 1`).
    status: String,
}

impl Gpg {
    fn new() -> R<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        // GnuPG wants its home private (it warns otherwise).
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
        Ok(Self { dir })
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> R<PathBuf> {
        let p = self.home().join(name);
        std::fs::write(&p, bytes)?;
        Ok(p)
    }

    fn run(&self, args: &[&std::ffi::OsStr]) -> R<Run> {
        let out: Output = Command::new("gpg")
            .arg("--homedir")
            .arg(self.home())
            .args(["--batch", "--no-autostart", "--status-fd", "1"])
            .args(args)
            .env("LC_ALL", "C")
            .env("LANGUAGE", "C")
            .output()
            .map_err(|e| format!("gpg cannot be run (apt package gnupg): {e}"))?;
        Ok(Run {
            ok: out.status.success(),
            code: out.status.code(),
            said: String::from_utf8_lossy(&out.stderr).into_owned(),
            status: String::from_utf8_lossy(&out.stdout).into_owned(),
        })
    }

    fn import(&self, armored: &str) -> R<Run> {
        let p = self.file("import.asc", armored.as_bytes())?;
        let run = self.run(&["--import".as_ref(), p.as_os_str()])?;
        if !run.ok {
            return Err(format!("gpg --import failed: {}", run.said).into());
        }
        Ok(run)
    }

    fn verify(&self, signature: &str, data: &[u8]) -> R<Run> {
        let sig = self.file("SHA256SUMS.asc", signature.as_bytes())?;
        let data = self.file("SHA256SUMS", data)?;
        self.run(&["--verify".as_ref(), sig.as_os_str(), data.as_os_str()])
    }
}

/// The fingerprint in gpg's `VALIDSIG` status line (the signing key's; for a primary key, the key's).
fn validsig_fingerprint(status: &str) -> Option<String> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("[GNUPG:] VALIDSIG "))
        .and_then(|rest| rest.split(' ').next())
        .map(str::to_owned)
}

fn sums() -> Vec<u8> {
    b"3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea  report.pdf\n\
      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  incidents.csv\n"
        .to_vec()
}

#[test]
fn gpg_verifies_a_good_signature_and_names_the_same_fingerprint() -> R {
    let key = SigningKey::generate(UID, at(1_760_000_000)?)?;
    let gpg = Gpg::new()?;
    let imported = gpg.import(&key.public_armored()?)?;
    println!("gpg --import:\n{}", imported.said.trim_end());

    // GnuPG sees a v4 EdDSA (algorithm 22) ed25519 key with our fingerprint and user ID.
    let list = gpg.run(&["--with-colons".as_ref(), "--list-keys".as_ref()])?;
    let listing = &list.status;
    assert!(list.ok);
    let pub_line = listing
        .lines()
        .find(|l| l.starts_with("pub:"))
        .ok_or("no pub line")?;
    let fields: Vec<&str> = pub_line.split(':').collect();
    assert_eq!(fields[3], "22", "public-key algorithm: {pub_line}");
    assert_eq!(fields[16], "ed25519", "curve: {pub_line}");
    assert_eq!(fields[5], "1760000000", "creation time: {pub_line}");
    let fpr_line = listing
        .lines()
        .find(|l| l.starts_with("fpr:"))
        .ok_or("no fpr line")?;
    assert_eq!(fpr_line.split(':').nth(9), Some(key.fingerprint().as_str()));
    assert!(listing.contains(&format!(":{UID}:")), "{listing}");

    let data = sums();
    let sig = key.sign_detached(&data, at(1_760_000_100)?)?;
    let run = gpg.verify(&sig, &data)?;
    println!("gpg --verify (good):\n{}", run.said.trim_end());
    assert!(run.ok, "exit {:?}: {}", run.code, run.said);
    assert!(run
        .said
        .contains("Good signature from \"Evident diary <no-reply@evident.invalid>\""));
    assert!(run.status.contains("[GNUPG:] GOODSIG "));
    assert_eq!(validsig_fingerprint(&run.status), Some(key.fingerprint()));
    // gpg's own display form of the fingerprint is ours.
    assert!(
        run.said.contains(&format!(
            "Primary key fingerprint: {}",
            key.fingerprint_spaced()
        )),
        "{}",
        run.said
    );
    // The same, without gpg.
    assert_eq!(
        verify_detached(&key.public_armored()?, &data, &sig)?,
        key.fingerprint()
    );
    Ok(())
}

#[test]
fn a_changed_byte_fails_in_gpg_and_in_verify_detached() -> R {
    let key = SigningKey::generate(UID, at(1_760_000_000)?)?;
    let gpg = Gpg::new()?;
    gpg.import(&key.public_armored()?)?;
    let data = sums();
    let sig = key.sign_detached(&data, at(1_760_000_100)?)?;
    let mut changed = data.clone();
    changed[0] ^= 0x01;

    let run = gpg.verify(&sig, &changed)?;
    println!("gpg --verify (changed byte):\n{}", run.said.trim_end());
    assert!(!run.ok);
    assert!(run.said.contains("BAD signature"), "{}", run.said);
    assert!(run.status.contains("[GNUPG:] BADSIG "));

    let err = verify_detached(&key.public_armored()?, &changed, &sig).err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Integrity));
    Ok(())
}

#[test]
fn another_keys_signature_fails_in_gpg_and_in_verify_detached() -> R {
    let ours = SigningKey::generate(UID, at(1_760_000_000)?)?;
    let theirs = SigningKey::generate(UID, at(1_760_000_000)?)?;
    let gpg = Gpg::new()?;
    gpg.import(&ours.public_armored()?)?;
    let data = sums();
    let forged = theirs.sign_detached(&data, at(1_760_000_100)?)?;

    let run = gpg.verify(&forged, &data)?;
    println!("gpg --verify (another key):\n{}", run.said.trim_end());
    assert!(!run.ok);
    assert!(run.said.contains("No public key"), "{}", run.said);
    assert!(run.status.contains("[GNUPG:] NO_PUBKEY "));
    assert!(!run.status.contains("GOODSIG"));

    let err = verify_detached(&ours.public_armored()?, &data, &forged).err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Integrity));
    // Against its own key it is good, of course: it is the key that matters.
    assert_eq!(
        verify_detached(&theirs.public_armored()?, &data, &forged)?,
        theirs.fingerprint()
    );
    Ok(())
}

#[test]
fn a_key_restored_from_its_secret_bytes_is_the_same_key_for_gpg() -> R {
    let created = Utc::now();
    let key = SigningKey::generate(UID, created)?;
    let stored = key.to_secret_bytes();
    let restored = SigningKey::from_secret_bytes(&stored)?;
    assert_eq!(restored.public_armored()?, key.public_armored()?);
    assert_eq!(restored.fingerprint(), key.fingerprint());
    assert_eq!(
        public_fingerprint(&restored.public_armored()?)?,
        key.fingerprint()
    );

    // The original's public key in gpg; a signature by the restored key verifies against it.
    let gpg = Gpg::new()?;
    gpg.import(&key.public_armored()?)?;
    let data = sums();
    let sig = restored.sign_detached(&data, Utc::now())?;
    let run = gpg.verify(&sig, &data)?;
    assert!(run.ok, "exit {:?}: {}", run.code, run.said);
    assert_eq!(validsig_fingerprint(&run.status), Some(key.fingerprint()));

    // Debug shows the fingerprint and nothing of the secret.
    let dbg = format!("{restored:?} {key:#?}");
    assert!(dbg.contains(&key.fingerprint()));
    let secret_hex: String = stored.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!dbg.to_lowercase().contains(&secret_hex[16..80]));
    Ok(())
}
