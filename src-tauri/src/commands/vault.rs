//! Getting in and keys: status, create, unlock (passphrase, remembered, recovery key), lock, remember or
//! forget this device, change passphrase, replace the recovery key, change all the keys (rekey), acknowledge an
//! integrity mark, save the recovery key to a file, and the reference data. Changing keys always asks for a
//! current secret (passphrase or recovery key) and checks it: never the key this window already holds.

use evident_core::reference::Reference;
use evident_core::vault::IntegrityMark;
use evident_core::ErrorKind;
use evident_core::{Passphrase, RecoveryKey, Secret, Vault};
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
    /// An integrity problem noticed at an earlier open and not yet acknowledged (vault unlocked only): shown at
    /// every unlock until the person acknowledges it with a reason.
    pub integrity_mark: Option<IntegrityMark>,
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

/// A recovery key saved to a file: where, and a calm warning when that place is not a safe one.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SavedRecoveryKey {
    /// The file written.
    pub path: String,
    /// Set when the file is on the same disk as the vault, or in the home folder: the person may want to keep
    /// it elsewhere. The file is saved either way.
    pub warning: Option<String>,
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
        integrity_mark: state.with_vault(|v| v.integrity_mark()).ok().flatten(),
    }
}

/// What an open did to an interrupted change of keys, added to `notice`.
fn with_key_notice(vault: &Vault, notice: Option<String>) -> Option<String> {
    let Some(k) = vault.key_notice() else {
        return notice;
    };
    let k = format!("Worth knowing: {}", k.message());
    Some(match notice {
        Some(n) => format!("{n} {k}"),
        None => k,
    })
}

/// The current passphrase or recovery key, as typed (a recovery key is recognised by its shape).
fn current_secret(s: String) -> IpcResult<Secret> {
    if s.trim().is_empty() {
        return Err(IpcError::invalid(
            "type your current passphrase or your recovery key",
        ));
    }
    Ok(Secret::guess(s))
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
    let mut notice = with_key_notice(&vault, None);
    if remember {
        if let Err(e) = vault.remember_on_device() {
            let n = format!(
                "Unlocked, but this device could not remember the key: {}",
                e.message()
            );
            notice = Some(match notice {
                Some(k) => format!("{n} {k}"),
                None => n,
            });
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
    // An integrity mark is in the status (`integrity_mark`), as after every unlock: the UI shows it before going
    // on, whichever way the vault was unlocked.
    let notice = with_key_notice(&vault, None);
    state.set_vault(vault);
    anchoring::start(&app);
    Ok(status_of(&state, notice))
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
    let notice = with_key_notice(&vault, None);
    state.set_vault(vault);
    anchoring::start(&app);
    Ok(status_of(&state, notice))
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

/// Changes the passphrase, once `current` (the current passphrase or the recovery key) is checked: `wrong_key`
/// otherwise. The recovery key and the data key stay as they are.
#[tauri::command]
pub async fn vault_change_passphrase(
    state: State<'_, AppState>,
    current: String,
    passphrase: String,
) -> IpcResult<()> {
    let current = current_secret(current)?;
    let p = self::passphrase(passphrase)?;
    state.with_vault(|v| v.change_passphrase_verified(&current, &p))
}

/// "Someone may know my passphrase or recovery key": once `current` is checked, re-encrypts the whole vault
/// under a new data key, sets the new passphrase, makes a new recovery key (returned, to show once) and stops
/// remembering the key on this device. Older backups still open with the old secrets.
#[tauri::command]
pub async fn vault_rekey(
    state: State<'_, AppState>,
    current: String,
    passphrase: String,
) -> IpcResult<Created> {
    let current = current_secret(current)?;
    let p = self::passphrase(passphrase)?;
    let key = state.with_vault(|v| v.rekey(&current, &p))?;
    Ok(Created {
        recovery_key: key.expose_display(),
        status: status_of(&state, None),
    })
}

/// Replaces the recovery key only, once `current` (the current passphrase or recovery key) is checked: the old
/// recovery key stops opening the vault; the passphrase, the data key and a key remembered on this device stay
/// as they are. Returns the new recovery key, to show once, with the status.
#[tauri::command]
pub async fn vault_new_recovery_key(
    state: State<'_, AppState>,
    current: String,
) -> IpcResult<Created> {
    let current = current_secret(current)?;
    let key = state.with_vault(|v| v.new_recovery_key_verified(&current))?;
    Ok(Created {
        recovery_key: key.expose_display(),
        status: status_of(&state, None),
    })
}

/// Acknowledges the integrity problem noticed at an earlier open, with a `reason` (required): recorded in the
/// chain, then the mark is cleared. Returns the status, without the mark.
#[tauri::command]
pub async fn vault_acknowledge_integrity(
    state: State<'_, AppState>,
    reason: String,
) -> IpcResult<VaultStatus> {
    state.with_vault(|v| v.acknowledge_integrity(&reason))?;
    Ok(status_of(&state, None))
}

/// Saves the recovery key to a text file chosen in the native save dialog, readable by its owner only (0600 on
/// Unix). Returns where, with a warning when that is on the vault's disk or in the home folder; null when the
/// person cancelled. (Writing this file is what the person asked for.)
#[tauri::command]
pub async fn vault_save_recovery_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    recovery_key: String,
) -> IpcResult<Option<SavedRecoveryKey>> {
    // Check its shape so nothing else can be written through this command.
    let key = RecoveryKey::parse(&recovery_key)?;
    let path = match super::dialog::test_answer(&app, Some("evident-recovery-key.txt"))? {
        Some(mut answer) => answer.pop(),
        None => on_main_thread(&app, || {
            rfd::FileDialog::new()
                .set_title("Save your Evident recovery key")
                .set_file_name("evident-recovery-key.txt")
                .save_file()
        })?,
    };
    let Some(path) = path else { return Ok(None) };
    super::dialog::chosen(&app, std::slice::from_ref(&path));
    let text = format!(
        "Evident recovery key\n\n{}\n\nThis key opens your Evident vault if you forget your passphrase.\n\
         Keep it somewhere safe, away from the computer that holds the vault.\n",
        key.expose_display()
    );
    write_private(&path, text.as_bytes()).map_err(|e| {
        IpcError::new(
            ErrorKind::WriteFailed,
            format!("could not write {}: {e}", path.display()),
            Some("Choose another place, such as a USB stick."),
        )
    })?;
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    Ok(Some(SavedRecoveryKey {
        warning: key_file_warning(&state.dir, &path, home.as_deref()),
        path: path.display().to_string(),
    }))
}

/// Writes `bytes` to `path` (replacing it: the dialog asked), readable and writable by its owner only.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let mut f = open.open(path)?;
    // A file that existed before keeps its mode through open(): make it private too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(bytes)?;
    f.sync_all()
}

/// Same disk as the vault.
pub const SAME_DISK_WARNING: &str =
    "This file is on the same disk as your vault: anyone who takes the computer \
     gets both. A USB stick or paper kept elsewhere is safer.";
/// In the home folder (on another disk than the vault).
pub const HOME_WARNING: &str =
    "This file is in your home folder: anyone who can use your account on this \
     computer can find it. A USB stick or paper kept elsewhere is safer.";

/// A calm warning when the saved recovery key `file` is on the same disk (device) as the vault folder
/// `vault_dir`, or inside the home folder `home`; None when it is elsewhere (e.g. a USB stick).
pub fn key_file_warning(
    vault_dir: &std::path::Path,
    file: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let file_dev = std::fs::metadata(file).ok()?.dev();
        // The vault folder may not exist yet: its nearest existing ancestor is on the same disk.
        let vault_dev = vault_dir
            .ancestors()
            .find_map(|a| std::fs::metadata(a).ok())
            .map(|m| m.dev());
        if vault_dev == Some(file_dev) {
            return Some(SAME_DISK_WARNING.to_string());
        }
    }
    let file = file.canonicalize().ok()?;
    let home = home.and_then(|h| h.canonicalize().ok())?;
    file.starts_with(&home).then(|| HOME_WARNING.to_string())
}

/// Kinds, channels, red flags and possible offences.
#[tauri::command]
pub async fn reference_data() -> IpcResult<Reference> {
    Ok(evident_core::reference::reference().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder on another disk than the system temporary folder (tmpfs /dev/shm on Linux), if there is one.
    #[cfg(unix)]
    fn other_disk(than: &std::path::Path) -> Option<tempfile::TempDir> {
        use std::os::unix::fs::MetadataExt;
        let dev = std::fs::metadata(than).ok()?.dev();
        let d = tempfile::tempdir_in("/dev/shm").ok()?;
        (std::fs::metadata(d.path()).ok()?.dev() != dev).then_some(d)
    }

    #[cfg(unix)]
    #[test]
    fn a_saved_recovery_key_is_private_even_over_an_open_file(
    ) -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir()?;
        let f = tmp.path().join("evident-recovery-key.txt");
        std::fs::write(&f, "old")?;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644))?;
        write_private(&f, b"KEY")?;
        assert_eq!(std::fs::read(&f)?, b"KEY");
        assert_eq!(std::fs::metadata(&f)?.permissions().mode() & 0o777, 0o600);
        let g = tmp.path().join("new.txt");
        write_private(&g, b"KEY")?;
        assert_eq!(std::fs::metadata(&g)?.permissions().mode() & 0o777, 0o600);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn warns_when_the_key_is_beside_the_vault_or_at_home() -> Result<(), Box<dyn std::error::Error>>
    {
        let tmp = tempfile::tempdir()?;
        let vault = tmp.path().join("not-created-yet").join("vault");
        let beside = tmp.path().join("key.txt");
        std::fs::write(&beside, "k")?;
        assert_eq!(
            key_file_warning(&vault, &beside, None).as_deref(),
            Some(SAME_DISK_WARNING)
        );
        let Some(usb) = other_disk(tmp.path()) else {
            eprintln!("no second disk (tmpfs /dev/shm) here: only the same-disk case was checked");
            return Ok(());
        };
        let away = usb.path().join("key.txt");
        std::fs::write(&away, "k")?;
        assert_eq!(key_file_warning(&vault, &away, None), None, "another disk");
        assert_eq!(
            key_file_warning(&vault, &away, Some(tmp.path())),
            None,
            "another disk, outside home"
        );
        assert_eq!(
            key_file_warning(&vault, &away, Some(usb.path())).as_deref(),
            Some(HOME_WARNING),
            "another disk, but inside the home folder"
        );
        Ok(())
    }
}
