//! Replay: how each journal entry changes the current state. Used by the full check to rebuild the state from
//! the journal alone and compare it with what the app reads.

use rusqlite::params;

use crate::error::{Error, Result};
use crate::journal::{Entry, EntryKind};

fn payload<T: serde::de::DeserializeOwned>(e: &Entry) -> Result<T> {
    serde_json::from_slice(&e.payload).map_err(|err| {
        Error::integrity(format!("entry {} has an unreadable payload: {err}", e.seq))
    })
}

/// Applies one entry's effect on the state tables.
pub(crate) fn apply(tx: &rusqlite::Connection, e: &Entry) -> Result<()> {
    match EntryKind::parse(&e.kind) {
        Some(EntryKind::IncidentRecorded) => {
            let p: crate::incident::RecordedPayload = payload(e)?;
            crate::incident::write_state(
                tx,
                p.incident_id,
                &p.incident,
                &e.recorded_at,
                &e.recorded_at,
            )?;
        }
        Some(EntryKind::IncidentAmended) => {
            let p: crate::incident::AmendedPayload = payload(e)?;
            let old = crate::incident::load_fields(tx, p.incident_id)?;
            let new = crate::incident::apply_changes(&old, &p.changes)?;
            let recorded_at: String = tx.query_row(
                "SELECT recorded_at FROM incident WHERE id = ?1",
                [p.incident_id],
                |r| r.get(0),
            )?;
            crate::incident::write_state(tx, p.incident_id, &new, &recorded_at, &e.recorded_at)?;
        }
        Some(EntryKind::PersonRecorded) => {
            let p: crate::person::RecordedPayload = payload(e)?;
            crate::person::write_state(tx, p.person_id, &p.person)?;
        }
        Some(EntryKind::PersonAmended) => {
            let p: crate::person::AmendedPayload = payload(e)?;
            let old = crate::person::load(tx, p.person_id)?;
            let new = crate::incident::apply_changes(&old, &p.changes)?;
            crate::person::write_state(tx, p.person_id, &new)?;
        }
        Some(EntryKind::PersonLinked) => {
            let p: crate::person::LinkPayload = payload(e)?;
            tx.execute(
                "INSERT INTO incident_person (incident_id, person_id, role) VALUES (?1, ?2, ?3)",
                params![p.incident_id, p.person_id, p.role],
            )?;
        }
        Some(EntryKind::PersonUnlinked) => {
            let p: crate::person::LinkPayload = payload(e)?;
            tx.execute(
                "DELETE FROM incident_person WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3",
                params![p.incident_id, p.person_id, p.role],
            )?;
        }
        Some(EntryKind::AttachmentAdded) => {
            let p: crate::attachment::AddedPayload = payload(e)?;
            crate::attachment::write_state(tx, &p, &e.recorded_at, e.seq)?;
            tx.execute(
                "UPDATE incident SET updated_at = ?2 WHERE id = ?1",
                params![p.incident_id, e.recorded_at],
            )?;
        }
        Some(EntryKind::AttachmentWithdrawn) => {
            let p: crate::attachment::WithdrawnPayload = payload(e)?;
            crate::attachment::withdraw_state(
                tx,
                p.attachment_id,
                &e.recorded_at,
                e.seq,
                &p.reason,
            )?;
        }
        Some(EntryKind::ReportLogged) => {
            let p: crate::report::LoggedPayload = payload(e)?;
            crate::report::write_state(tx, p.report_id, p.incident_id, &e.recorded_at, &p.report)?;
        }
        Some(EntryKind::VaultCreated)
        | Some(EntryKind::PackExported)
        | Some(EntryKind::KeyChanged) => {}
        None => {
            return Err(Error::integrity(format!(
                "entry {} has an unknown kind '{}'",
                e.seq, e.kind
            )))
        }
    }
    Ok(())
}
