//! The `attach` verb: add files to an existing incident.

use std::path::{Path, PathBuf};

use crate::shared::{open, user, Fail, Secrets};

/// Options of `attach`.
#[derive(clap::Args)]
pub struct AttachArgs {
    /// Incident id.
    id: i64,
    /// Files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// How you captured them, in your words (e.g. "a screenshot I took on my phone"); recorded in the chain and
    /// used in the statement helper's continuity lines.
    #[arg(long = "how", value_name = "TEXT")]
    how: Option<String>,
    /// On which device (e.g. "my iPhone 13").
    #[arg(long, value_name = "TEXT")]
    device: Option<String>,
}

/// Options of `describe-attachment`.
#[derive(clap::Args)]
pub struct DescribeArgs {
    /// Attachment id (as `attach` and `show` print it).
    attachment_id: i64,
    /// How you captured it, in your words; "" clears it.
    #[arg(long = "how", value_name = "TEXT")]
    how: Option<String>,
    /// On which device; "" clears it.
    #[arg(long, value_name = "TEXT")]
    device: Option<String>,
}

/// `describe-attachment`: records how a file was captured and on which device (the option not given keeps its
/// current value); prints what is now recorded.
pub fn describe(a: DescribeArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    if a.how.is_none() && a.device.is_none() {
        return Err(user(
            "describe-attachment needs --how TEXT, --device TEXT or both",
        ));
    }
    let mut v = open(dir, secrets)?;
    let now = v.attachment(a.attachment_id)?;
    let how = a.how.or(now.capture_method).unwrap_or_default();
    let device = a.device.or(now.device).unwrap_or_default();
    let att = v.describe_attachment(a.attachment_id, &how, &device)?;
    println!(
        "attachment {}: how captured: {}; device: {}",
        att.id,
        att.capture_method.as_deref().unwrap_or("not said"),
        att.device.as_deref().unwrap_or("not said")
    );
    Ok(())
}

/// `attach`: prints `ID SHA256 NAME` for each file as it is recorded.
pub fn run(a: AttachArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    for f in &a.files {
        let att = v.attach_file(a.id, f)?;
        println!("{} {} {}", att.id, att.sha256, att.file_name);
        if a.how.is_some() || a.device.is_some() {
            v.describe_attachment(
                att.id,
                a.how.as_deref().unwrap_or_default(),
                a.device.as_deref().unwrap_or_default(),
            )?;
        }
    }
    Ok(())
}
