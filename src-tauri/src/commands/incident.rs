//! Incidents: record, amend (with a reason), read one, list the timeline, count.

use evident_core::incident::{
    FieldChange, IncidentDetail, IncidentFields, IncidentFilter, IncidentSummary,
};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Records an incident, linking `people` as subjects; returns its id.
#[tauri::command]
pub async fn incident_record(
    state: State<'_, AppState>,
    fields: IncidentFields,
    people: Vec<i64>,
) -> IpcResult<i64> {
    state.with_vault(|v| v.record_incident(fields, &people))
}

/// Amends an incident with a reason; returns the changes.
#[tauri::command]
pub async fn incident_amend(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
    fields: IncidentFields,
) -> IpcResult<Vec<FieldChange>> {
    state.with_vault(|v| v.amend_incident(id, &reason, fields))
}

/// Everything about one incident.
#[tauri::command]
pub async fn incident_get(state: State<'_, AppState>, id: i64) -> IpcResult<IncidentDetail> {
    state.with_vault(|v| v.incident(id))
}

/// The timeline, newest first, filtered and paged.
#[tauri::command]
pub async fn incident_list(
    state: State<'_, AppState>,
    filter: IncidentFilter,
) -> IpcResult<Vec<IncidentSummary>> {
    state.with_vault(|v| v.list_incidents(&filter))
}

/// Number of incidents.
#[tauri::command]
pub async fn incident_count(state: State<'_, AppState>) -> IpcResult<i64> {
    state.with_vault(|v| v.incident_count())
}
