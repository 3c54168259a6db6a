//! Drafts: what the person typed into a form and has not saved yet, kept encrypted inside the vault
//! (see `evident_core::draft`). The UI saves as the person types (debounced), before a lock and on leaving the
//! screen; it reads the draft back when the form opens, and discards it on save or when the person asks.

use evident_core::draft::{Draft, DraftSlot};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Keeps `body` (the form's state, a JSON object) as the draft of `slot`; returns it as kept.
#[tauri::command]
pub async fn draft_save(
    state: State<'_, AppState>,
    slot: DraftSlot,
    body: String,
) -> IpcResult<Draft> {
    state.with_vault(|v| v.save_draft(slot, &body))
}

/// The draft of `slot`, or null.
#[tauri::command]
pub async fn draft_get(state: State<'_, AppState>, slot: DraftSlot) -> IpcResult<Option<Draft>> {
    state.with_vault(|v| v.draft(slot))
}

/// Removes the draft of `slot`; whether there was one.
#[tauri::command]
pub async fn draft_discard(state: State<'_, AppState>, slot: DraftSlot) -> IpcResult<bool> {
    state.with_vault(|v| v.discard_draft(slot))
}
