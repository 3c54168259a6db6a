//! Reports made to an authority about an incident (platform, council, police, party): who, when, reference.
//! Owns the report's fields, their rules and its journal payload; stored through the vault (`vault/reports.rs`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// A report the person made to someone about an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(default)]
pub struct ReportFields {
    /// Who it was reported to.
    pub to: ReportTarget,
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

/// Who a report was made to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum ReportTarget {
    /// The platform (a report button, a form).
    Platform,
    /// The council (single point of contact, member services, monitoring officer).
    Council,
    /// The police (101, 999, online).
    Police,
    /// The person's party.
    Party,
    /// Anyone else.
    #[default]
    Other,
}

impl ReportTarget {
    /// Every target, in the order a form lists them.
    pub const ALL: [ReportTarget; 5] = [
        Self::Platform,
        Self::Council,
        Self::Police,
        Self::Party,
        Self::Other,
    ];

    /// The target's word in the journal and across IPC.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Platform => "platform",
            Self::Council => "council",
            Self::Police => "police",
            Self::Party => "party",
            Self::Other => "other",
        }
    }
}

impl std::fmt::Display for ReportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ReportTarget {
    type Err = Error;
    /// Parses a target as a person types it (any case, spaces around).
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "say who it was reported to: one of {}",
                    Self::ALL.map(|t| t.as_str()).join(", ")
                ))
            })
    }
}

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
