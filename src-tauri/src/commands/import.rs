//! Import: pick a folder, read it (progress over a channel, cancel), propose incidents, merge or split them,
//! record the confirmed batch; read an old diary, map its columns, preview, record; read a message export,
//! record the chosen messages. Thin: the core parses (`evident_core::import`) and records in one transaction
//! (`Vault::import_*`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use evident_core::import::diary::{self, ColumnMap, DiaryPreview, Table};
use evident_core::import::folder::{self, Grouping, Proposal, Scan, ScannedFile};
use evident_core::import::{self, MessageExport, Platform, SourceFile};
use evident_core::vault::{FolderIncident, ImportReport, MessageMode};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use super::dialog::on_main_thread;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Set by `import_cancel`; checked between files by the running import (one import runs at a time).
static CANCEL: AtomicBool = AtomicBool::new(false);

/// Progress of a folder read or an import: files done of how many.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    /// Files done.
    #[ts(type = "number")]
    pub done: u64,
    /// Of how many.
    #[ts(type = "number")]
    pub total: u64,
}

/// A diary read: its table and the column mapping guessed from its headers.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DiaryRead {
    /// The first sheet as text.
    pub table: Table,
    /// The guessed mapping.
    pub map: ColumnMap,
}

fn progress(ch: &Channel<ImportProgress>) -> impl Fn(usize, usize) + '_ {
    let last = std::sync::Mutex::new(std::time::Instant::now());
    move |done, total| {
        let mut l = last.lock().unwrap_or_else(|e| e.into_inner());
        if done == total || l.elapsed() >= std::time::Duration::from_millis(60) {
            *l = std::time::Instant::now();
            let _ = ch.send(ImportProgress {
                done: done as u64,
                total: total as u64,
            });
        }
    }
}

/// Opens the native folder dialog; the chosen folder, or null when cancelled. Only while the vault is open
/// (an import needs it; and no dialog opens on a locked app).
#[tauri::command]
pub async fn import_pick_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<Option<String>> {
    state.with_vault(|_| Ok(()))?;
    let dir = on_main_thread(&app, || {
        rfd::FileDialog::new()
            .set_title("Choose a folder of screenshots or photos")
            .pick_folder()
    })?;
    // As after every dialog: the chosen folder is taken off the desktop's Recent files.
    if let Some(d) = &dir {
        super::dialog::chosen(&app, std::slice::from_ref(d));
    }
    Ok(dir.map(|p| p.display().to_string()))
}

/// Opens the native file dialog for one file to import (a diary or an export); null when cancelled. Only
/// while the vault is open.
#[tauri::command]
pub async fn import_pick_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<Option<String>> {
    state.with_vault(|_| Ok(()))?;
    let file = on_main_thread(&app, || {
        rfd::FileDialog::new()
            .set_title("Choose the file to import")
            .pick_file()
    })?;
    if let Some(f) = &file {
        super::dialog::chosen(&app, std::slice::from_ref(f));
    }
    Ok(file.map(|p| p.display().to_string()))
}

/// Asks the running folder read or import to stop (nothing is recorded).
#[tauri::command]
pub async fn import_cancel() -> IpcResult<()> {
    CANCEL.store(true, Ordering::Relaxed);
    Ok(())
}

/// Reads folders and files (no vault needed): hashes, types, capture and file times; refused files listed.
#[tauri::command]
pub async fn import_scan(
    paths: Vec<String>,
    on_progress: Channel<ImportProgress>,
) -> IpcResult<Scan> {
    if paths.is_empty() {
        return Err(IpcError::invalid("choose a folder or files to import"));
    }
    CANCEL.store(false, Ordering::Relaxed);
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let p = progress(&on_progress);
    folder::scan(&paths, &p, &CANCEL).map_err(IpcError::from)
}

/// Groups scanned files into proposals.
#[tauri::command]
pub async fn import_propose(
    files: Vec<ScannedFile>,
    grouping: Grouping,
) -> IpcResult<Vec<Proposal>> {
    Ok(folder::propose(&files, grouping))
}

/// Merges proposal `b` into `a`.
#[tauri::command]
pub async fn import_merge(
    files: Vec<ScannedFile>,
    mut proposals: Vec<Proposal>,
    a: u32,
    b: u32,
) -> IpcResult<Vec<Proposal>> {
    folder::merge(&files, &mut proposals, a as usize, b as usize)?;
    Ok(proposals)
}

/// Splits proposal `p` before its `at`th file.
#[tauri::command]
pub async fn import_split(
    files: Vec<ScannedFile>,
    mut proposals: Vec<Proposal>,
    p: u32,
    at: u32,
) -> IpcResult<Vec<Proposal>> {
    folder::split(&files, &mut proposals, p as usize, at as usize)?;
    Ok(proposals)
}

/// Records the confirmed incidents and their files in one transaction; cancel records nothing.
#[tauri::command]
pub async fn import_folder_record(
    state: State<'_, AppState>,
    incidents: Vec<FolderIncident>,
    on_progress: Channel<ImportProgress>,
) -> IpcResult<ImportReport> {
    CANCEL.store(false, Ordering::Relaxed);
    let p = progress(&on_progress);
    state.with_vault(|v| v.import_folder(&incidents, &p, &CANCEL))
}

fn read_source(path: &str) -> IpcResult<SourceFile> {
    Ok(SourceFile::read(
        &PathBuf::from(path),
        import::MAX_SOURCE_BYTES,
    )?)
}

/// Reads a diary's first sheet and guesses its column mapping.
#[tauri::command]
pub async fn import_diary_read(path: String) -> IpcResult<DiaryRead> {
    let table = diary::read_table(&read_source(&path)?)?;
    let map = diary::guess_map(&table);
    Ok(DiaryRead { table, map })
}

/// How each row becomes an incident under `map`; rows that do not parse, with their row numbers.
#[tauri::command]
pub async fn import_diary_preview(path: String, map: ColumnMap) -> IpcResult<DiaryPreview> {
    let table = diary::read_table(&read_source(&path)?)?;
    Ok(diary::preview(&table, &map, 5)?)
}

/// Records the diary's rows under `map` in one transaction, keeping the file as an "imported diary" record.
#[tauri::command]
pub async fn import_diary_record(
    state: State<'_, AppState>,
    path: String,
    map: ColumnMap,
) -> IpcResult<ImportReport> {
    let src = read_source(&path)?;
    let preview = diary::preview(&diary::read_table(&src)?, &map, 0)?;
    CANCEL.store(false, Ordering::Relaxed);
    state.with_vault(|v| v.import_diary(&src, &preview.rows, &CANCEL))
}

fn read_export(src: &SourceFile, platform: Platform) -> evident_core::Result<MessageExport> {
    match platform {
        Platform::Whatsapp => import::whatsapp::read(src),
        Platform::X => import::x::read(src),
        Platform::Facebook => import::facebook::read(src),
    }
}

/// Reads a message export: its messages, senders and problems.
#[tauri::command]
pub async fn import_messages_read(path: String, platform: Platform) -> IpcResult<MessageExport> {
    Ok(read_export(&read_source(&path)?, platform)?)
}

/// Records the chosen messages (by index) in one transaction, keeping the export whole.
#[tauri::command]
pub async fn import_messages_record(
    state: State<'_, AppState>,
    path: String,
    platform: Platform,
    chosen: Vec<u32>,
    mode: MessageMode,
) -> IpcResult<ImportReport> {
    let src = read_source(&path)?;
    let export = read_export(&src, platform)?;
    CANCEL.store(false, Ordering::Relaxed);
    state.with_vault(|v| v.import_messages(&src, &export, &chosen, mode, &CANCEL))
}
