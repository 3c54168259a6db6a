//! The `list` verb: incidents newest first, as tab-separated lines or JSON.

use std::path::Path;

use evident_core::incident::IncidentFilter;

use crate::shared::{open, print_json, Fail, Secrets};

/// Options of `list`.
#[derive(clap::Args)]
pub struct ListArgs {
    /// Output JSON.
    #[arg(long)]
    json: bool,
    /// Full-text search.
    #[arg(long)]
    search: Option<String>,
}

/// `list`: one line per incident (id, occurred, kind, channel, summary, people; tab-separated), or with `--json`
/// every incident in full.
pub fn run(a: ListArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let v = open(dir, secrets)?;
    let list = v.list_incidents(&IncidentFilter {
        text: a.search,
        ..Default::default()
    })?;
    if a.json {
        let mut all = Vec::with_capacity(list.len());
        for i in &list {
            all.push(v.incident(i.id)?);
        }
        print_json(&all)?;
    } else {
        for i in list {
            let people: Vec<_> = i.people.iter().map(|p| p.name.as_str()).collect();
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                i.id,
                i.occurred_at.unwrap_or_default(),
                i.kind.unwrap_or_default(),
                i.channel.unwrap_or_default(),
                i.summary,
                people.join(", ")
            );
        }
    }
    Ok(())
}
