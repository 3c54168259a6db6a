//! The `verify-pack` verb: check an evidence pack. It needs no vault and no passphrase (it is what a recipient
//! runs).

use std::path::PathBuf;

use evident_core::pack::{verify_pack_against, ExpectedHead, PackExpectations, PackVerifyReport};
use evident_core::signing::spaced_fingerprint;
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
    /// A head you noted earlier, as SEQ:HASH (entry number and its 64-digit entry hash, e.g. from a record
    /// fingerprint): this pack's chain must contain that entry with that hash.
    #[arg(long, value_name = "SEQ:HASH")]
    expect_head: Option<String>,
    /// An earlier pack from the same diary: it must verify, be signed with the same key, and its head must be
    /// in this pack's chain.
    #[arg(long, value_name = "OLD_PACK.zip")]
    prior: Option<PathBuf>,
}

/// `verify-pack`: exit 0 when every file, the chain and its time-stamps check out, then what the time-stamps
/// prove about each incident and exhibit; exit 2 naming every failure.
pub fn run(a: &VerifyPackArgs) -> Result<(), Fail> {
    let mut exp = PackExpectations::default();
    if let Some(h) = &a.expect_head {
        exp.heads.push(h.parse::<ExpectedHead>()?);
    }
    if let Some(p) = &a.prior {
        exp.priors.push(p.clone());
    }
    let r = match verify_pack_against(&a.pack, &exp) {
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
        print_signature_and_extends(&r);
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

/// The signature, the heads checked against what the recipient held, and files an operating system added.
fn print_signature_and_extends(r: &PackVerifyReport) {
    match (&r.signing_fingerprint, r.signature_ok, r.signing_key_seq) {
        (Some(f), true, Some(seq)) if r.signed_by.as_deref() == Some(f.as_str()) => println!(
            "Signature: good. SHA256SUMS is signed by the diary's key {} (recorded in entry {seq}). Compare this \
             fingerprint with the one the diarist gave you separately: it proves the pack was made with this \
             diary's key, not who holds it.",
            spaced_fingerprint(f)
        ),
        _ => println!(
            "Signature: NOT verified{}.",
            r.signing_fingerprint
                .as_deref()
                .map(|f| format!(" (the diary's key recorded in chain.json is {})", spaced_fingerprint(f)))
                .unwrap_or_default()
        ),
    }
    for x in &r.extends {
        let what = match &x.pack_id {
            Some(id) => format!("{} (pack {id})", x.source),
            None => x.source.clone(),
        };
        if x.found {
            println!(
                "Extends {what}: entry {} with hash {} is in this pack's chain.",
                x.seq, x.entry_hash
            );
        } else {
            println!("Does NOT extend {what}: entry {} {}.", x.seq, x.entry_hash);
        }
    }
    for n in &r.notes {
        println!("Note: {}: {}", n.file, n.message);
    }
    for n in &r.clock_notes {
        println!("Time to note: {}", n.message);
    }
}
