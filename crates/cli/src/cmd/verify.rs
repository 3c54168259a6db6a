//! The `verify` verb: the full integrity check of the vault.

use std::path::Path;

use crate::shared::{integrity, open, print_json, Fail, Secrets};

/// Options of `verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Output JSON.
    #[arg(long)]
    json: bool,
}

/// `verify`: prints `OK: …` or a `FAILED: …` line per problem (then any notes), or the report as JSON; exit 2
/// naming the first problem if anything is wrong.
pub fn run(a: VerifyArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let v = open(dir, secrets)?;
    let r = v.verify(&mut |_| {})?;
    if a.json {
        print_json(&r)?;
    } else {
        if r.ok {
            println!(
                "OK: {} entries and {} attachments ({} bytes) verified; head {}",
                r.entries, r.attachments, r.bytes, r.head_hash
            );
        } else {
            for p in &r.problems {
                println!("FAILED: {}", p.message);
            }
        }
        match r.anchors.last() {
            Some(l) => println!(
                "anchors: {} checked; the latest says every entry up to {} existed no later than {} ({})",
                r.anchors.len(),
                l.covers_seq,
                l.gen_time,
                l.tsa_name
            ),
            None => println!(
                "anchors: none — every entry's time rests on this computer's clock alone"
            ),
        }
        for n in &r.notices {
            println!("note: {n}");
        }
    }
    if !r.ok {
        return Err(integrity(format!(
            "integrity check failed: {}",
            r.problems.first().map(|p| p.message.as_str()).unwrap_or("")
        )));
    }
    Ok(())
}
