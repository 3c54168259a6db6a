//! Backup to a file chosen in the native save dialog, and restore from one chosen in the open dialog.
//! A restore never overwrites a vault: with none on this computer it restores in place; otherwise it
//! restores beside it, then swaps the folders and keeps the old vault, renamed, next to the new one.

use evident_core::ErrorKind;
use std::path::{Path, PathBuf};

use evident_core::{Passphrase, RecoveryKey, Secret, Vault};
use tauri::{AppHandle, Runtime, State};

use super::dialog::on_main_thread;
use super::vault::{status_of, VaultStatus};
use super::verify::IntegrityView;
use crate::anchoring;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string()
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vault".to_string());
    dir.with_file_name(format!("{name}.{suffix}"))
}

/// Saves an encrypted backup; returns its path, or null when cancelled.
#[tauri::command]
pub async fn backup_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<Option<String>> {
    if !state.is_unlocked() {
        return Err(IpcError::locked());
    }
    let name = format!(
        "evident-backup-{}.evidentbackup",
        chrono::Local::now().format("%Y-%m-%d")
    );
    let path = match super::dialog::test_answer(&app, Some(&name))? {
        Some(mut answer) => answer.pop(),
        None => on_main_thread(&app, move || {
            rfd::FileDialog::new()
                .set_title("Save an Evident backup")
                .set_file_name(name)
                .save_file()
        })?,
    };
    let Some(path) = path else { return Ok(None) };
    super::dialog::chosen(&app, std::slice::from_ref(&path));
    // The dialog already asked about replacing an existing file.
    if path.is_file() {
        std::fs::remove_file(&path).map_err(|e| {
            IpcError::new(
                ErrorKind::WriteFailed,
                format!("could not replace {}: {e}", path.display()),
                None,
            )
        })?;
    }
    state.with_vault(|v| v.backup_to(&path))?;
    Ok(Some(path.display().to_string()))
}

/// Restores a backup chosen in the open dialog, unlocking it with `secret` (the passphrase, or the
/// recovery key when `is_recovery_key`). Returns the new status, or null when cancelled.
#[tauri::command]
pub async fn backup_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    secret: String,
    is_recovery_key: bool,
) -> IpcResult<Option<VaultStatus>> {
    let secret = if is_recovery_key {
        Secret::Recovery(RecoveryKey::parse(&secret)?)
    } else if secret.is_empty() {
        return Err(IpcError::invalid("type the passphrase of the backup"));
    } else {
        Secret::Passphrase(Passphrase::new(secret))
    };
    let file = on_main_thread(&app, || {
        rfd::FileDialog::new()
            .set_title("Choose an Evident backup to restore")
            .pick_file()
    })?;
    let Some(file) = file else { return Ok(None) };
    super::dialog::chosen(&app, std::slice::from_ref(&file));
    restore_into(&state, &file, &secret)?;
    // Restored into an empty folder, the vault is open: time-stamping carries on for it.
    anchoring::start(&app);
    Ok(Some(status_of(&state, None)))
}

/// The restore itself (no dialog): used by the command and by tests.
pub fn restore_into(state: &AppState, file: &Path, secret: &Secret) -> IpcResult<()> {
    if !Vault::exists(&state.dir) {
        let (vault, report) = Vault::restore(file, &state.dir, secret)?;
        state.set_vault(vault);
        state.set_integrity(IntegrityView::from_report(&report));
        return Ok(());
    }
    let ts = stamp();
    let staging = sibling(&state.dir, &format!("restoring-{ts}"));
    let (vault, _report) = Vault::restore(file, &staging, secret)?;
    drop(vault);
    state.lock();
    let old = sibling(&state.dir, &format!("before-restore-{ts}"));
    std::fs::rename(&state.dir, &old).map_err(|e| {
        IpcError::new(
            ErrorKind::WriteFailed,
            format!("could not move the current vault aside: {e}"),
            Some(&format!("The restored copy is in {}.", staging.display())),
        )
    })?;
    std::fs::rename(&staging, &state.dir).map_err(|e| {
        IpcError::new(
            ErrorKind::WriteFailed,
            format!("could not put the restored vault in place: {e}"),
            Some(&format!(
                "Your previous vault is in {} and the restored one in {}.",
                old.display(),
                staging.display()
            )),
        )
    })?;
    Ok(())
}
