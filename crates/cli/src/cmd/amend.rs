//! The `amend` verb: correct an incident; the original stays in its history.

use std::path::Path;

use super::details::Details;
use crate::shared::{open, Fail, Secrets};

/// Options of `amend`.
#[derive(clap::Args)]
pub struct AmendArgs {
    /// Incident id.
    id: i64,
    /// Why it is being corrected (required).
    #[arg(long)]
    reason: String,
    /// New summary.
    #[arg(long)]
    summary: Option<String>,
    #[command(flatten)]
    details: Details,
}

/// `amend`: prints `amended FIELD: OLD -> NEW` for each field that changed, or that nothing changed.
pub fn run(a: AmendArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    let mut f = v.incident_fields(a.id)?;
    if let Some(s) = a.summary {
        f.summary = s;
    }
    a.details.apply_to(&mut f)?;
    let changes = v.amend_incident(a.id, &a.reason, f)?;
    if changes.is_empty() {
        println!("nothing changed; no amendment recorded");
    } else {
        for c in changes {
            println!("amended {}: {} -> {}", c.field, c.old, c.new);
        }
    }
    Ok(())
}
