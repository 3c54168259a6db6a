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
    /// Where it happened (in person), e.g. "ward surgery at the library".
    #[arg(long, alias = "location")]
    place: Option<String>,
    /// Platform, for online incidents (e.g. X, Facebook).
    #[arg(long)]
    platform: Option<String>,
    /// Address (URL) of the post, message or page.
    #[arg(long)]
    url: Option<String>,
    /// Account handle that posted or sent it (e.g. @someone).
    #[arg(long, alias = "account-handle")]
    handle: Option<String>,
    /// The date and time shown on the post, as shown.
    #[arg(long)]
    post_time: Option<String>,
    /// Witnesses, in your words.
    #[arg(long)]
    witnesses: Option<String>,
    /// When it happened in your own words, when you know only the day (e.g. "after the evening surgery").
    #[arg(long)]
    time_words: Option<String>,
    /// A police red flag present (code from assets/reference.json: imminent_violence, fixated_or_plan,
    /// weapons, personal_info_released); repeat for several; given at all, replaces the list ("" clears it).
    #[arg(long = "red-flag", alias = "red-flags")]
    red_flags: Vec<String>,
    /// A possible offence (code from assets/reference.json, e.g. pha1997_s1, osa2023_s181); repeat for several;
    /// given at all, replaces the list ("" clears it). Never a claim that a crime was committed.
    #[arg(long = "offence", aliases = ["offences", "possible-offence"])]
    offences: Vec<String>,
}

/// A repeated code option as a list: empty values dropped (so `--red-flag ""` clears the list).
fn codes(v: Vec<String>) -> Vec<String> {
    v.into_iter()
        .flat_map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
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
        if let Some(s) = self.place {
            f.location = s;
        }
        if let Some(s) = self.platform {
            f.platform = s;
        }
        if let Some(s) = self.url {
            f.url = s;
        }
        if let Some(s) = self.handle {
            f.account_handle = s;
        }
        if let Some(s) = self.post_time {
            f.post_time_shown = s;
        }
        if let Some(s) = self.witnesses {
            f.witnesses = s;
        }
        if let Some(s) = self.time_words {
            f.time_words = s;
        }
        if !self.red_flags.is_empty() {
            f.red_flags = codes(self.red_flags);
        }
        if !self.offences.is_empty() {
            f.offences = codes(self.offences);
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
