//! The `report` verb: log a report made to an authority about an incident.

use std::path::Path;

use evident_core::report::ReportFields;

use crate::shared::{open, Fail, Secrets};

/// Options of `report`.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Incident id.
    id: i64,
    /// platform, council, police, party or other.
    #[arg(long)]
    to: String,
    /// Which organisation or platform.
    #[arg(long, default_value = "")]
    organisation: String,
    /// Reference or crime reference number.
    #[arg(long, default_value = "")]
    reference: String,
    /// Date reported.
    #[arg(long, default_value = "")]
    date: String,
    /// Officer or contact.
    #[arg(long, default_value = "")]
    officer: String,
}

/// `report`: prints the new report's id.
pub fn run(a: ReportArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    let rid = v.log_report(
        a.id,
        ReportFields {
            to: a.to.parse()?,
            organisation: a.organisation,
            reference: a.reference,
            reported_on: a.date,
            officer: a.officer,
            ..Default::default()
        },
    )?;
    println!("{rid}");
    Ok(())
}
