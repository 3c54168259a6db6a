//! The full check covers what the app shows beyond the state tables: the journal's incident index (it drives
//! every history), the search index, and previews. Each is changed behind Evident's back and must be reported.

mod common;

use common::{fields, temp_vault, TestResult};

fn problems(t: &common::TempVault) -> TestResult<Vec<String>> {
    let r = t.vault.verify(&mut |_| {})?;
    Ok(r.problems
        .iter()
        .map(|p| format!("{}: {}", p.code, p.message))
        .collect())
}

#[test]
fn the_journal_index_of_incidents_is_checked() -> TestResult {
    let mut t = temp_vault()?;
    let a = t.vault.record_incident(fields("First"), &[])?;
    let b = t.vault.record_incident(fields("Second"), &[])?;
    assert!(problems(&t)?.is_empty());
    // Move the second incident's recording entry into the first incident's history.
    t.vault.tamper_connection().execute(
        "UPDATE journal SET incident_id = ?1 WHERE incident_id = ?2",
        [a, b],
    )?;
    let p = problems(&t)?;
    assert!(
        p.iter()
            .any(|m| m.starts_with("state_mismatch") && m.contains("journal index")),
        "{p:?}"
    );
    Ok(())
}

#[test]
fn the_search_index_is_checked() -> TestResult {
    let mut t = temp_vault()?;
    let id = t
        .vault
        .record_incident(fields("Threat at the surgery"), &[])?;
    t.vault.tamper_connection().execute(
        "UPDATE incident_fts SET body = 'nothing to see' WHERE rowid = ?1",
        [id],
    )?;
    let p = problems(&t)?;
    assert!(p.iter().any(|m| m.contains("search index")), "{p:?}");
    Ok(())
}

#[test]
fn previews_are_checked_and_withdrawal_purges() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("Screenshot"), &[])?;
    let shot = t
        .vault
        .attach_bytes(id, "shot.png", &common::png(64, 32), None)?;
    assert!(shot.has_preview);
    assert!(problems(&t)?.is_empty());

    // A preview replaced by other bytes.
    t.vault.tamper_connection().execute(
        "UPDATE preview SET data = x'00112233' WHERE attachment_id = ?1",
        [shot.id],
    )?;
    let p = problems(&t)?;
    assert!(
        p.iter()
            .any(|m| m.contains(&format!("preview of attachment {}", shot.id))),
        "{p:?}"
    );

    // A preview of an attachment that does not exist.
    t.vault.tamper_connection().execute(
        "UPDATE preview SET attachment_id = 99 WHERE attachment_id = ?1",
        [shot.id],
    )?;
    let p = problems(&t)?;
    assert!(
        p.iter()
            .any(|m| m.contains("belongs to no attachment still held")),
        "{p:?}"
    );
    t.vault
        .tamper_connection()
        .execute("DELETE FROM preview", [])?;

    // Withdrawal: succeeds only when the log was checkpointed, and the check stays clean.
    let other = t
        .vault
        .attach_bytes(id, "other.png", &common::png(64, 32), None)?;
    t.vault
        .withdraw_attachment(other.id, "attached by mistake")?;
    assert!(problems(&t)?.is_empty());
    Ok(())
}
