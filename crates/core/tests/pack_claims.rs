//! Every claim of an evidence pack checked against its chain: `verify_pack` and verify.html (headless Chromium)
//! replay the revealed entries of chain.json into the included incidents and compare them with incidents.json
//! and incidents.csv, naming the incident and the field of a difference; `verify_pack` also renders report.pdf
//! again from the checked records and compares it byte for byte. An honest pack with amendments, people linked
//! and unlinked, reports, exhibits, a withdrawn attachment and hostile text passes.

mod common;
#[path = "common/packzip.rs"]
mod packzip;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::{png, temp_vault, TempVault, TestResult};
use evident_core::check::FailureCode;
use evident_core::incident::{IncidentFields, Occurred};
use evident_core::pack::{verify_pack, PackRequest, PackSelection, PackVerifyReport, Recipient};
use evident_core::person::PersonFields;
use evident_core::report::{ReportFields, ReportTarget};
use packzip::{browser, rewrite, Sums};

/// Hostile text: a right-to-left override, quotes, a formula, a comma and a newline.
const HOSTILE: &str = "=cmd|' /C calc'!A0 \"quoted\", he said \u{202E}gnp.exe\nsecond line";

struct Fixture {
    tv: TempVault,
    /// [0] amended, with a report, a person unlinked and exhibits; [1] a witness, a withdrawn file; [2] excluded.
    ids: Vec<i64>,
    work: PathBuf,
}

fn at(s: &str) -> Option<Occurred> {
    Some(Occurred {
        start: s.into(),
        end: None,
        approximate: false,
    })
}

fn fixture() -> TestResult<Fixture> {
    let mut tv = temp_vault()?;
    let v = &mut tv.vault;
    let mallory = v.record_person(PersonFields {
        name: "Mallory \"The Troll\"".into(),
        handles: vec!["@mallory_t".into()],
        ..Default::default()
    })?;
    let wendy = v.record_person(PersonFields {
        name: "Wendy Witness".into(),
        ..Default::default()
    })?;
    let wrong = v.record_person(PersonFields {
        name: "Not Involved".into(),
        ..Default::default()
    })?;
    let a = v.record_incident(
        IncidentFields {
            occurred: at("2026-10-01T21:30:00+01:00"),
            kind: Some("threat_of_harm".into()),
            channel: Some("email".into()),
            summary: "-threatening email".into(),
            description: HOSTILE.into(),
            impact: "+I no longer open my email alone".into(),
            witnesses: "@neighbour".into(),
            url: "https://example.invalid/post/1".into(),
            red_flags: vec![],
            ..Default::default()
        },
        &[mallory, wrong],
    )?;
    let b = v.record_incident(
        IncidentFields {
            occurred: at("2026-10-05T09:00:00+01:00"),
            summary: "waited outside ward surgery".into(),
            description: "Stood by the door for an hour.".into(),
            ..Default::default()
        },
        &[mallory],
    )?;
    let c = v.record_incident(
        IncidentFields {
            occurred: at("2026-09-15T12:00:00+01:00"),
            summary: "EXCLUDEDSECRET private matter".into(),
            ..Default::default()
        },
        &[],
    )?;
    v.link_person(b, wendy, "witness")?;
    v.unlink_person(a, wrong, "subject", "Linked by mistake")?;
    let mut amended = v.incident_fields(a)?;
    amended.description.push_str(" (he signed it M.)");
    amended.location = "Outside the town hall".into();
    v.amend_incident(a, "Added the signature I missed", amended)?;
    v.amend_person(
        mallory,
        "Found his other handle",
        PersonFields {
            name: "Mallory \"The Troll\"".into(),
            handles: vec!["@mallory_t".into(), "@m_troll".into()],
            ..Default::default()
        },
    )?;
    v.log_report(
        a,
        ReportFields {
            to: ReportTarget::Police,
            organisation: "Example Constabulary".into(),
            reference: "CRIME/12345/26".into(),
            ..Default::default()
        },
    )?;
    v.attach_bytes(a, "screenshot \u{202E}gnp.exe", &png(120, 80), None)?;
    v.attach_bytes(b, "notes.txt", b"=1+1 he said", None)?;
    let w = v.attach_bytes(b, "wrong.png", &png(20, 20), None)?;
    v.withdraw_attachment(w.id, "Attached the wrong screenshot")?;
    v.attach_bytes(c, "EXCLUDEDSECRET.txt", b"secret", None)?;
    let work = tv.tmp.path().join("work");
    std::fs::create_dir_all(&work)?;
    Ok(Fixture {
        tv,
        ids: vec![a, b, c],
        work,
    })
}

fn export(f: &mut Fixture, name: &str) -> TestResult<PathBuf> {
    let zip = f.work.join(name);
    f.tv.vault.export_pack(
        &PackRequest {
            selection: PackSelection {
                incident_ids: vec![f.ids[0], f.ids[1]],
                ..Default::default()
            },
            recipient: Recipient {
                name: "DC Jane Officer".into(),
                organisation: "Example Constabulary".into(),
                crime_reference: None,
            },
            author_name: "Alice Bloggs".into(),
            author_contact: "alice@example.invalid".into(),
            initials: None,
            redactions: Vec::new(),
        },
        &zip,
    )?;
    Ok(zip)
}

/// The data_mismatch failures of a report, as "file: message" lines.
fn mismatches(r: &PackVerifyReport) -> Vec<String> {
    r.failures
        .iter()
        .filter(|f| f.code == FailureCode::DataMismatch)
        .map(|f| format!("{}: {}", f.file.clone().unwrap_or_default(), f.message))
        .collect()
}

/// Asserts that `verify_pack` and verify.html both fail `zip` with a failure containing `needle`.
fn both_fail(zip: &Path, file: &str, needle: &str) -> TestResult {
    let r = verify_pack(zip)?;
    assert!(
        !r.ok,
        "verify_pack passed a pack that should fail with {needle}"
    );
    let m = mismatches(&r);
    assert!(
        m.iter()
            .any(|l| l.starts_with(&format!("{file}: ")) && l.contains(needle)),
        "verify_pack did not name '{needle}' in {file}: {m:#?}"
    );
    if let Some(v) = browser(zip)? {
        assert_eq!(v["status"], "fail", "verify.html: {v}");
        let fails = v["failures"].to_string();
        assert!(
            fails.contains(needle),
            "verify.html did not name '{needle}': {fails}"
        );
        assert_eq!(v["page_errors"].as_array().map(Vec::len), Some(0), "{v}");
    }
    Ok(())
}

#[test]
fn an_honest_pack_passes_every_claim_check_and_shows_the_checked_records() -> TestResult {
    let mut f = fixture()?;
    let zip = export(&mut f, "good.zip")?;
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:#?}", r.failures);
    assert_eq!(r.incidents_checked, 2);
    assert!(r.report_checked, "report.pdf was not rendered again");
    let mut verify_txt = String::new();
    zip::ZipArchive::new(std::fs::File::open(&zip)?)?
        .by_name("VERIFY.txt")?
        .read_to_string(&mut verify_txt)?;
    for want in [
        "THE RECORDS SAY WHAT THE CHAIN SAYS, AND NOTHING ABOUT THEM WAS WITHHELD",
        "What this proves: incidents.json and incidents.csv say what the revealed chain entries say",
        "was left out of the pack, from the point stated above",
        "is this pack's export manifest",
    ] {
        assert!(
            verify_txt.replace("\r\n   ", " ").contains(want),
            "VERIFY.txt lacks {want:?}"
        );
    }
    if let Some(v) = browser(&zip)? {
        assert_eq!(v["status"], "ok", "verify.html: {v}");
        let records = v["records"].as_str().unwrap_or_default();
        for want in [
            "Incident 1",
            "Incident 2",
            "(he signed it M.)",
            "Added the signature I missed",
            "Linked by mistake",
            "Wendy Witness",
            "CRIME/12345/26",
            "Attached the wrong screenshot",
            "notes.txt",
            "=cmd|",
        ] {
            assert!(
                records.contains(want),
                "verify.html's checked records lack {want:?}: {records}"
            );
        }
        assert!(!records.contains("EXCLUDEDSECRET"));
    }
    Ok(())
}

#[test]
fn a_description_changed_in_incidents_json_fails_naming_the_incident_and_field() -> TestResult {
    let mut f = fixture()?;
    let good = export(&mut f, "good.zip")?;
    let bad = f.work.join("json.zip");
    rewrite(
        &good,
        &bad,
        &|name, b| {
            if name == "incidents.json" {
                String::from_utf8_lossy(&b)
                    .replace(
                        "Stood by the door for an hour.",
                        "Stood by the door with a knife.",
                    )
                    .into_bytes()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    both_fail(
        &bad,
        "incidents.json",
        &format!(
            "incident {}: description in incidents.json differs from the chain",
            f.ids[1]
        ),
    )
}

#[test]
fn a_description_changed_in_incidents_csv_fails_naming_the_incident_and_field() -> TestResult {
    let mut f = fixture()?;
    let good = export(&mut f, "good.zip")?;
    let bad = f.work.join("csv.zip");
    rewrite(
        &good,
        &bad,
        &|name, b| {
            if name == "incidents.csv" {
                String::from_utf8_lossy(&b)
                    .replace(
                        "Stood by the door for an hour.",
                        "Stood by the door with a knife.",
                    )
                    .into_bytes()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    both_fail(
        &bad,
        "incidents.csv",
        &format!(
            "incident {}: description in incidents.csv differs from the chain",
            f.ids[1]
        ),
    )?;
    // The formula guard is part of the claim: a cell with its ' taken away is a difference.
    let bad = f.work.join("csv-formula.zip");
    rewrite(
        &good,
        &bad,
        &|name, b| {
            if name == "incidents.csv" {
                String::from_utf8_lossy(&b)
                    .replace("'=cmd", "=cmd")
                    .into_bytes()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    both_fail(
        &bad,
        "incidents.csv",
        &format!(
            "incident {}: description in incidents.csv differs from the chain",
            f.ids[0]
        ),
    )
}

#[test]
fn an_incident_added_without_its_recording_entry_fails() -> TestResult {
    let mut f = fixture()?;
    let good = export(&mut f, "good.zip")?;
    let bad = f.work.join("added.zip");
    rewrite(
        &good,
        &bad,
        &|name, b| {
            if name != "incidents.json" {
                return b;
            }
            let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
            if let Some(list) = v["incidents"].as_array_mut() {
                let mut extra = list[0].clone();
                extra["id"] = 99.into();
                extra["fields"]["summary"] = "a threat to kill".into();
                list.push(extra);
            }
            let mut out = serde_json::to_vec_pretty(&v).unwrap_or_default();
            out.push(b'\n');
            out
        },
        Sums::Remade,
    )?;
    both_fail(
        &bad,
        "incidents.json",
        "incident 99: in incidents.json, but chain.json does not reveal the entry that recorded it",
    )
}

#[test]
fn a_changed_or_swapped_report_pdf_fails() -> TestResult {
    let mut f = fixture()?;
    let good = export(&mut f, "good.zip")?;
    let other = export(&mut f, "other.zip")?;
    let mut pdf = Vec::new();
    zip::ZipArchive::new(std::fs::File::open(&other)?)?
        .by_name("report.pdf")?
        .read_to_end(&mut pdf)?;
    // The same records, exported again: only the pack id and export time differ.
    let bad = f.work.join("swapped.zip");
    rewrite(
        &good,
        &bad,
        &|name, b| {
            if name == "report.pdf" {
                pdf.clone()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    assert!(!r.report_checked);
    let m = mismatches(&r);
    assert!(
        m.iter()
            .any(|l| l.starts_with("report.pdf: is not the report of the checked records")),
        "{m:#?}"
    );
    Ok(())
}

#[test]
fn verify_html_knows_the_label_of_every_kind_and_channel() -> TestResult {
    let html = evident_core::pack::VERIFY_HTML;
    let start = html
        .find("const LABELS = ")
        .ok_or("verify.html has no LABELS")?;
    let rest = &html[start + "const LABELS = ".len()..];
    let end = rest.find(";\n").ok_or("LABELS is not closed")?;
    let labels: std::collections::BTreeMap<String, String> = serde_json::from_str(&rest[..end])?;
    let r = evident_core::reference::reference();
    let want: std::collections::BTreeMap<String, String> = r
        .kinds
        .iter()
        .chain(&r.channels)
        .chain(&r.red_flags)
        .map(|c| (c.code.clone(), r.label_of(&c.code)))
        .collect();
    assert_eq!(
        labels, want,
        "verify.html's LABELS differ from assets/reference.json"
    );
    Ok(())
}
