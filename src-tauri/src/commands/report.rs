//! Reports made to the platform, council, police, party or others.

use evident_core::report::ReportFields;
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Logs a report about an incident; returns its id.
#[tauri::command]
pub async fn report_log(
    state: State<'_, AppState>,
    incident_id: i64,
    fields: ReportFields,
) -> IpcResult<i64> {
    state.with_vault(|v| v.log_report(incident_id, fields))
}
