//! Length limits on real SQLCipher: text longer than a field holds is refused with a typed error (invalid_input,
//! a message with the length and the limit, a hint), never cut; text at the limit is kept whole.

mod common;

use common::*;
use evident_core::incident::{IncidentFields, SUMMARY_MAX_CHARS, TEXT_MAX_CHARS};
use evident_core::ErrorKind;

#[test]
fn a_summary_over_the_limit_is_refused_not_cut() -> TestResult {
    let mut t = temp_vault()?;
    let head = t.vault.head()?;
    let long: String = "é".repeat(2000);
    let Err(e) = t.vault.record_incident(fields(&long), &[]) else {
        return Err("a 2,000-character summary was recorded".into());
    };
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("2000"), "{}", e.message());
    assert!(e.message().contains(&SUMMARY_MAX_CHARS.to_string()));
    assert!(e.hint().is_some());
    assert_eq!(t.vault.head()?, head, "nothing was recorded");

    // Exactly at the limit (counted in characters, not bytes): kept whole.
    let full: String = "é".repeat(SUMMARY_MAX_CHARS);
    let id = t.vault.record_incident(fields(&full), &[])?;
    assert_eq!(t.vault.incident(id)?.fields.summary, full);

    // An amendment that makes it longer is refused too.
    let Err(e) = t
        .vault
        .amend_incident(id, "longer", fields(&format!("{full}x")))
    else {
        return Err("an amendment over the limit was recorded".into());
    };
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    Ok(())
}

#[test]
fn other_text_over_its_limit_is_refused_not_cut() -> TestResult {
    let mut t = temp_vault()?;
    let ok = IncidentFields {
        description: "w".repeat(TEXT_MAX_CHARS),
        ..fields("At the limit")
    };
    let id = t.vault.record_incident(ok, &[])?;
    assert_eq!(
        t.vault.incident(id)?.fields.description.chars().count(),
        TEXT_MAX_CHARS
    );
    let over = IncidentFields {
        impact: "w".repeat(TEXT_MAX_CHARS + 1),
        ..fields("Over the limit")
    };
    let Err(e) = t.vault.record_incident(over, &[]) else {
        return Err("an impact over the limit was recorded".into());
    };
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("impact"), "{}", e.message());
    Ok(())
}
