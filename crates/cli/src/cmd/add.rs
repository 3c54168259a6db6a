//! The `add` verb: record an incident with its people and files.

use std::path::{Path, PathBuf};

use evident_core::incident::{IncidentFields, Occurred};

use super::details::Details;
use crate::shared::{open, user, Fail, Secrets};

/// Options of `add`.
#[derive(clap::Args)]
pub struct AddArgs {
    /// One line: what happened (required).
    #[arg(long)]
    summary: String,
    #[command(flatten)]
    details: Details,
    /// A person involved (name or @handle); repeat for several. New names are recorded as people.
    #[arg(long = "person")]
    people: Vec<String>,
    /// A file to attach; repeat for several.
    #[arg(long = "attach")]
    attach: Vec<PathBuf>,
}

/// `add`: prints `attachment ID SHA256 NAME` for each file, then the incident's id as the last line.
pub fn run(a: AddArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    for f in &a.attach {
        if !f.is_file() {
            return Err(user(format!(
                "{} is not a file that can be read; nothing was recorded",
                f.display()
            )));
        }
    }
    let mut v = open(dir, secrets)?;
    // Default: now, in the device's local time.
    let mut fields = IncidentFields {
        occurred: Some(Occurred {
            start: chrono::Local::now()
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            end: None,
            approximate: false,
        }),
        summary: a.summary,
        ..Default::default()
    };
    a.details.apply_to(&mut fields)?;
    let fields = fields.validated()?;
    let mut ids = Vec::new();
    for p in &a.people {
        ids.push(v.person_by_name_or_new(p)?);
    }
    // One transaction: the incident, its people and its files are recorded together or not at all.
    let (id, atts) = v.record_incident_with_files(fields, &ids, &a.attach)?;
    for a in atts {
        println!("attachment {} {} {}", a.id, a.sha256, a.file_name);
    }
    println!("{id}");
    Ok(())
}
