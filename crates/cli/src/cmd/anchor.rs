//! The `anchor`, `tsa` and `fingerprint` verbs: trusted time. `anchor` asks Time-Stamping Authorities to
//! time-stamp the chain head now (only its SHA-256 is sent) and records each good token; `tsa` manages which
//! authorities are asked and turns network anchoring on or off; `fingerprint` prints the record fingerprint to
//! send to someone by email or text, for a record that never goes online.

use std::path::{Path, PathBuf};

use evident_core::anchor::fingerprint;
use evident_core::tsa::TsaConfig;

use crate::shared::{open, print_json, user, Fail, Secrets};

/// Options of `anchor`.
#[derive(clap::Args)]
pub struct AnchorArgs {
    /// Ask only this TSA (repeatable, each with its --ca); otherwise the configured ones.
    #[arg(long = "tsa", value_name = "URL")]
    tsa: Vec<String>,
    /// The CA certificate file (PEM) the matching --tsa's tokens must chain to.
    #[arg(long = "ca", value_name = "CERT_FILE")]
    ca: Vec<PathBuf>,
    /// Output JSON.
    #[arg(long)]
    json: bool,
}

fn read_ca(path: &Path) -> Result<String, Fail> {
    std::fs::read_to_string(path)
        .map_err(|e| user(format!("{} cannot be read: {e}", path.display())))
}

/// `anchor`: one line per TSA with its time; exit 0 when at least one anchor was recorded (or the head was
/// already anchored), 1 with a one-line reason when none was (the attempt is queued for a retry).
pub fn run(a: AnchorArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    if a.tsa.len() != a.ca.len() {
        return Err(user("give one --ca CERT_FILE for each --tsa URL"));
    }
    let only = if a.tsa.is_empty() {
        None
    } else {
        let mut list = Vec::new();
        for (url, ca) in a.tsa.iter().zip(&a.ca) {
            list.push(TsaConfig {
                url: url.clone(),
                ca_pem: read_ca(ca)?,
            });
        }
        Some(list)
    };
    let mut v = open(dir, secrets)?;
    if only.is_none() && !v.anchoring_enabled()? {
        return Err(user(
            "network anchoring is off — turn it on with `evident-cli tsa on`, or give --tsa URL --ca CERT_FILE",
        ));
    }
    let attempts = v.anchor_now(only)?;
    if a.json {
        print_json(&attempts)?;
    } else {
        for t in &attempts {
            match (&t.anchor, &t.error) {
                (Some(an), _) => println!(
                    "{}: {} (entry {} anchored as entry {}, {})",
                    t.tsa_url, an.gen_time, an.covers_seq, an.seq, an.tsa_name
                ),
                (None, Some(e)) => println!("{}: failed: {e}", t.tsa_url),
                (None, None) => println!("{}: already anchored at this head", t.tsa_url),
            }
        }
    }
    if attempts.iter().any(|t| t.anchor.is_some() || t.already) {
        Ok(())
    } else {
        let why = attempts
            .iter()
            .filter_map(|t| t.error.as_deref())
            .collect::<Vec<_>>()
            .join("; ");
        Err(user(format!(
            "no anchor was recorded ({why}); it will be tried again later"
        )))
    }
}

/// What `tsa` does.
#[derive(clap::Subcommand)]
pub enum TsaCmd {
    /// List the Time-Stamping Authorities anchoring uses, and whether it is on.
    List {
        /// Output JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add a TSA (http:// address) with the CA certificate file its tokens must chain to; turns anchoring on.
    Add {
        /// The TSA's address.
        url: String,
        /// CA certificate file (PEM).
        #[arg(long, value_name = "FILE")]
        ca: PathBuf,
    },
    /// Remove a TSA.
    Remove {
        /// The TSA's address.
        url: String,
    },
    /// Turn network anchoring off entirely: no request of any kind leaves this computer.
    Off,
    /// Turn network anchoring on.
    On,
}

/// Options of `tsa`.
#[derive(clap::Args)]
pub struct TsaArgs {
    #[command(subcommand)]
    cmd: TsaCmd,
}

/// `tsa list | add URL --ca FILE | remove URL | off | on`.
pub fn tsa(a: TsaArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    match a.cmd {
        TsaCmd::List { json } => {
            let s = v.anchor_status()?;
            if json {
                print_json(&s)?;
            } else {
                println!(
                    "network anchoring: {}",
                    if s.enabled { "on" } else { "off" }
                );
                for t in &s.tsas {
                    println!("{}\t{}", t.url, t.name);
                }
            }
        }
        TsaCmd::Add { url, ca } => {
            let t = v.tsa_add(&url, &read_ca(&ca)?)?;
            println!("added {} ({}); network anchoring is on", t.url, t.name);
        }
        TsaCmd::Remove { url } => {
            v.tsa_remove(&url)?;
            println!("removed {url}");
        }
        TsaCmd::Off => {
            v.set_anchoring(false)?;
            println!("network anchoring is off");
        }
        TsaCmd::On => {
            v.set_anchoring(true)?;
            println!("network anchoring is on");
        }
    }
    Ok(())
}

/// `fingerprint`: the record fingerprint (head number, hash and six words), and where trusted time stands.
pub fn fingerprint_cmd(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let v = open(dir, secrets)?;
    let head = v.head()?;
    println!("{}", fingerprint(head.seq, &head.entry_hash));
    let s = v.anchor_status()?;
    match &s.last {
        Some(l) => println!(
            "last anchored: {} by {} (entry {}); {} entries since rest on this computer's clock alone",
            l.gen_time, l.tsa_name, l.covers_seq, s.unanchored
        ),
        None => println!(
            "not anchored yet: all {} entries' times rest on this computer's clock alone",
            s.unanchored
        ),
    }
    Ok(())
}
