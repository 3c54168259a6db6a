//! The `attach` verb: add files to an existing incident.

use std::path::{Path, PathBuf};

use crate::shared::{open, Fail, Secrets};

/// Options of `attach`.
#[derive(clap::Args)]
pub struct AttachArgs {
    /// Incident id.
    id: i64,
    /// Files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// `attach`: prints `ID SHA256 NAME` for each file as it is recorded.
pub fn run(a: AttachArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    for f in &a.files {
        let att = v.attach_file(a.id, f)?;
        println!("{} {} {}", att.id, att.sha256, att.file_name);
    }
    Ok(())
}
