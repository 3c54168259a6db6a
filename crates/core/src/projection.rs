//! The projection: how each journal entry changes the state tables (incidents, people, their links,
//! attachments, reports, amendments, anchors, the search index). The one writer of those tables: a change appends its
//! entry and then applies it here, and the full check's replay applies the same entries here into a scratch
//! database, so the state the app reads and the state the journal implies cannot drift apart by construction.
//!
//! A new entry kind adds one arm to [`apply`] (and nothing else in this module, if it changes no state).

use rusqlite::{params, Connection, OptionalExtension};

use crate::anchor::AnchorPayload;
use crate::attachment::{said, AddedPayload, DescribedPayload, WithdrawnPayload};
use crate::error::{Error, Result};
use crate::incident::{self, IncidentFields, LinkPayload};
use crate::journal::{Entry, EntryKind};
use crate::person::{self, PersonFields};
use crate::report::LoggedPayload;

fn payload<T: serde::de::DeserializeOwned>(e: &Entry) -> Result<T> {
    e.opened_as()
}

/// Applies one entry's effect on the state tables, inside the caller's transaction.
pub(crate) fn apply(tx: &Connection, e: &Entry) -> Result<()> {
    match EntryKind::parse(&e.kind) {
        Some(EntryKind::VaultCreated) => {
            #[derive(serde::Deserialize)]
            struct Created {
                vault_id: String,
            }
            let p: Created = payload(e)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('vault_id', ?1)",
                [&p.vault_id],
            )?;
        }
        Some(EntryKind::IncidentRecorded) => {
            let p: incident::RecordedPayload = payload(e)?;
            write_incident(
                tx,
                p.incident_id,
                &p.incident,
                &e.recorded_at,
                &e.recorded_at,
            )?;
        }
        Some(EntryKind::IncidentAmended) => {
            let p: incident::AmendedPayload = payload(e)?;
            let old = incident_fields(tx, p.incident_id)?;
            let new = crate::change::apply(&old, &p.changes)?;
            let recorded_at: String = tx.query_row(
                "SELECT recorded_at FROM incident WHERE id = ?1",
                [p.incident_id],
                |r| r.get(0),
            )?;
            write_incident(tx, p.incident_id, &new, &recorded_at, &e.recorded_at)?;
            tx.execute(
                "INSERT INTO amendment (seq, incident_id) VALUES (?1, ?2)",
                params![e.seq as i64, p.incident_id],
            )?;
        }
        Some(EntryKind::PersonRecorded) => {
            let p: person::RecordedPayload = payload(e)?;
            write_person(tx, p.person_id, &p.person)?;
        }
        Some(EntryKind::PersonAmended) => {
            let p: person::AmendedPayload = payload(e)?;
            let old = person_fields(tx, p.person_id)?;
            let new = crate::change::apply(&old, &p.changes)?;
            write_person(tx, p.person_id, &new)?;
        }
        Some(EntryKind::PersonLinked) => {
            let p: LinkPayload = payload(e)?;
            tx.execute(
                "INSERT INTO incident_person (incident_id, person_id, role) VALUES (?1, ?2, ?3)",
                params![p.incident_id, p.person_id, p.role.as_str()],
            )?;
        }
        Some(EntryKind::PersonUnlinked) => {
            let p: LinkPayload = payload(e)?;
            tx.execute(
                "DELETE FROM incident_person WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3",
                params![p.incident_id, p.person_id, p.role.as_str()],
            )?;
        }
        Some(EntryKind::AttachmentAdded) => {
            let p: AddedPayload = payload(e)?;
            tx.execute(
                "INSERT INTO attachment (id, incident_id, sha256, size, meta, added_at, added_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    p.attachment_id,
                    p.incident_id,
                    p.sha256,
                    p.size as i64,
                    serde_json::to_string(&p)?,
                    e.recorded_at,
                    e.seq as i64
                ],
            )?;
            tx.execute(
                "UPDATE incident SET updated_at = ?2 WHERE id = ?1",
                params![p.incident_id, e.recorded_at],
            )?;
        }
        Some(EntryKind::AttachmentWithdrawn) => {
            let p: WithdrawnPayload = payload(e)?;
            tx.execute(
                "DELETE FROM attachment_chunk WHERE attachment_id = ?1",
                [p.attachment_id],
            )?;
            tx.execute(
                "DELETE FROM preview WHERE attachment_id = ?1",
                [p.attachment_id],
            )?;
            tx.execute(
                "UPDATE attachment SET withdrawn_at = ?2, withdrawn_seq = ?3, withdrawn_reason = ?4 WHERE id = ?1",
                params![p.attachment_id, e.recorded_at, e.seq as i64, p.reason],
            )?;
        }
        Some(EntryKind::AttachmentDescribed) => {
            let p: DescribedPayload = payload(e)?;
            tx.execute(
                "UPDATE attachment SET capture_method = ?2, device = ?3 WHERE id = ?1",
                params![p.attachment_id, said(&p.capture_method), said(&p.device)],
            )?;
        }
        Some(EntryKind::ReportLogged) => {
            let p: LoggedPayload = payload(e)?;
            tx.execute(
                "INSERT INTO report (id, incident_id, recorded_at, fields) VALUES (?1, ?2, ?3, ?4)",
                params![
                    p.report_id,
                    p.incident_id,
                    e.recorded_at,
                    serde_json::to_string(&p.report)?
                ],
            )?;
        }
        Some(EntryKind::AnchorRecorded) => {
            let p: AnchorPayload = payload(e)?;
            tx.execute(
                "INSERT INTO anchor (seq, covers_seq, covers_hash, tsa_url, tsa_name, gen_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![e.seq as i64, p.covers_seq as i64, p.covers_hash, p.tsa_url, p.tsa_name, p.gen_time],
            )?;
        }
        Some(EntryKind::PackExported)
        | Some(EntryKind::KeyChanged)
        | Some(EntryKind::SigningKeyCreated)
        | Some(EntryKind::IntegrityAcknowledged)
        | Some(EntryKind::PackManifest) => {}
        None => {
            return Err(Error::integrity(format!(
                "entry {} has an unknown kind '{}'",
                e.seq, e.kind
            )))
        }
    }
    Ok(())
}

/// The current fields of an incident.
pub(crate) fn incident_fields(conn: &Connection, id: i64) -> Result<IncidentFields> {
    let json: Option<String> = conn
        .query_row("SELECT fields FROM incident WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        Some(j) => Ok(serde_json::from_str(&j)?),
        None => Err(Error::not_found(format!("there is no incident {id}"))),
    }
}

/// The current fields of a person.
pub(crate) fn person_fields(conn: &Connection, id: i64) -> Result<PersonFields> {
    let json: Option<String> = conn
        .query_row("SELECT fields FROM person WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        Some(j) => Ok(serde_json::from_str(&j)?),
        None => Err(Error::not_found(format!("there is no person {id}"))),
    }
}

/// Writes the current state row of an incident (insert or replace) and its search text.
fn write_incident(
    tx: &Connection,
    id: i64,
    fields: &IncidentFields,
    recorded_at: &str,
    updated_at: &str,
) -> Result<()> {
    let json = serde_json::to_string(fields)?;
    tx.execute(
        "INSERT INTO incident (id, fields, occurred_utc, kind, channel, recorded_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET fields = excluded.fields, occurred_utc = excluded.occurred_utc,
           kind = excluded.kind, channel = excluded.channel, updated_at = excluded.updated_at",
        params![
            id,
            json,
            incident::occurred_key(fields),
            fields.kind,
            fields.channel,
            recorded_at,
            updated_at
        ],
    )?;
    tx.execute("DELETE FROM incident_fts WHERE rowid = ?1", [id])?;
    tx.execute(
        "INSERT INTO incident_fts (rowid, body) VALUES (?1, ?2)",
        params![id, incident::fts_text(fields)],
    )?;
    Ok(())
}

fn write_person(tx: &Connection, id: i64, f: &PersonFields) -> Result<()> {
    tx.execute(
        "INSERT INTO person (id, fields, name) VALUES (?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET fields = excluded.fields, name = excluded.name",
        params![id, serde_json::to_string(f)?, f.display_name()],
    )?;
    Ok(())
}
