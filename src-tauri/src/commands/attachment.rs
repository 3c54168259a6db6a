//! Attachments: pick files (native dialog), attach by path (dialog or native drag and drop), attach raw
//! bytes from memory (HTML drop, pasted screenshot: the raw IPC body, name in a header), previews as raw
//! IPC responses from memory, and withdrawal.

use std::path::PathBuf;

use evident_core::attachment::AttachmentView;
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::{AppHandle, Runtime, State};

use super::dialog::on_main_thread;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Opens the native multi-select file dialog; returns the chosen paths (empty when cancelled).
#[tauri::command]
pub async fn dialog_pick_files<R: Runtime>(app: AppHandle<R>) -> IpcResult<Vec<String>> {
    let files = match super::dialog::test_answer(&app, None)? {
        Some(files) => Some(files),
        None => on_main_thread(&app, || {
            rfd::FileDialog::new()
                .set_title("Choose screenshots or files to attach")
                .pick_files()
        })?,
    };
    let files = files.unwrap_or_default();
    super::dialog::chosen(&app, &files);
    Ok(files.into_iter().map(|p| p.display().to_string()).collect())
}

/// Attaches files by path, in order. Stops at the first that fails (those before it stay attached).
#[tauri::command]
pub async fn attachment_add_paths(
    state: State<'_, AppState>,
    incident_id: i64,
    paths: Vec<String>,
) -> IpcResult<Vec<AttachmentView>> {
    if paths.is_empty() {
        return Err(IpcError::invalid("no files were given"));
    }
    state.with_vault(|v| {
        paths
            .iter()
            .map(|p| v.attach_file(incident_id, &PathBuf::from(p)))
            .collect()
    })
}

/// Decodes `encodeURIComponent` output (percent-encoded UTF-8).
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn header<'a>(request: &'a Request<'_>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Attaches the raw request body. Headers: `x-incident-id`, `x-file-name` (percent-encoded UTF-8),
/// optional `x-file-modified` (RFC 3339).
#[tauri::command]
pub async fn attachment_add_bytes(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> IpcResult<AttachmentView> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::invalid(
            "the file's bytes must be sent as the raw request body",
        ));
    };
    let incident_id: i64 = header(&request, "x-incident-id")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| IpcError::invalid("which incident to attach to is missing"))?;
    let name = header(&request, "x-file-name")
        .and_then(percent_decode)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "unnamed".to_string());
    let modified = header(&request, "x-file-modified")
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.to_rfc3339());
    state.with_vault(|v| v.attach_bytes(incident_id, &name, bytes, modified))
}

/// The preview (JPEG bytes) of an attachment, as a raw response from memory; empty when there is none.
#[tauri::command]
pub async fn attachment_preview(state: State<'_, AppState>, id: i64) -> IpcResult<Response> {
    let preview = state.with_vault(|v| v.preview(id))?;
    Ok(Response::new(preview.map(|p| p.data).unwrap_or_default()))
}

/// Withdraws an attachment with a reason: bytes purged, hash and reason kept in the chain.
#[tauri::command]
pub async fn attachment_withdraw(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
) -> IpcResult<()> {
    state.with_vault(|v| v.withdraw_attachment(id, &reason))
}

/// Records how an attachment was captured and on which device, in the person's words; returns it as now shown.
#[tauri::command]
pub async fn attachment_describe(
    state: State<'_, AppState>,
    id: i64,
    capture_method: String,
    device: String,
) -> IpcResult<AttachmentView> {
    state.with_vault(|v| v.describe_attachment(id, &capture_method, &device))
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_encode_uri_component() {
        assert_eq!(
            percent_decode("%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.png").as_deref(),
            Some("<img src=x onerror=alert(1)>.png")
        );
        assert_eq!(percent_decode("caf%C3%A9.jpg").as_deref(), Some("café.jpg"));
        assert_eq!(percent_decode("bad%ZZ"), None);
        assert_eq!(percent_decode("%FF"), None);
    }
}
