//! The `verify` and `acknowledge` verbs: the full integrity check of the vault, and acknowledging a problem
//! noticed at an earlier open (the integrity mark), with a reason.

use std::path::Path;

use crate::shared::{integrity, open, print_json, user, Fail, Secrets};

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

/// Options of `acknowledge`.
#[derive(clap::Args)]
pub struct AcknowledgeArgs {
    /// Why it happened, in your own words, e.g. "I restored an older backup myself" (recorded in the chain).
    #[arg(long)]
    reason: String,
}

/// `acknowledge`: records the reason in the chain with what was noticed, and clears the mark; exit 1 when there
/// is nothing to acknowledge or the reason is blank.
pub fn acknowledge(a: AcknowledgeArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    let Some(mark) = v.integrity_mark()? else {
        return Err(user("there is no integrity problem to acknowledge"));
    };
    v.acknowledge_integrity(&a.reason)?;
    println!(
        "acknowledged: {} (noticed {}); your reason is recorded in the chain",
        mark.message, mark.noticed_at
    );
    Ok(())
}
