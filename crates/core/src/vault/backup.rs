//! Backup and restore: one encrypted file holding the key file and an encrypted copy of the database.
//! Restoring needs only that file and the passphrase or recovery key, and never overwrites a vault unasked.
//!
//! Backup file layout: `EVIDENT-BACKUP-1\n`, then the key file's length (u64, big-endian) and bytes, then the
//! SQLCipher database (same data key, so the key slots still fit).

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::{KeyFile, Secret, SlotKind};
use crate::vault::{Vault, DB_FILE, KEY_FILE};

const MAGIC: &[u8] = b"EVIDENT-BACKUP-1\n";

impl Vault {
    /// Writes a backup of this open vault to `dest` (a new file; an existing file is not overwritten).
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        if dest.exists() {
            return Err(Error::new(
                ErrorKind::VaultExists,
                format!("{} already exists", dest.display()),
            )
            .with_hint("Choose a new file name for the backup."));
        }
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp_db = dir.join(format!(
            ".evident-backup-{}.db",
            crate::journal::random_hex16()?
        ));
        // sqlcipher_export writes an encrypted copy with the same key: never a plaintext temp file.
        let attach = zeroize::Zeroizing::new(format!(
            "ATTACH DATABASE '{}' AS backup KEY \"x'{}'\"; PRAGMA backup.cipher_page_size = {};",
            tmp_db.to_string_lossy().replace('\'', "''"),
            hex::encode(self.key.bytes()),
            crate::vault::PAGE_SIZE
        ));
        let result = (|| -> Result<u64> {
            self.conn.execute_batch(&attach)?;
            let export = self
                .conn
                .query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))
                .map_err(Error::from)
                .and_then(|()| {
                    // sqlcipher_export copies tables, not the schema version.
                    let version: i64 =
                        self.conn
                            .query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
                    self.conn
                        .execute_batch(&format!("PRAGMA backup.user_version = {version};"))?;
                    Ok(())
                });
            let _ = self.conn.execute_batch("DETACH DATABASE backup;");
            export?;
            let keys = KeyFile {
                slots: self
                    .keys
                    .slots
                    .iter()
                    .filter(|s| s.kind != SlotKind::Device)
                    .cloned()
                    .collect(),
                ..self.keys.clone()
            }
            .to_bytes()?;
            let tmp_out = dir.join(format!(
                ".evident-backup-{}.part",
                crate::journal::random_hex16()?
            ));
            let mut out =
                std::fs::File::create(&tmp_out).map_err(|e| Error::write(&tmp_out, &e))?;
            let mut db = std::fs::File::open(&tmp_db).map_err(|e| Error::read(&tmp_db, &e))?;
            let w = (|| -> std::io::Result<u64> {
                out.write_all(MAGIC)?;
                out.write_all(&(keys.len() as u64).to_be_bytes())?;
                out.write_all(&keys)?;
                let n = std::io::copy(&mut db, &mut out)?;
                out.sync_all()?;
                Ok(n)
            })();
            let n = match w {
                Ok(n) => n,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp_out);
                    return Err(Error::write(dest, &e));
                }
            };
            std::fs::rename(&tmp_out, dest).map_err(|e| Error::write(dest, &e))?;
            crate::fsutil::sync_dir(dir);
            Ok(n)
        })();
        let _ = std::fs::remove_file(&tmp_db);
        result
    }

    /// Restores the backup in `file` into a new vault folder `dest` (which must not hold a vault), checking it
    /// with `secret` (passphrase or recovery key). Returns the restored vault, unlocked and fully verified.
    pub fn restore(
        file: &Path,
        dest: &Path,
        secret: &Secret,
    ) -> Result<(Vault, super::verify::VerifyReport)> {
        if Vault::exists(dest) || dest.join(KEY_FILE).exists() || dest.join(DB_FILE).exists() {
            return Err(Error::new(
                ErrorKind::VaultExists,
                format!("a vault already exists at {}", dest.display()),
            )
            .with_hint("Restore into a new folder, or move the existing vault away first."));
        }
        let mut f = std::fs::File::open(file).map_err(|e| Error::read(file, &e))?;
        let bad = || {
            Error::new(
                ErrorKind::Integrity,
                format!(
                    "{} is not an Evident backup, or it is damaged",
                    file.display()
                ),
            )
        };
        let mut magic = vec![0u8; MAGIC.len()];
        f.read_exact(&mut magic).map_err(|_| bad())?;
        if magic != MAGIC {
            return Err(bad());
        }
        let mut len = [0u8; 8];
        f.read_exact(&mut len).map_err(|_| bad())?;
        let len = u64::from_be_bytes(len);
        if len > 1024 * 1024 {
            return Err(bad());
        }
        let mut keys = vec![0u8; len as usize];
        f.read_exact(&mut keys).map_err(|_| bad())?;
        let kf: KeyFile = serde_json::from_slice(&keys).map_err(|_| bad())?;
        // Check the secret before writing anything.
        kf.unwrap_secret(secret)?;
        std::fs::create_dir_all(dest).map_err(|e| Error::write(dest, &e))?;
        // As private as a new vault: the folder 0700, and (on Unix) every file in it 0600.
        crate::fsutil::private_dir(dest);
        let db_path = dest.join(DB_FILE);
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let mut out = open
            .open(&db_path)
            .map_err(|e| Error::write(&db_path, &e))?;
        std::io::copy(&mut f, &mut out).map_err(|e| Error::write(&db_path, &e))?;
        out.sync_all().map_err(|e| Error::write(&db_path, &e))?;
        drop(out);
        kf.save(&dest.join(KEY_FILE))?;
        let v = Vault::open_secret(dest, secret)?;
        let report = v.verify(&mut |_| {})?;
        private_files(dest);
        Ok((v, report))
    }
}

/// Makes every file directly in `dir` readable and writable by its owner only (0600 on Unix; elsewhere the
/// platform's per-user data folder applies). Best effort, like `fsutil::private_dir`.
fn private_files(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
                let _ =
                    std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}
