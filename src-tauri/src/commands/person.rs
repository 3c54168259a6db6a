//! People: record, amend, list, read one with their incidents, link to and unlink from incidents.

use evident_core::incident::FieldChange;
use evident_core::person::{PersonDetail, PersonFields, PersonSummary};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Records a person; returns their id.
#[tauri::command]
pub async fn person_record(state: State<'_, AppState>, fields: PersonFields) -> IpcResult<i64> {
    state.with_vault(|v| v.record_person(fields))
}

/// Amends a person with a reason.
#[tauri::command]
pub async fn person_amend(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
    fields: PersonFields,
) -> IpcResult<Vec<FieldChange>> {
    state.with_vault(|v| v.amend_person(id, &reason, fields))
}

/// Every person.
#[tauri::command]
pub async fn person_list(state: State<'_, AppState>) -> IpcResult<Vec<PersonSummary>> {
    state.with_vault(|v| v.list_people())
}

/// One person with their incidents.
#[tauri::command]
pub async fn person_get(state: State<'_, AppState>, id: i64) -> IpcResult<PersonDetail> {
    state.with_vault(|v| v.person(id))
}

/// Links a person to an incident as `subject` or `witness`.
#[tauri::command]
pub async fn person_link(
    state: State<'_, AppState>,
    incident_id: i64,
    person_id: i64,
    role: String,
) -> IpcResult<()> {
    state.with_vault(|v| v.link_person(incident_id, person_id, &role))
}

/// Unlinks a person from an incident, with a reason.
#[tauri::command]
pub async fn person_unlink(
    state: State<'_, AppState>,
    incident_id: i64,
    person_id: i64,
    role: String,
    reason: String,
) -> IpcResult<()> {
    state.with_vault(|v| v.unlink_person(incident_id, person_id, &role, &reason))
}
