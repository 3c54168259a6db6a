//! Rollback memory: a whole older vault folder copied back (its own `head` file included) is noticed through
//! the record kept outside the folder; the failed open check leaves a mark that later writes and checks do not
//! erase, shown at every unlock until acknowledged with a reason, and the acknowledgement is in the chain.

mod common;
#[path = "common/dirs.rs"]
mod dirs;

use std::path::Path;

use common::{fields, temp_vault, TestResult, PASS};
use dirs::copy_dir;
use evident_core::{Passphrase, Vault};

fn open(dir: &Path) -> TestResult<Vault> {
    Ok(Vault::open(dir, &Passphrase::new(PASS.into()))?)
}

#[test]
fn a_whole_older_folder_put_back_is_noticed_and_the_mark_stays_until_acknowledged() -> TestResult {
    let t = temp_vault()?;
    let dir = t.dir();
    drop(t.vault);
    let mut v = open(&dir)?;
    v.record_incident(fields("before the copy"), &[])?;
    drop(v);
    let saved = dir.with_file_name("saved-copy");
    copy_dir(&dir, &saved)?;
    let mut v = open(&dir)?;
    v.record_incident(fields("after the copy: lost by the rollback"), &[])?;
    drop(v);

    // The whole folder, head file and all, is put back.
    std::fs::remove_dir_all(&dir)?;
    copy_dir(&saved, &dir)?;
    let mut v = open(&dir)?;
    assert_eq!(
        v.open_check().status,
        "failed",
        "{}",
        v.open_check().message
    );
    assert!(
        v.open_check().message.contains("on this computer"),
        "{}",
        v.open_check().message
    );
    let r = v.verify(&mut |_| {})?;
    assert!(
        r.problems.iter().any(|p| p.code == "head_mismatch"),
        "{:?}",
        r.problems
    );

    // A later write re-anchors the head records, but the mark keeps the problem shown.
    v.record_incident(fields("written after the rollback"), &[])?;
    drop(v);
    let mut v = open(&dir)?;
    assert_eq!(
        v.open_check().status,
        "failed",
        "the mark stays: {}",
        v.open_check().message
    );
    let mark = v.integrity_mark()?.ok_or("a mark is kept")?;
    assert!(v.acknowledge_integrity("  ").is_err(), "a reason is needed");
    v.acknowledge_integrity("I restored an older copy myself")?;
    assert!(v.integrity_mark()?.is_none());
    let last = v.journal_entries(1)?.pop().ok_or("no entries")?;
    assert_eq!(last.kind, "vault.integrity_acknowledged");
    let payload = String::from_utf8(last.payload)?;
    assert!(
        payload.contains("I restored an older copy myself") && payload.contains(&mark.noticed_at)
    );
    drop(v);
    let v = open(&dir)?;
    assert_eq!(v.open_check().status, "ok", "{}", v.open_check().message);
    assert!(v.verify(&mut |_| {})?.ok);
    Ok(())
}

#[test]
fn deleting_the_head_file_alone_hides_nothing() -> TestResult {
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("one"), &[])?;
    let dir = t.dir();
    drop(t.vault);
    std::fs::remove_file(dir.join("head"))?;
    let v = open(&dir)?;
    assert_eq!(
        v.open_check().status,
        "ok",
        "the record on this computer still vouches: {}",
        v.open_check().message
    );
    Ok(())
}
