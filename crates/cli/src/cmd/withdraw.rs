//! The `withdraw` verb: purge an attachment added by mistake, keeping its hash and the reason.

use std::path::Path;

use crate::shared::{open, Fail, Secrets};

/// Options of `withdraw`.
#[derive(clap::Args)]
pub struct WithdrawArgs {
    /// Attachment id.
    attachment_id: i64,
    /// Why (required).
    #[arg(long)]
    reason: String,
}

/// `withdraw`: purges the attachment's bytes and says so.
pub fn run(a: WithdrawArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    v.withdraw_attachment(a.attachment_id, &a.reason)?;
    println!(
        "attachment {} withdrawn: its bytes were purged; its hash and your reason are kept",
        a.attachment_id
    );
    Ok(())
}
