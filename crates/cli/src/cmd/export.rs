//! The `export` verb: an evidence pack (ZIP) of the chosen incidents, recorded in the journal.

use std::path::{Path, PathBuf};

use evident_core::pack::{PackRequest, PackSelection, Recipient, Redaction};

use crate::shared::{open, print_json, user, Fail, Secrets};

/// Options of `export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The ZIP file to write (with --portal: the folder to write the portal's files into).
    #[arg(long)]
    out: PathBuf,
    /// For an upload portal (Axon Citizen takes 16 files of up to 2 GB each): write into the folder --out at most
    /// 16 files: report.pdf, the complete pack as evidence-pack.zip, and the exhibits that fit, each on its own.
    #[arg(long)]
    portal: bool,
    /// Include every incident.
    #[arg(long)]
    all: bool,
    /// Incidents that happened on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    from: Option<String>,
    /// Incidents that happened on or before this date (inclusive).
    #[arg(long)]
    to: Option<String>,
    /// A person (id, name, alias or handle) and all their incidents.
    #[arg(long)]
    person: Option<String>,
    /// Only these kinds (codes); repeat or list several.
    #[arg(long = "kind", num_args = 1..)]
    kinds: Vec<String>,
    /// Exactly these incidents (ids); repeat or list several.
    #[arg(long = "incident", num_args = 1..)]
    incidents: Vec<i64>,
    /// Who the pack is for.
    #[arg(long)]
    recipient_name: String,
    /// Their organisation (police force, council).
    #[arg(long, default_value = "")]
    recipient_org: String,
    /// Crime reference number, if known.
    #[arg(long)]
    crime_ref: Option<String>,
    /// Your name, for the cover sheet.
    #[arg(long)]
    author_name: String,
    /// Your contact details, for the cover sheet.
    #[arg(long, default_value = "")]
    author_contact: String,
    /// Exhibit-reference initials (default: from your name, e.g. AB).
    #[arg(long)]
    initials: Option<String>,
    /// Leave a value out of this pack, shown as "redacted by the diarist" (still provably part of the record):
    /// incident:ID:FIELD or person:ID:FIELD, e.g. incident:3:location. Every value the field has held is left
    /// out. Repeat for more.
    #[arg(long = "redact", value_name = "incident:ID:FIELD")]
    redact: Vec<String>,
    /// Leave out only the earlier values of a field (e.g. a name an amendment removed); what it says now stays.
    /// Same form as --redact.
    #[arg(long = "redact-earlier", value_name = "incident:ID:FIELD")]
    redact_earlier: Vec<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// `export`: writes the pack and records the export in the journal.
pub fn run(a: ExportArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut vault = open(dir, secrets)?;
    let person_id = match a.person.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => match p.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let found = vault.find_person(p)?;
                Some(found.ok_or_else(|| {
                    user(format!("no person called '{p}' — see `evident-cli list` for names, or give the person's id"))
                })?)
            }
        },
    };
    let req = PackRequest {
        selection: PackSelection {
            all: a.all,
            from: a.from,
            to: a.to,
            person_id,
            kinds: a.kinds,
            incident_ids: a.incidents,
        },
        recipient: Recipient {
            name: a.recipient_name,
            organisation: a.recipient_org,
            crime_reference: a.crime_ref.filter(|s| !s.trim().is_empty()),
        },
        author_name: a.author_name,
        author_contact: a.author_contact,
        initials: a.initials,
        redactions: a
            .redact
            .iter()
            .map(|r| Redaction::parse(r, false))
            .chain(a.redact_earlier.iter().map(|r| Redaction::parse(r, true)))
            .collect::<Result<Vec<_>, _>>()?,
    };
    if let (Some(asked), Some(fixed)) = (&req.initials, vault.fixed_exhibit_initials()?) {
        if !asked.trim().eq_ignore_ascii_case(&fixed) {
            eprintln!(
                "Note: this diary's exhibit marks begin {fixed} (fixed at its first pack, so that a mark means the same file in every pack); --initials {asked} is not used."
            );
        }
    }
    if a.portal {
        let p = vault.export_portal(&req, &a.out)?;
        if a.json {
            return print_json(&p);
        }
        println!(
            "Exported pack {} for an upload portal into {}: {} files to upload (at most {}, each at most {} bytes):",
            p.pack.pack_id,
            a.out.display(),
            p.files.len(),
            evident_core::pack::portal::PORTAL_MAX_FILES,
            evident_core::pack::portal::PORTAL_MAX_BYTES
        );
        for f in &p.files {
            println!("  {}  {} bytes", f.name, f.bytes);
        }
        if !p.in_zip_only.is_empty() {
            println!(
                "In evidence-pack.zip only (no room for them as files of their own): {}",
                p.in_zip_only.join(", ")
            );
        }
        println!("SHA-256 of evidence-pack.zip: {}", p.pack.zip_sha256);
        println!(
            "Keep, do not upload: the handover receipt {} and {}",
            p.pack.receipt_path, p.pack.receipt_pdf_path
        );
        return Ok(());
    }
    let s = vault.export_pack(&req, &a.out)?;
    if a.json {
        print_json(&s)?;
    } else {
        println!(
            "Exported pack {} to {}: {} incidents, {} exhibits, {} bytes.",
            s.pack_id,
            s.path,
            s.incident_ids.len(),
            s.exhibit_count,
            s.bytes
        );
        println!("Chain head: entry {} {}", s.head_seq, s.head_hash);
        println!(
            "Recorded as journal entry {} (SHA256SUMS {}).",
            s.export_seq, s.pack_sha256
        );
        println!("SHA-256 of the ZIP: {}", s.zip_sha256);
        println!("Signing key: {}", s.signing_fingerprint_spaced);
        println!("Exported: {}", s.exported_at_uk);
        for l in &s.located {
            println!(
                "Note: {} carries a GPS position (where the photo was taken); the recipient receives it as it is",
                l.file_name
            );
        }
        println!(
            "Handover receipt: {} and {}",
            s.receipt_path, s.receipt_pdf_path
        );
    }
    Ok(())
}
