//! The `backup` and `restore` verbs: the vault to and from one encrypted file.

use std::path::{Path, PathBuf};

use evident_core::{Secret, Vault};

use crate::shared::{integrity, open, Fail, Secrets};

/// Options of `backup`.
#[derive(clap::Args)]
pub struct BackupArgs {
    /// Backup file to create.
    file: PathBuf,
}

/// Options of `restore`.
#[derive(clap::Args)]
pub struct RestoreArgs {
    /// Backup file.
    file: PathBuf,
}

/// `backup`: writes the backup file and prints its size.
pub fn backup(a: BackupArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let v = open(dir, secrets)?;
    let n = v.backup_to(&a.file)?;
    println!(
        "backup written to {} ({n} bytes of encrypted database)",
        a.file.display()
    );
    Ok(())
}

/// `restore`: reads the passphrase or recovery key, restores into `dir` and verifies; exit 2 if the check fails.
pub fn restore(a: RestoreArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let s = secrets.read("Passphrase or recovery key: ")?;
    let (_v, report) = Vault::restore(&a.file, dir, &Secret::guess(s))?;
    if !report.ok {
        return Err(integrity(format!(
            "restored, but the check failed: {}",
            report
                .problems
                .first()
                .map(|p| p.message.as_str())
                .unwrap_or("")
        )));
    }
    println!(
        "restored to {} and verified: {} entries",
        dir.display(),
        report.entries
    );
    Ok(())
}
