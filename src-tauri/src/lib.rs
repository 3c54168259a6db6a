//! Evident's desktop shell (Tauri 2). Thin adapters from IPC commands to `evident_core`: each command
//! parses its arguments, calls the core and maps the core's error to [`error::IpcError`]. Nothing
//! decrypted is written to disk here: attachment bytes arrive in the raw IPC body and previews leave as
//! raw IPC responses, both from memory.

pub mod anchoring;
pub mod commands;
pub mod error;
pub mod recent;
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

/// Adds Evident's state (for the vault in `dir`, locked) and commands to a Tauri builder (the real one, or
/// the mock one in tests).
pub fn setup<R: Runtime>(builder: Builder<R>, dir: PathBuf) -> Builder<R> {
    setup_with(builder, state::AppState::new(dir))
}

/// Adds Evident's commands and the given state to a Tauri builder. Test-only commands (feature
/// `test-hooks`) are not even compiled into a release build.
pub fn setup_with<R: Runtime>(builder: Builder<R>, state: state::AppState) -> Builder<R> {
    use commands::*;
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            vault::vault_status,
            vault::vault_create,
            vault::vault_unlock,
            vault::vault_unlock_remembered,
            vault::vault_recover,
            vault::vault_lock,
            vault::vault_forget_device,
            vault::vault_change_passphrase,
            vault::vault_rekey,
            vault::vault_new_recovery_key,
            vault::vault_acknowledge_integrity,
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
            attachment::attachment_describe,
            report::report_log,
            draft::draft_save,
            draft::draft_get,
            draft::draft_discard,
            import::import_pick_folder,
            import::import_pick_file,
            import::import_cancel,
            import::import_scan,
            import::import_propose,
            import::import_merge,
            import::import_split,
            import::import_folder_record,
            import::import_diary_read,
            import::import_diary_preview,
            import::import_diary_record,
            import::import_messages_read,
            import::import_messages_record,
            verify::verify_run,
            backup::backup_save,
            backup::backup_restore,
            pack::pack_preview,
            pack::pack_export,
            pack::pack_export_portal,
            anchor::anchor_status,
            anchor::anchor_now,
            anchor::tsa_list,
            anchor::tsa_add,
            anchor::tsa_remove,
            anchor::anchoring_set,
            anchor::record_fingerprint,
            #[cfg(feature = "test-hooks")]
            pack::pack_export_to,
            #[cfg(feature = "test-hooks")]
            dialog::test_recent_files,
        ])
}

/// Runs the app. A test build (feature `test-hooks`) reads its test export folder and its anchoring debounce
/// here, once.
pub fn run() -> Result<(), tauri::Error> {
    let state = state::AppState::new(vault_dir());
    #[cfg(feature = "test-hooks")]
    let state = state.with_test_export_dir(commands::pack::test_export_dir_from_env());
    #[cfg(feature = "test-hooks")]
    let state = match anchoring::test_debounce_from_env() {
        Some(d) => state.with_anchor_debounce(d),
        None => state,
    };
    setup_with(tauri::Builder::default(), state).run(tauri::generate_context!())
}

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    /// The capabilities this build reads (see build.rs) allow exactly the commands it has, once each.
    #[test]
    fn capabilities_allow_exactly_the_commands() -> Result<(), Box<dyn std::error::Error>> {
        #[allow(unused_mut)]
        let mut files = vec![include_str!("../capabilities/default.json")];
        #[cfg(feature = "test-hooks")]
        files.push(include_str!("../capabilities/test-hooks/test-hooks.json"));
        let mut allowed = Vec::new();
        for file in files {
            let capability: serde_json::Value = serde_json::from_str(file)?;
            let permissions = capability["permissions"]
                .as_array()
                .ok_or("no permissions")?;
            allowed.extend(
                permissions
                    .iter()
                    .filter_map(serde_json::Value::as_str)
                    .filter_map(|p| p.strip_prefix("allow-"))
                    .map(|p| p.replace('-', "_")),
            );
        }
        let mut commands: Vec<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
        allowed.sort();
        commands.sort();
        assert_eq!(allowed, commands);
        Ok(())
    }
}
