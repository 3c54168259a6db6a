//! Reports made to an authority about an incident (platform, council, police, party): who, when, reference.
//! Owns the report's fields, their rules and its journal payload; stored through the vault (`vault/reports.rs`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A report the person made to someone about an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(default)]
pub struct ReportFields {
    /// `platform`, `council`, `police`, `party` or `other`.
    pub to: String,
    /// Which one: the platform's name, the council contact (single point of contact, monitoring officer), the force.
    pub organisation: String,
    /// How: `101`, `999`, `online`, `email`, `in person`, a platform's report button…
    pub via: String,
    /// When reported (date, or RFC 3339).
    pub reported_on: String,
    /// Report reference or crime reference number.
    pub reference: String,
    /// Officer or contact name.
    pub officer: String,
    /// Outcome so far.
    pub outcome: String,
    /// Follow-ups and notes.
    pub notes: String,
}

/// Allowed values of [`ReportFields::to`].
pub const REPORT_TO: &[&str] = &["platform", "council", "police", "party", "other"];

/// A logged report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportView {
    /// Report id.
    #[ts(type = "number")]
    pub id: i64,
    /// Incident it is about.
    #[ts(type = "number")]
    pub incident_id: i64,
    /// When it was logged in Evident (device clock, UTC).
    pub recorded_at: String,
    /// The report.
    pub fields: ReportFields,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LoggedPayload {
    pub report_id: i64,
    pub incident_id: i64,
    pub report: ReportFields,
}

impl ReportFields {
    /// Checks and tidies the fields: who it was reported to must be one of [`REPORT_TO`].
    pub fn validated(mut self) -> crate::error::Result<Self> {
        self.to = self.to.trim().to_lowercase();
        if !REPORT_TO.contains(&self.to.as_str()) {
            return Err(crate::error::Error::invalid(format!(
                "say who it was reported to: one of {}",
                REPORT_TO.join(", ")
            )));
        }
        Ok(self)
    }
}
