// Shared by the build script (permissions) and the app (tests check it matches the handler list and the
// capabilities).

/// Every IPC command Evident's shell offers; the capabilities allow exactly these. `pack_export_to` exists only
/// in test builds (feature `test-hooks`), allowed by `capabilities/test-hooks/`.
#[allow(dead_code)]
pub const COMMANDS: &[&str] = &[
    "vault_status",
    "vault_create",
    "vault_unlock",
    "vault_unlock_remembered",
    "vault_recover",
    "vault_lock",
    "vault_forget_device",
    "vault_change_passphrase",
    "vault_rekey",
    "vault_new_recovery_key",
    "vault_acknowledge_integrity",
    "vault_save_recovery_key",
    "reference_data",
    "incident_record",
    "incident_amend",
    "incident_get",
    "incident_list",
    "incident_count",
    "person_record",
    "person_amend",
    "person_list",
    "person_get",
    "person_link",
    "person_unlink",
    "dialog_pick_files",
    "attachment_add_paths",
    "attachment_add_bytes",
    "attachment_preview",
    "attachment_withdraw",
    "report_log",
    "verify_run",
    "backup_save",
    "backup_restore",
    "pack_preview",
    "pack_export",
    "anchor_status",
    "anchor_now",
    "tsa_list",
    "tsa_add",
    "tsa_remove",
    "anchoring_set",
    "record_fingerprint",
    #[cfg(feature = "test-hooks")]
    "pack_export_to",
    #[cfg(feature = "test-hooks")]
    "test_recent_files",
];
