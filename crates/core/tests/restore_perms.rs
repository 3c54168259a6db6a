//! A restored vault is as private as a new one: the folder 0700 and every file in it 0600, whatever the umask
//! and whatever the folder's mode was before (real SQLCipher vault, real backup file).
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use evident_core::{Secret, Vault};

fn mode(p: &Path) -> std::io::Result<u32> {
    Ok(std::fs::metadata(p)?.permissions().mode() & 0o7777)
}

fn assert_private(dir: &Path) -> TestResult {
    assert_eq!(
        mode(dir)?,
        0o700,
        "{} is private to its owner",
        dir.display()
    );
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            assert_eq!(
                mode(&entry.path())?,
                0o600,
                "{} is readable and writable by its owner only",
                entry.path().display()
            );
            files.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    files.sort();
    for f in ["evident.db", "keys.json"] {
        assert!(files.iter().any(|n| n == f), "{f} in {files:?}");
    }
    Ok(())
}

#[test]
fn a_restored_vault_is_private() -> TestResult {
    // A permissive umask: without the restore setting modes itself, files would be 0664 and folders 0775.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o002));
    let mut t = temp_vault()?;
    t.vault
        .record_incident(fields("Shouted at me outside the library"), &[])?;
    let file = t.tmp.path().join("backup.evidentbackup");
    t.vault.backup_to(&file)?;

    // Into a new folder.
    let fresh = t.tmp.path().join("restored");
    let (mut v, report) = Vault::restore(&file, &fresh, &Secret::guess(PASS.into()))?;
    assert!(report.ok, "the restored vault verifies");
    assert_private(&fresh)?;
    // Still private once the restored vault has been written to (WAL, head).
    v.record_incident(fields("Followed me to the car park"), &[])?;
    drop(v);
    assert_eq!(mode(&fresh)?, 0o700);

    // Into an existing empty folder that was open to everyone.
    let open = t.tmp.path().join("open-folder");
    std::fs::create_dir(&open)?;
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777))?;
    let (v2, _) = Vault::restore(&file, &open, &Secret::guess(t.recovery.expose_display()))?;
    assert_private(&open)?;
    drop(v2);
    Ok(())
}
