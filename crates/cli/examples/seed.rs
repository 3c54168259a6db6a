//! Seeds a vault with many incidents quickly, for the end-to-end timing of the timeline.
//!
//! `cargo run -p evident-cli --example seed -- DIR N [PASSPHRASE]`
//!
//! Creates the vault at DIR if there is none (passphrase from the third argument, else
//! `EVIDENT_PASSPHRASE`, else a fixed test passphrase), then records N incidents through
//! `Vault::record_incident` (so every one is a real journal entry), spread over the past N hours,
//! cycling through the reference kinds and channels and a few people. One unlock (one Argon2 run)
//! for the whole batch; `evident-cli add` would unlock once per incident.
//!
//! Seeding only: it turns off SQLite's fsync for its own connection (durability does not matter for a
//! throwaway test vault; the journal and its hashes are written exactly as the app writes them).

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, Local};
use evident_core::incident::{IncidentFields, Occurred};
use evident_core::person::PersonFields;
use evident_core::reference::reference;
use evident_core::{Passphrase, Vault};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: seed DIR N [PASSPHRASE]";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let n: usize = args.next().ok_or(usage)?.parse()?;
    let pass = args
        .next()
        .or_else(|| std::env::var("EVIDENT_PASSPHRASE").ok())
        .unwrap_or_else(|| "correct horse battery staple seed".to_string());

    let started = Instant::now();
    let mut vault = if Vault::exists(&dir) {
        Vault::open(&dir, &Passphrase::new(pass))?
    } else {
        std::fs::create_dir_all(&dir)?;
        let (v, recovery) = Vault::create(&dir, &Passphrase::new(pass))?;
        drop(recovery);
        v
    };
    vault
        .tamper_connection()
        .execute_batch("PRAGMA synchronous = OFF;")?;

    let r = reference();
    let kinds: Vec<String> = r.kinds.iter().map(|c| c.code.clone()).collect();
    let channels: Vec<String> = r.channels.iter().map(|c| c.code.clone()).collect();
    let mut people = Vec::new();
    for (i, name) in ["Seed Person A", "Seed Person B", "Seed Person C"]
        .iter()
        .enumerate()
    {
        people.push(vault.record_person(PersonFields {
            name: (*name).to_string(),
            handles: vec![format!("@seed_{i}")],
            ..Default::default()
        })?);
    }

    let now = Local::now().fixed_offset();
    for i in 0..n {
        let when = now - Duration::hours(i as i64 + 1);
        let fields = IncidentFields {
            occurred: Some(Occurred {
                start: when.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                end: None,
                approximate: i % 7 == 0,
            }),
            kind: kinds.get(i % kinds.len().max(1)).cloned(),
            channel: channels.get(i % channels.len().max(1)).cloned(),
            summary: format!("Seeded incident {}", i + 1),
            description: format!(
                "Seeded description number {} for timing the timeline.",
                i + 1
            ),
            ..Default::default()
        };
        let who = people
            .get(i % people.len())
            .copied()
            .into_iter()
            .collect::<Vec<_>>();
        vault.record_incident(fields, &who)?;
        if (i + 1) % 1000 == 0 {
            eprintln!(
                "seeded {} incidents ({:.1} s)",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "seeded {n} incidents into {} in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
