//! Completeness and redaction (docs/FORMAT.md §6), tried as a defence expert would: an amendment of an included
//! incident withheld with its fields rolled back, and an included incident dropped with its entries cut to
//! hashes, each with data files made to match and SHA256SUMS made again, fail `verify_pack` and verify.html
//! (headless Chromium) naming the incident; a redacted value appears in no file of the pack (the PDF's text
//! included), and the pack still passes `verify_pack`, verify.html, `sha256sum -c` and VERIFY.txt's gpg line.

mod common;
#[path = "common/packzip.rs"]
mod packzip;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{png, temp_vault, TempVault, TestResult};
use evident_core::check::FailureCode;
use evident_core::incident::IncidentFields;
use evident_core::journal::ChainProof;
use evident_core::pack::{
    verify_pack, PackRequest, PackSelection, Recipient, RedactSubject, Redaction,
};
use evident_core::person::PersonFields;
use packzip::{browser, read_zip, remake_sums, write_zip};

struct Fixture {
    tv: TempVault,
    /// [0] amended, linked to Mallory, a file; [1] a file; [2] excluded.
    ids: Vec<i64>,
    work: PathBuf,
}

fn fixture() -> TestResult<Fixture> {
    let mut tv = temp_vault()?;
    let v = &mut tv.vault;
    let mallory = v.record_person(PersonFields {
        name: "Mallory".into(),
        handles: vec!["@mallory_t".into()],
        ..Default::default()
    })?;
    let bystander = v.record_person(PersonFields {
        name: "UNLINKEDPERSONNAME".into(),
        handles: vec!["@unlinkedhandle".into()],
        ..Default::default()
    })?;
    let a = v.record_incident(
        IncidentFields {
            summary: "Shouted at me outside the surgery".into(),
            description: "Jane REDACTOLDNAME from number 4 saw it.".into(),
            location: "REDACTPLACE, 7 Acacia Avenue".into(),
            ..Default::default()
        },
        &[mallory, bystander],
    )?;
    let b = v.record_incident(
        IncidentFields {
            summary: "Waited by my car".into(),
            ..Default::default()
        },
        &[mallory],
    )?;
    let c = v.record_incident(
        IncidentFields {
            summary: "EXCLUDEDMARKER private".into(),
            ..Default::default()
        },
        &[],
    )?;
    v.unlink_person(a, bystander, "subject", "Linked by mistake")?;
    let mut amended = v.incident_fields(a)?;
    amended.description = "A neighbour saw it.".into();
    v.amend_incident(a, "Took the neighbour's name out", amended)?;
    v.attach_bytes(a, "shot.png", &png(40, 30), None)?;
    v.attach_bytes(b, "car.png", &png(30, 20), None)?;
    v.attach_bytes(c, "EXCLUDEDMARKER.txt", b"x", None)?;
    let work = tv.tmp.path().join("work");
    std::fs::create_dir_all(&work)?;
    Ok(Fixture {
        tv,
        ids: vec![a, b, c],
        work,
    })
}

fn request(ids: Vec<i64>, redactions: Vec<Redaction>) -> PackRequest {
    PackRequest {
        selection: PackSelection {
            incident_ids: ids,
            ..Default::default()
        },
        recipient: Recipient {
            name: "DC Jane Officer".into(),
            organisation: "Example Constabulary".into(),
            crime_reference: None,
        },
        author_name: "Alice Bloggs".into(),
        author_contact: String::new(),
        initials: None,
        redactions,
    }
}

/// A forger's pack: chain.json edited by `edit`, incidents.json and incidents.csv made again from what the edited
/// chain reveals (so the data files agree with it), exhibits no longer listed dropped, SHA256SUMS made again.
fn forge(src: &Path, dst: &Path, edit: &dyn Fn(&mut ChainProof)) -> TestResult {
    let files = read_zip(src)?;
    let chain = files
        .iter()
        .find(|(n, _)| n == "chain.json")
        .ok_or("no chain.json")?;
    let mut proof: ChainProof = serde_json::from_slice(&chain.1)?;
    edit(&mut proof);
    let r = evident_core::pack::replay::replay(&proof);
    let ids = r.ordered_ids();
    let data = r.pack_data(&ids, "AB", proof.head.clone());
    let keep: BTreeSet<String> = data.exhibits.iter().map(|e| e.file.clone()).collect();
    let mut json = serde_json::to_vec_pretty(&data)?;
    json.push(b'\n');
    let mut chain_bytes = serde_json::to_vec_pretty(&proof)?;
    chain_bytes.push(b'\n');
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, b) in files {
        let b = match n.as_str() {
            "chain.json" => chain_bytes.clone(),
            "incidents.json" => json.clone(),
            "incidents.csv" => evident_core::pack::data::incidents_csv(&data),
            _ if n.starts_with("exhibits/") && !keep.contains(&n) => continue,
            _ => b,
        };
        out.push((n, b));
    }
    remake_sums(&mut out);
    write_zip(dst, &out)
}

/// Withholds the entries `pick` chooses (only their hashes stay).
fn withhold(proof: &mut ChainProof, pick: &dyn Fn(&str, &serde_json::Value) -> bool) {
    for e in &mut proof.entries {
        let (Some(kind), Some(payload)) = (&e.kind, &e.payload) else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
        if pick(kind, &v) {
            e.recorded_at = None;
            e.kind = None;
            e.payload = None;
            e.openings = None;
        }
    }
}

/// `verify_pack` and verify.html both fail `zip` as incomplete, naming `who`, and no data check fails: the data
/// files agree with what the chain reveals, so only the completeness proof can catch it.
fn fails_as_incomplete(zip: &Path, who: &str) -> TestResult {
    let r = verify_pack(zip)?;
    assert!(!r.ok);
    assert!(
        r.failures
            .iter()
            .any(|f| f.code == FailureCode::Incomplete && f.message.contains(who)),
        "verify_pack did not name {who} as incomplete: {:#?}",
        r.failures
    );
    let data_file = |f: &evident_core::pack::PackFailure| {
        matches!(f.file.as_deref(), Some("incidents.json" | "incidents.csv"))
    };
    assert!(
        !r.failures
            .iter()
            .any(|f| f.code == FailureCode::DataMismatch && data_file(f)),
        "the forged data files should agree with the forged chain: {:#?}",
        r.failures
    );
    if let Some(v) = browser(zip)? {
        assert_eq!(v["status"], "fail", "{v}");
        let fails = v["failures"].to_string();
        assert!(
            fails.contains("(incomplete)") && fails.contains(who),
            "verify.html did not name {who} as incomplete: {fails}"
        );
        assert_eq!(v["page_errors"].as_array().map(Vec::len), Some(0), "{v}");
    }
    Ok(())
}

#[test]
fn an_honest_pack_proves_it_is_complete() -> TestResult {
    let mut f = fixture()?;
    let zip = f.work.join("good.zip");
    f.tv.vault
        .export_pack(&request(vec![f.ids[0], f.ids[1]], vec![]), &zip)?;
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:#?}", r.failures);
    let c = r.completeness.ok_or("no completeness")?;
    assert_eq!(c.incidents_complete, vec![f.ids[0], f.ids[1]]);
    assert!(c.incidents_complete_from.is_empty());
    assert_eq!(
        c.complete_from_seq, 1,
        "a new diary has back-links from its first entry"
    );
    assert_eq!(c.manifest_seq, r.head_seq);
    if let Some(v) = browser(&zip)? {
        assert_eq!(v["status"], "ok", "{v}");
        assert!(
            v["result"]
                .as_str()
                .unwrap_or_default()
                .contains("nothing about the 2 included incidents was withheld"),
            "{v}"
        );
    }
    Ok(())
}

#[test]
fn a_withheld_amendment_fails_naming_the_incident() -> TestResult {
    let mut f = fixture()?;
    let zip = f.work.join("good.zip");
    f.tv.vault
        .export_pack(&request(vec![f.ids[0], f.ids[1]], vec![]), &zip)?;
    let bad = f.work.join("no-amendment.zip");
    forge(&zip, &bad, &|p| {
        withhold(p, &|kind, _| kind == "incident.amended");
    })?;
    fails_as_incomplete(&bad, &format!("incident {}", f.ids[0]))
}

#[test]
fn a_dropped_incident_fails() -> TestResult {
    let mut f = fixture()?;
    let zip = f.work.join("good.zip");
    f.tv.vault
        .export_pack(&request(vec![f.ids[0], f.ids[1]], vec![]), &zip)?;
    let bad = f.work.join("dropped.zip");
    let b = f.ids[1];
    forge(&zip, &bad, &|p| {
        withhold(p, &|kind, v| {
            kind != "pack.manifest" && v.get("incident_id").and_then(|x| x.as_i64()) == Some(b)
        });
    })?;
    fails_as_incomplete(&bad, &format!("incident {b}"))
}

fn pdf_text(pdf: &[u8], dir: &Path) -> TestResult<String> {
    let p = dir.join("report.pdf");
    std::fs::write(&p, pdf)?;
    let out = Command::new("pdftotext").arg(&p).arg("-").output()?;
    assert!(out.status.success(), "pdftotext failed");
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_redacted_value_is_in_no_file_and_the_pack_still_verifies() -> TestResult {
    let mut f = fixture()?;
    let zip = f.work.join("redacted.zip");
    let a = f.ids[0];
    f.tv.vault.export_pack(
        &request(
            vec![a, f.ids[1]],
            vec![
                Redaction {
                    subject: RedactSubject::Incident,
                    id: a,
                    field: "location".into(),
                    earlier_only: false,
                },
                // The name the amendment took out: only the earlier value; what it says now stays.
                Redaction::parse(&format!("incident:{a}:description"), true)?,
            ],
        ),
        &zip,
    )?;
    let files = read_zip(&zip)?;
    let mut seen = String::new();
    for (n, b) in &files {
        let text = if n == "report.pdf" {
            pdf_text(b, &f.work)?
        } else {
            String::from_utf8_lossy(b).into_owned()
        };
        for marker in [
            "REDACTPLACE",
            "Acacia",
            "REDACTOLDNAME",
            "EXCLUDEDMARKER",
            "UNLINKEDPERSONNAME",
            "unlinkedhandle",
        ] {
            assert!(!text.contains(marker), "{marker} is in {n}");
        }
        if n == "incidents.json" || n == "report.pdf" {
            seen.push_str(&text);
        }
    }
    assert!(seen.contains("[redacted by the diarist]"), "{seen}");
    assert!(
        seen.contains("A neighbour saw it."),
        "the current value stays"
    );
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:#?}", r.failures);
    if let Some(v) = browser(&zip)? {
        assert_eq!(v["status"], "ok", "{v}");
        assert!(v["records"]
            .as_str()
            .unwrap_or_default()
            .contains("[redacted by the diarist]"));
    }
    // The recipient's own tools, in the unzipped folder.
    let out = f.work.join("redacted");
    std::fs::create_dir_all(&out)?;
    for (n, b) in &files {
        let p = out.join(n);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(p, b)?;
    }
    let sums = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&out)
        .output()?;
    assert!(sums.status.success(), "sha256sum -c failed");
    let home = f.work.join("gnupg");
    std::fs::create_dir_all(&home)?;
    let gpg = |args: &[&str]| -> TestResult<std::process::Output> {
        Ok(Command::new("gpg")
            .arg("--homedir")
            .arg(&home)
            .args(args)
            .current_dir(&out)
            .env("LC_ALL", "C")
            .output()?)
    };
    assert!(gpg(&["--batch", "--import", "signing-key.asc"])?
        .status
        .success());
    let v = gpg(&["--batch", "--verify", "SHA256SUMS.asc", "SHA256SUMS"])?;
    assert!(
        v.status.success() && String::from_utf8_lossy(&v.stderr).contains("Good signature"),
        "{}",
        String::from_utf8_lossy(&v.stderr)
    );
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(&home)
        .args(["--kill", "all"])
        .output();
    Ok(())
}

#[test]
fn only_text_fields_of_included_records_can_be_redacted() -> TestResult {
    let mut f = fixture()?;
    let zip = f.work.join("x.zip");
    for (bad, why) in [
        (
            format!("incident:{}:occurred", f.ids[0]),
            "not a text field",
        ),
        (format!("incident:{}:summary", f.ids[2]), "not in this pack"),
        ("incident:x:summary".to_string(), "is not a redaction"),
    ] {
        let err = Redaction::parse(&bad, false).and_then(|r| {
            f.tv.vault
                .export_pack(&request(vec![f.ids[0], f.ids[1]], vec![r]), &zip)
        });
        let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains(why), "{bad}: {msg}");
    }
    assert!(!zip.exists());
    Ok(())
}
