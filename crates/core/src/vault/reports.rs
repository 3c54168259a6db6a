//! The vault's reports: logging a report made about an incident (through the journal and the projection) and
//! reading them back.

use super::Vault;
use crate::error::Result;
use crate::journal::EntryKind;
use crate::projection;
use crate::report::{LoggedPayload, ReportFields, ReportView};

impl Vault {
    /// Logs a report made about an incident. Returns the report id once durable.
    pub fn log_report(&mut self, incident_id: i64, fields: ReportFields) -> Result<i64> {
        self.write(|w| {
            projection::incident_fields(&w.tx, incident_id)?;
            let id: i64 =
                w.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM report", [], |r| {
                    r.get(0)
                })?;
            let payload = LoggedPayload {
                report_id: id,
                incident_id,
                report: fields,
            };
            w.record(EntryKind::ReportLogged, &payload)?;
            Ok(id)
        })
    }

    /// The reports logged about an incident, in order.
    pub(crate) fn reports_of(&self, incident_id: i64) -> Result<Vec<ReportView>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, recorded_at, fields FROM report WHERE incident_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([incident_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, recorded_at, json) = row?;
            out.push(ReportView {
                id,
                incident_id,
                recorded_at,
                fields: serde_json::from_str(&json)?,
            });
        }
        Ok(out)
    }
}
