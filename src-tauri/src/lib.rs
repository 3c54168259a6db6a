//! Evident's desktop shell (Tauri 2). Thin adapters from IPC commands to `evident_core`: each command
//! parses its arguments, calls the core and maps the core's error to [`error::IpcError`]. Nothing
//! decrypted is written to disk here: attachment bytes arrive in the raw IPC body and previews leave as
//! raw IPC responses, both from memory.

pub mod commands;
pub mod error;
pub mod state;

use std::path::PathBuf;

use tauri::{Builder, Runtime};

include!("command_names.rs");

/// The vault folder: `EVIDENT_VAULT` if set (tests point it at a temporary folder), else the platform
/// default.
pub fn vault_dir() -> PathBuf {
    match std::env::var_os("EVIDENT_VAULT") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => evident_core::vault::default_vault_dir(),
    }
}

/// Adds Evident's state and commands to a Tauri builder (the real one, or the mock one in tests).
pub fn setup<R: Runtime>(builder: Builder<R>, dir: PathBuf) -> Builder<R> {
    use commands::*;
    builder
        .manage(state::AppState::new(dir))
        .invoke_handler(tauri::generate_handler![
            vault::vault_status,
            vault::vault_create,
            vault::vault_unlock,
            vault::vault_unlock_remembered,
            vault::vault_recover,
            vault::vault_lock,
            vault::vault_forget_device,
            vault::vault_change_passphrase,
            vault::vault_save_recovery_key,
            vault::reference_data,
            incident::incident_record,
            incident::incident_amend,
            incident::incident_get,
            incident::incident_list,
            incident::incident_count,
            person::person_record,
            person::person_amend,
            person::person_list,
            person::person_get,
            person::person_link,
            person::person_unlink,
            attachment::dialog_pick_files,
            attachment::attachment_add_paths,
            attachment::attachment_add_bytes,
            attachment::attachment_preview,
            attachment::attachment_withdraw,
            report::report_log,
            verify::verify_run,
            backup::backup_save,
            backup::backup_restore,
            pack::pack_preview,
            pack::pack_export,
            pack::pack_export_to,
        ])
}

/// Runs the app.
pub fn run() -> Result<(), tauri::Error> {
    setup(tauri::Builder::default(), vault_dir()).run(tauri::generate_context!())
}
