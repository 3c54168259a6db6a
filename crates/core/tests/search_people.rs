//! Timeline search on real SQLCipher covers the people linked to an incident: a name, an alias or a handle finds
//! their incidents, as the incident's own words do.

mod common;

use common::*;
use evident_core::incident::IncidentFilter;
use evident_core::person::PersonFields;

fn search(t: &TempVault, text: &str) -> TestResult<Vec<String>> {
    let filter = IncidentFilter {
        text: Some(text.into()),
        ..Default::default()
    };
    let mut found: Vec<String> = t
        .vault
        .list_incidents(&filter)?
        .into_iter()
        .map(|i| i.summary)
        .collect();
    found.sort();
    assert_eq!(t.vault.count_incidents(&filter)? as usize, found.len());
    Ok(found)
}

#[test]
fn a_name_alias_or_handle_finds_the_persons_incidents() -> TestResult {
    let mut t = temp_vault()?;
    let pid = t.vault.record_person(PersonFields {
        name: "Gareth Pryce".into(),
        aliases: vec!["the van man".into()],
        handles: vec!["@Quiet_Fox22".into()],
        ..Default::default()
    })?;
    t.vault
        .record_incident(fields("Parked outside again"), &[pid])?;
    t.vault
        .record_incident(fields("Comment under my post"), &[pid])?;
    t.vault.record_incident(fields("Unrelated leaflet"), &[])?;
    let both = vec![
        "Comment under my post".to_string(),
        "Parked outside again".to_string(),
    ];
    assert_eq!(search(&t, "@quiet_fox22")?, both);
    assert_eq!(search(&t, "Quiet_Fox")?, both);
    assert_eq!(search(&t, "van man")?, both);
    assert_eq!(search(&t, "pryce")?, both);
    // The incident's own words still count, and a word in neither finds nothing.
    assert_eq!(
        search(&t, "leaflet")?,
        vec!["Unrelated leaflet".to_string()]
    );
    assert!(search(&t, "nobody-at-all")?.is_empty());
    Ok(())
}
