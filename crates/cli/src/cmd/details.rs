//! The incident options `add` and `amend` both take, and how they are written into an incident's fields.

use evident_core::incident::{IncidentFields, Occurred};

use crate::shared::Fail;

/// The incident fields `add` and `amend` both take; each one given replaces the field.
#[derive(clap::Args)]
pub struct Details {
    /// What was said or done, verbatim where possible.
    #[arg(long)]
    description: Option<String>,
    /// Kind of abuse (e.g. threat_of_harm).
    #[arg(long)]
    kind: Option<String>,
    /// How it happened (e.g. email, social_media, doorstep).
    #[arg(long)]
    channel: Option<String>,
    /// When it happened: "2026-11-20 21:30" (UK time), "2026-11-20" (approximate) or RFC 3339 (add: default now).
    #[arg(long)]
    occurred: Option<String>,
    /// The impact on you.
    #[arg(long)]
    impact: Option<String>,
}

impl Details {
    /// Writes the given fields into `f` (an empty kind or channel clears it).
    pub fn apply_to(self, f: &mut IncidentFields) -> Result<(), Fail> {
        if let Some(s) = self.description {
            f.description = s;
        }
        if let Some(s) = self.kind {
            f.kind = Some(s).filter(|s| !s.is_empty());
        }
        if let Some(s) = self.channel {
            f.channel = Some(s).filter(|s| !s.is_empty());
        }
        if let Some(s) = self.impact {
            f.impact = s;
        }
        if let Some(w) = self.occurred {
            f.occurred = Some(occurred(&w)?);
        }
        Ok(())
    }
}

fn occurred(s: &str) -> Result<Occurred, Fail> {
    let (t, approximate) = evident_core::time::parse_when(s)?;
    Ok(Occurred {
        start: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        end: None,
        approximate,
    })
}
