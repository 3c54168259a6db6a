//! The `verify-pack` verb: check an evidence pack. It needs no vault and no passphrase (it is what a recipient
//! runs).

use std::path::PathBuf;

use evident_core::pack::verify_pack as check_pack;
use evident_core::ErrorKind;

use crate::shared::{integrity, print_json, Fail};

/// Options of `verify-pack`.
#[derive(clap::Args)]
pub struct VerifyPackArgs {
    /// The pack's ZIP file.
    pack: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// `verify-pack`: exit 0 when every file, the chain and its time-stamps check out, then what the time-stamps
/// prove about each incident and exhibit; exit 2 naming every failure.
pub fn run(a: &VerifyPackArgs) -> Result<(), Fail> {
    let r = match check_pack(&a.pack) {
        Ok(r) => r,
        Err(e) if e.kind() == ErrorKind::PackInvalid => {
            return Err(integrity(e.message()));
        }
        Err(e) => return Err(e.into()),
    };
    if a.json {
        print_json(&r)?;
    } else if r.ok {
        println!(
            "OK: pack {} — {} files ({} bytes), {} exhibits and the chain of {} entries ({} revealed) up to entry {} check out.",
            r.pack_id.as_deref().unwrap_or("?"),
            r.files_checked,
            r.bytes_checked,
            r.exhibits_checked,
            r.entries,
            r.revealed,
            r.head_seq
        );
        println!("Chain head: {}", r.head_hash);
        match r.anchors.iter().max_by_key(|a| (a.covers_seq, a.seq)) {
            None => println!(
                "Time-stamps: none in this pack: every time in it is the diarist's computer's clock."
            ),
            Some(l) => {
                println!(
                    "Time-stamps: {} checked (each token's signature, its certificate chain to the CA recorded with it, its imprint and its time; {} token files in anchors/ match chain.json); the latest shows entries 1 to {} existed no later than {} ({}).",
                    r.anchors.len(),
                    r.anchor_files_checked,
                    l.covers_seq,
                    l.gen_time,
                    l.tsa_name
                );
                println!(
                    "  The CA certificates came with the pack, from the diarist: for the independent check against your own system's roots, run the openssl lines in VERIFY.txt."
                );
            }
        }
    } else {
        for f in &r.failures {
            let what = match (&f.file, f.seq) {
                (Some(file), _) => file.clone(),
                (None, Some(seq)) => format!("entry {seq}"),
                (None, None) => "pack".to_string(),
            };
            println!("FAILED: {what}: {}", f.message);
        }
    }
    if !a.json {
        for t in &r.times {
            let label = t.label();
            let mut c = label.chars();
            let label: String = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            println!("{label}: {}", t.statement);
        }
    }
    if r.ok {
        Ok(())
    } else {
        Err(integrity(format!(
            "the pack does not verify: {} problem(s) found",
            r.failures.len()
        )))
    }
}
