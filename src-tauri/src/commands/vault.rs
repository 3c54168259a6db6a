//! Getting in and keys: status, create, unlock (passphrase, remembered, recovery key), lock, remember or
//! forget this device, change passphrase, save the recovery key to a file, and the reference data.

use evident_core::reference::Reference;
use evident_core::ErrorKind;
use evident_core::{Passphrase, RecoveryKey, Vault};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use super::dialog::on_main_thread;
use super::verify::IntegrityView;
use crate::anchoring;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// What the UI needs to know to choose its first screen, and the integrity status.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VaultStatus {
    /// A vault exists in the folder.
    pub exists: bool,
    /// "Remember on this device" is on (the keychain may still refuse).
    pub remembered: bool,
    /// The vault is open.
    pub unlocked: bool,
    /// The vault folder.
    pub dir: String,
    /// Integrity: the check at unlock, or the last full verify.
    pub integrity: Option<IntegrityView>,
    /// Something the person should know (e.g. the keychain could not remember the key).
    pub notice: Option<String>,
}

/// A new vault and its recovery key (shown once).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Created {
    /// The recovery key, formatted for writing down.
    pub recovery_key: String,
    /// Status after creation (unlocked).
    pub status: VaultStatus,
}

/// Current status.
pub fn status_of(state: &AppState, notice: Option<String>) -> VaultStatus {
    VaultStatus {
        exists: Vault::exists(&state.dir),
        remembered: Vault::is_remembered(&state.dir),
        unlocked: state.is_unlocked(),
        dir: state.dir.display().to_string(),
        integrity: state.integrity(),
        notice,
    }
}

fn passphrase(s: String) -> IpcResult<Passphrase> {
    if s.is_empty() {
        return Err(IpcError::invalid("type your passphrase"));
    }
    Ok(Passphrase::new(s))
}

/// Whether a vault exists, is remembered, is unlocked; integrity.
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> IpcResult<VaultStatus> {
    Ok(status_of(&state, None))
}

/// Creates a vault with `passphrase`; returns the recovery key once.
#[tauri::command]
pub async fn vault_create<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> IpcResult<Created> {
    let p = self::passphrase(passphrase)?;
    let (vault, key) = Vault::create(&state.dir, &p)?;
    state.set_vault(vault);
    anchoring::start(&app);
    Ok(Created {
        recovery_key: key.expose_display(),
        status: status_of(&state, None),
    })
}

/// Unlocks with the passphrase; `remember` keeps the key in this device's keychain.
#[tauri::command]
pub async fn vault_unlock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
    remember: bool,
) -> IpcResult<VaultStatus> {
    let p = self::passphrase(passphrase)?;
    let mut vault = Vault::open(&state.dir, &p)?;
    let mut notice = None;
    if remember {
        if let Err(e) = vault.remember_on_device() {
            notice = Some(format!(
                "Unlocked, but this device could not remember the key: {}",
                e.message()
            ));
        }
    }
    state.set_vault(vault);
    anchoring::start(&app);
    Ok(status_of(&state, notice))
}

/// Unlocks with the key remembered in the keychain.
#[tauri::command]
pub async fn vault_unlock_remembered<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<VaultStatus> {
    let vault = Vault::open_remembered(&state.dir)?;
    state.set_vault(vault);
    anchoring::start(&app);
    Ok(status_of(&state, None))
}

/// Unlocks with the recovery key and sets a new passphrase.
#[tauri::command]
pub async fn vault_recover<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    recovery_key: String,
    new_passphrase: String,
) -> IpcResult<VaultStatus> {
    let key = RecoveryKey::parse(&recovery_key)?;
    let p = passphrase(new_passphrase)?;
    let mut vault = Vault::open_with_recovery(&state.dir, &key)?;
    vault.change_passphrase(&p)?;
    state.set_vault(vault);
    anchoring::start(&app);
    Ok(status_of(&state, None))
}

/// Locks: closes the vault and forgets its key. First, when network anchoring is on and something is not
/// time-stamped yet, tries to time-stamp it, for at most a few seconds: the lock happens whatever the answer.
#[tauri::command]
pub async fn vault_lock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<()> {
    let handle = app.clone();
    let _ = tauri::async_runtime::spawn_blocking(move || {
        anchoring::attempt_within(&handle, anchoring::BUDGET)
    })
    .await;
    state.lock();
    Ok(())
}

/// Stops remembering the key on this device.
#[tauri::command]
pub async fn vault_forget_device(state: State<'_, AppState>) -> IpcResult<()> {
    state.with_vault(|v| v.forget_on_device())
}

/// Changes the passphrase.
#[tauri::command]
pub async fn vault_change_passphrase(
    state: State<'_, AppState>,
    passphrase: String,
) -> IpcResult<()> {
    let p = self::passphrase(passphrase)?;
    state.with_vault(|v| v.change_passphrase(&p))
}

/// Saves the recovery key to a text file chosen in the native save dialog. Returns the path, or null
/// when the person cancelled. (Writing this file is what the person asked for.)
#[tauri::command]
pub async fn vault_save_recovery_key<R: Runtime>(
    app: AppHandle<R>,
    recovery_key: String,
) -> IpcResult<Option<String>> {
    // Check its shape so nothing else can be written through this command.
    let key = RecoveryKey::parse(&recovery_key)?;
    let path = on_main_thread(&app, || {
        rfd::FileDialog::new()
            .set_title("Save your Evident recovery key")
            .set_file_name("evident-recovery-key.txt")
            .save_file()
    })?;
    let Some(path) = path else { return Ok(None) };
    let text = format!(
        "Evident recovery key\n\n{}\n\nThis key opens your Evident vault if you forget your passphrase.\n\
         Keep it somewhere safe, away from the computer that holds the vault.\n",
        key.expose_display()
    );
    std::fs::write(&path, text).map_err(|e| {
        IpcError::new(
            ErrorKind::WriteFailed,
            format!("could not write {}: {e}", path.display()),
            Some("Choose another place, such as a USB stick."),
        )
    })?;
    Ok(Some(path.display().to_string()))
}

/// Kinds, channels, red flags and possible offences.
#[tauri::command]
pub async fn reference_data() -> IpcResult<Reference> {
    Ok(evident_core::reference::reference().clone())
}
