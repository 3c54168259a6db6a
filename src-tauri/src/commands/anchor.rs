//! Trusted time: where the record stands, "time-stamp now", the time-stamping services (list, add with a CA
//! file chosen in the native dialog, remove), network anchoring on or off, and the record fingerprint. The runs
//! themselves (off the vault lock) are in `crate::anchoring`.

use std::path::Path;

use evident_core::anchor::{fingerprint, AnchorAttempt, AnchorStatus, TsaSetting};
use evident_core::tsa::Limits;
use evident_core::ErrorKind;
use tauri::{AppHandle, Runtime, State};

use super::dialog::on_main_thread;
use crate::anchoring;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// The largest CA file accepted (a few certificates are a few KiB).
const MAX_CA_FILE: u64 = 1024 * 1024;

/// Where the record stands with trusted time: on or off, the services, the latest time-stamp, how many
/// entries are not time-stamped yet, and any failed attempt waiting for a retry.
#[tauri::command]
pub async fn anchor_status(state: State<'_, AppState>) -> IpcResult<AnchorStatus> {
    state.with_vault(|v| v.anchor_status())
}

/// Asks every service now for a time-stamp of the head (off the vault lock, so logging goes on) and
/// returns each one's outcome.
#[tauri::command]
pub async fn anchor_now<R: Runtime>(app: AppHandle<R>) -> IpcResult<Vec<AnchorAttempt>> {
    tauri::async_runtime::spawn_blocking(move || anchoring::run(&app, &Limits::default(), None))
        .await
        .map_err(|e| {
            IpcError::internal(format!("the time-stamp request stopped unexpectedly: {e}"))
        })?
}

/// The time-stamping services anchoring uses.
#[tauri::command]
pub async fn tsa_list(state: State<'_, AppState>) -> IpcResult<Vec<TsaSetting>> {
    state.with_vault(|v| v.tsas())
}

/// Checks a service address before asking for its CA file.
fn check_address(url: &str) -> IpcResult<&str> {
    let url = url.trim();
    if url.is_empty() {
        return Err(IpcError::invalid(
            "type the address of the time-stamping service first",
        ));
    }
    if !url.starts_with("http://") {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            format!("“{url}” is not an http:// address"),
            Some("Time-stamping services publish an address starting http://. Their answers are signed, so nothing is lost without https."),
        ));
    }
    Ok(url)
}

/// Adds the service at `url` with the CA certificates in the PEM file at `path` (and turns network anchoring
/// on: adding one is asking to use it). The command's work after the dialog; also used by tests.
pub fn add_from_file(state: &AppState, url: &str, path: &Path) -> IpcResult<TsaSetting> {
    let url = check_address(url)?;
    let unreadable = |e: std::io::Error| {
        IpcError::new(
            ErrorKind::FileUnreadable,
            format!("{} cannot be read: {e}", path.display()),
            None,
        )
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_CA_FILE {
        return Err(IpcError::invalid(format!(
            "{} is too large to be a CA certificate file",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let pem = String::from_utf8(bytes).map_err(|_| {
        IpcError::new(
            ErrorKind::InvalidInput,
            format!("{} is not a PEM certificate file", path.display()),
            Some("Choose the CA certificate in PEM form: a text file starting -----BEGIN CERTIFICATE-----."),
        )
    })?;
    state.with_vault(|v| v.tsa_add(url, &pem))
}

/// Adds a time-stamping service: its address, and its CA certificate file chosen in the native open dialog.
/// Returns the service added, or null when the person cancelled the dialog.
#[tauri::command]
pub async fn tsa_add<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
) -> IpcResult<Option<TsaSetting>> {
    check_address(&url)?;
    if !state.is_unlocked() {
        return Err(IpcError::locked());
    }
    let file = on_main_thread(&app, || {
        rfd::FileDialog::new()
            .set_title("Choose the service's CA certificate (PEM)")
            .add_filter("Certificates", &["pem", "crt", "cer"])
            .add_filter("All files", &["*"])
            .pick_file()
    })?;
    let Some(file) = file else { return Ok(None) };
    super::dialog::chosen(&app, std::slice::from_ref(&file));
    add_from_file(&state, &url, &file).map(Some)
}

/// Removes a time-stamping service by address.
#[tauri::command]
pub async fn tsa_remove(state: State<'_, AppState>, url: String) -> IpcResult<()> {
    state.with_vault(|v| v.tsa_remove(&url))
}

/// Turns network anchoring on or off; returns the new status. Off, nothing at all leaves this computer.
#[tauri::command]
pub async fn anchoring_set(state: State<'_, AppState>, on: bool) -> IpcResult<AnchorStatus> {
    state.with_vault(|v| {
        v.set_anchoring(on)?;
        v.anchor_status()
    })
}

/// The record fingerprint: the head's number and hash, and six words that read it aloud, to send to someone
/// by email or text.
#[tauri::command]
pub async fn record_fingerprint(state: State<'_, AppState>) -> IpcResult<String> {
    state.with_vault(|v| {
        let head = v.head()?;
        Ok(fingerprint(head.seq, &head.entry_hash))
    })
}

#[cfg(test)]
mod tests {
    use super::check_address;

    #[test]
    fn addresses_are_checked_before_the_dialog() {
        assert!(check_address(" http://tsa.example/ ").is_ok());
        assert!(check_address("").is_err());
        assert!(check_address("https://tsa.example/").is_err());
        assert!(check_address("ftp://x").is_err());
    }
}
