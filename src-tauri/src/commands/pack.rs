//! Evidence packs: what a selection would include (before exporting), and the export itself to a ZIP chosen
//! in the native save dialog.
//!
//! Test builds only (feature `test-hooks`, never a release build): when the app started with
//! `EVIDENT_TEST_EXPORT_DIR` set (end-to-end tests) or the IPC tests gave the state a test export folder,
//! `pack_export` saves inside that folder under its default name instead of opening the dialog, and the extra
//! command `pack_export_to` accepts an explicit path, inside that folder only. Without the folder,
//! `pack_export_to` refuses.

#[cfg(feature = "test-hooks")]
use evident_core::ErrorKind;
#[cfg(feature = "test-hooks")]
use std::path::Path;
use std::path::PathBuf;

use evident_core::pack::portal::PortalSummary;
use evident_core::pack::{PackRequest, PackSelection, PackSelectionSummary, PackSummary};
use tauri::{AppHandle, Runtime, State};

use super::dialog::on_main_thread;
use crate::anchoring;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Test builds: the environment variable that gives the test export folder, read once at startup.
#[cfg(feature = "test-hooks")]
pub const TEST_EXPORT_DIR: &str = "EVIDENT_TEST_EXPORT_DIR";

/// Test builds: the test export folder from the environment, when the variable is set (called once, at
/// startup).
#[cfg(feature = "test-hooks")]
pub fn test_export_dir_from_env() -> Option<PathBuf> {
    std::env::var_os(TEST_EXPORT_DIR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The default file name: `evidence-pack-AB-2026-11-21.zip` (initials as checked; today's local date).
pub fn default_file_name(initials: &str) -> String {
    let safe: String = initials
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(4)
        .collect::<String>()
        .to_uppercase();
    let date = chrono::Local::now().format("%Y-%m-%d");
    if safe.is_empty() {
        format!("evidence-pack-{date}.zip")
    } else {
        format!("evidence-pack-{safe}-{date}.zip")
    }
}

/// `name` in `dir`, or `name` with `-2`, `-3`… before `.zip` when taken (test path only: the dialog asks).
#[cfg(feature = "test-hooks")]
fn unused_in(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let stem = name.strip_suffix(".zip").unwrap_or(name);
    (2..10_000)
        .map(|n| dir.join(format!("{stem}-{n}.zip")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Where `pack_export` saves without asking: test builds with a test export folder only.
#[cfg(feature = "test-hooks")]
fn test_export_path(state: &AppState, name: &str) -> Option<PathBuf> {
    state.test_export_dir().map(|dir| unused_in(dir, name))
}

/// Where `pack_export` saves without asking: never, outside test builds.
#[cfg(not(feature = "test-hooks"))]
fn test_export_path(_state: &AppState, _name: &str) -> Option<PathBuf> {
    None
}

/// An explicit path for `pack_export_to`: only with a test folder (`dir`), and only inside it.
#[cfg(feature = "test-hooks")]
pub fn test_path(dir: Option<&Path>, path: &str) -> IpcResult<PathBuf> {
    let Some(dir) = dir else {
        return Err(IpcError::new(
            ErrorKind::NotAllowed,
            "exporting to a given path is only for tests",
            Some("Use “Export pack…” and choose where to save it."),
        ));
    };
    let dir = dir.canonicalize().map_err(|e| {
        IpcError::invalid(format!(
            "the test export folder {} cannot be used: {e}",
            dir.display()
        ))
    })?;
    let p = PathBuf::from(path);
    let p = if p.is_absolute() { p } else { dir.join(p) };
    let name = p
        .file_name()
        .filter(|n| !n.to_string_lossy().starts_with('.'))
        .ok_or_else(|| IpcError::invalid(format!("{path} is not a file name")))?
        .to_owned();
    let parent = p
        .parent()
        .and_then(|d| d.canonicalize().ok())
        .filter(|d| d.starts_with(&dir))
        .ok_or_else(|| {
            IpcError::invalid(format!(
                "{path} is not inside the test export folder {}",
                dir.display()
            ))
        })?;
    Ok(parent.join(name))
}

/// How many incidents and exhibits `selection` would put in a pack.
#[tauri::command]
pub async fn pack_preview(
    state: State<'_, AppState>,
    selection: PackSelection,
) -> IpcResult<PackSelectionSummary> {
    state.with_vault(|v| v.pack_selection_summary(&selection))
}

/// Checks the request and that the selection is not empty, before asking where to save. Returns the
/// default file name.
fn precheck(state: &AppState, request: &PackRequest) -> IpcResult<String> {
    request.check()?;
    // Marks keep the diary's fixed initials once an export has recorded them.
    let initials = state.with_vault(|v| v.exhibit_initials(request))?;
    let summary = state.with_vault(|v| v.pack_selection_summary(&request.selection))?;
    if summary.incident_count == 0 {
        return Err(IpcError::invalid(
            "no incidents match this choice: the pack would be empty",
        ));
    }
    // The diary's signing key is made (and recorded in the chain) now, before the pre-export time-stamp, so
    // that the time-stamp covers it.
    state.with_vault(|v| v.signing_key().map(|_| ()))?;
    Ok(default_file_name(&initials))
}

/// Exports a pack to a ZIP chosen in the native save dialog; returns what was made, or null when cancelled.
#[tauri::command]
pub async fn pack_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: PackRequest,
) -> IpcResult<Option<PackSummary>> {
    let name = precheck(&state, &request)?;
    let answer = super::dialog::test_answer(&app, Some(&name))?.and_then(|mut a| a.pop());
    let path = match answer.or_else(|| test_export_path(&state, &name)) {
        Some(path) => Some(path),
        None => on_main_thread(&app, move || {
            rfd::FileDialog::new()
                .set_title("Save the evidence pack")
                .set_file_name(name)
                .add_filter("ZIP archive", &["zip"])
                .save_file()
        })?,
    };
    let Some(mut path) = path else {
        return Ok(None);
    };
    let chosen = path.clone();
    if path.extension().is_none() {
        path.set_extension("zip");
    }
    super::dialog::chosen(&app, &[chosen, path.clone()]);
    before_export(&app).await;
    // The dialog already asked about replacing an existing file; the pack replaces it only when complete.
    state
        .with_vault(|v| v.export_pack(&request, &path))
        .map(Some)
}

/// Exports a pack for a police upload portal into a new folder named in the native save dialog (at most 16
/// files of at most 2 GB each: report.pdf, the whole pack as one ZIP, and the exhibits that fit); returns what
/// was written, or null when cancelled.
#[tauri::command]
pub async fn pack_export_portal<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: PackRequest,
) -> IpcResult<Option<PortalSummary>> {
    let zip_name = precheck(&state, &request)?;
    let name = format!(
        "{}-portal",
        zip_name.strip_suffix(".zip").unwrap_or(&zip_name)
    );
    let answer = super::dialog::test_answer(&app, Some(&name))?.and_then(|mut a| a.pop());
    let path = match answer.or_else(|| test_export_path(&state, &name)) {
        Some(path) => Some(path),
        None => on_main_thread(&app, move || {
            rfd::FileDialog::new()
                .set_title("Name a new folder for the upload portal files")
                .set_file_name(name)
                .save_file()
        })?,
    };
    let Some(dir) = path else {
        return Ok(None);
    };
    super::dialog::chosen(&app, std::slice::from_ref(&dir));
    if dir.is_file() {
        return Err(IpcError::invalid(format!(
            "{} is a file: name a new folder for the portal files",
            dir.display()
        )));
    }
    before_export(&app).await;
    state
        .with_vault(|v| v.export_portal(&request, &dir))
        .map(Some)
}

/// Before an export: a time-stamp of the head, if network anchoring is on and something is not time-stamped
/// yet, within a few seconds (so the pack can carry it); the export proceeds whatever happens.
async fn before_export<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = tauri::async_runtime::spawn_blocking(move || {
        anchoring::attempt_within(&handle, anchoring::BUDGET)
    })
    .await;
}

/// Test builds only: exports a pack to `path`, inside the test export folder (refused without one).
#[cfg(feature = "test-hooks")]
#[tauri::command]
pub async fn pack_export_to<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: PackRequest,
    path: String,
) -> IpcResult<PackSummary> {
    let path = test_path(state.test_export_dir(), &path)?;
    precheck(&state, &request)?;
    before_export(&app).await;
    state.with_vault(|v| v.export_pack(&request, &path))
}

#[cfg(test)]
mod tests {
    use super::default_file_name;

    #[test]
    fn default_name_has_initials_and_date() {
        let n = default_file_name("ab");
        assert!(n.starts_with("evidence-pack-AB-20"), "{n}");
        assert!(n.ends_with(".zip") && n.len() == "evidence-pack-AB-2026-11-21.zip".len());
        assert!(default_file_name("Ø/").starts_with("evidence-pack-20"));
    }
}
