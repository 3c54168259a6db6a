//! The `show` verb: one incident with its people, attachments and history.

use std::path::Path;

use crate::shared::{open, print_json, Fail, Secrets};

/// Options of `show`.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// Incident id.
    id: i64,
    /// Output JSON.
    #[arg(long)]
    json: bool,
}

/// `show`: the incident as labelled lines, or with `--json` in full.
pub fn run(a: ShowArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let v = open(dir, secrets)?;
    let d = v.incident(a.id)?;
    if a.json {
        return print_json(&d);
    }
    println!("Incident {}: {}", d.id, d.summary);
    println!("Occurred: {}", d.occurred_at.clone().unwrap_or_default());
    println!("Recorded: {}", d.recorded_at);
    println!(
        "Kind: {}  Channel: {}",
        d.kind.clone().unwrap_or_default(),
        d.channel.clone().unwrap_or_default()
    );
    println!("What was said or done: {}", d.description);
    for p in &d.people {
        println!("Person {} ({}): {}", p.id, p.role, p.name);
    }
    for a in &d.attachments {
        let w = a
            .withdrawn
            .as_ref()
            .map(|w| format!(" [withdrawn {}: {}]", w.at, w.reason))
            .unwrap_or_default();
        println!(
            "Attachment {}: {} {} bytes {} sha256 {}{w}",
            a.id, a.file_name, a.size, a.media_type, a.sha256
        );
    }
    for h in &d.history {
        println!(
            "#{} {} {}{}",
            h.seq,
            h.recorded_at,
            h.description,
            h.reason
                .as_ref()
                .map(|r| format!(" — reason: {r}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
