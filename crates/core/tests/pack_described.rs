//! How an exhibit was captured and on which device (`attachment.described`): recorded in the chain, the newest
//! one shown, every one in the history; carried into incidents.json, the PDF and the statement's continuity
//! line (with the file's own capture time, never a modify date); a changed description fails both verifiers,
//! and a withheld one fails as incomplete.

mod common;
#[path = "common/packzip.rs"]
mod packzip;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fields, temp_vault, TestResult};
use evident_core::check::FailureCode;
use evident_core::pack::verify_pack;
use packzip::{browser, entry, read_zip, remake_sums, rewrite, run, squash, write_zip, Sums};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capture")
}

#[test]
fn a_description_is_recorded_shown_and_checked() -> TestResult {
    let mut tv = temp_vault()?;
    let id = tv.vault.record_incident(fields("Photo of the car"), &[])?;
    let read = |n: &str| std::fs::read(corpus().join(n));
    let photo =
        tv.vault
            .attach_bytes(id, "exif-original.jpg", &read("exif-original.jpg")?, None)?;
    let edited =
        tv.vault
            .attach_bytes(id, "datetime-only.jpg", &read("datetime-only.jpg")?, None)?;

    // Described, then the device corrected: the newest is shown, both stay in the history.
    let v =
        tv.vault
            .describe_attachment(photo.id, "  a photo I took on my phone ", "my old phone")?;
    assert_eq!(
        v.capture_method.as_deref(),
        Some("a photo I took on my phone")
    );
    let v = tv
        .vault
        .describe_attachment(photo.id, "a photo I took on my phone", "my iPhone 13")?;
    assert_eq!(v.device.as_deref(), Some("my iPhone 13"));
    // The same again records nothing.
    let head = tv.vault.head()?.seq;
    tv.vault
        .describe_attachment(photo.id, "a photo I took on my phone", "my iPhone 13")?;
    assert_eq!(tv.vault.head()?.seq, head);
    assert!(tv
        .vault
        .describe_attachment(photo.id, &"x".repeat(501), "")
        .is_err());
    assert!(tv.vault.describe_attachment(9999, "a", "b").is_err());
    assert_eq!(tv.vault.attachment(edited.id)?.capture_method, None);
    assert!(tv.vault.verify(&mut |_| {})?.ok, "full check");

    let work = tv.tmp.path().join("work");
    std::fs::create_dir_all(&work)?;
    let zip = work.join("pack.zip");
    tv.vault
        .export_pack(&common::pack_request(vec![id]), &zip)?;
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:#?}", r.failures);

    let json: serde_json::Value = serde_json::from_slice(&entry(&zip, "incidents.json")?)?;
    let ex = json["exhibits"].as_array().ok_or("exhibits")?;
    let one = ex
        .iter()
        .find(|e| e["attachment_id"] == photo.id)
        .ok_or("photo")?;
    assert_eq!(one["capture_method"], "a photo I took on my phone");
    assert_eq!(one["device"], "my iPhone 13");
    let two = ex
        .iter()
        .find(|e| e["attachment_id"] == edited.id)
        .ok_or("edited")?;
    assert!(two.get("capture_method").is_none() && two.get("device").is_none());
    let history = json["incidents"][0]["history"].to_string();
    assert!(history
        .contains("described: how captured: a photo I took on my phone; device: my old phone"));
    assert!(history
        .contains("described: how captured: a photo I took on my phone; device: my iPhone 13"));

    // The statement's continuity: the diarist's words, and the file's capture time with its source; a file with
    // only a modify date says it records no capture time.
    let files = read_zip(&zip)?;
    let txt = files
        .iter()
        .find(|(n, _)| n == "statement/witness-statement-DRAFT.txt")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .ok_or("statement")?;
    let txt = squash(&txt);
    let mark = one["reference"].as_str().unwrap_or_default();
    let at = txt.find(&format!("exhibit {mark}.")).ok_or("mark")?;
    let sentence = &txt[at..];
    let sentence = &sentence[..sentence.find("I produce").unwrap_or(sentence.len())];
    assert!(
        sentence.contains(
            "How I captured it: a photo I took on my phone. The device I used: my iPhone 13"
        ),
        "{sentence}"
    );
    assert!(
        sentence.contains("captured (EXIF DateTimeOriginal)"),
        "{sentence}"
    );
    let mark2 = two["reference"].as_str().unwrap_or_default();
    let at = txt.find(&format!("exhibit {mark2}.")).ok_or("mark2")?;
    let sentence = &txt[at..];
    let sentence = &sentence[..sentence.find("I produce").unwrap_or(sentence.len())];
    assert!(sentence.contains("How I captured it: [to be completed with the witness]"));
    assert!(
        sentence.contains("records no capture or creation time"),
        "{sentence}"
    );
    assert!(!sentence.contains("modified by software"), "{sentence}");
    // The ODT says the same.
    let odt = work.join("statement.odt");
    std::fs::write(
        &odt,
        &files
            .iter()
            .find(|(n, _)| n == "statement/witness-statement-DRAFT.odt")
            .ok_or("odt")?
            .1,
    )?;
    let content = run(Command::new("unzip").arg("-p").arg(&odt).arg("content.xml"))?;
    assert!(content.contains("How I captured it: a photo I took on my phone."));
    // The PDF's exhibit list.
    std::fs::write(work.join("report.pdf"), entry(&zip, "report.pdf")?)?;
    let pdf = squash(&run(Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(work.join("report.pdf"))
        .arg("-"))?);
    assert!(
        pdf.contains("a photo I took on my phone (the diarist's words)"),
        "{pdf}"
    );
    assert!(pdf.contains("my iPhone 13 (the diarist's words)"));
    if let Some(v) = browser(&zip)? {
        assert_eq!(v["status"], "ok", "verify.html: {v}");
    }

    // The device changed in incidents.json (SHA256SUMS made again): both verifiers fail.
    let bad = work.join("bad.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| match n {
            "incidents.json" => String::from_utf8_lossy(&b)
                .replace("my iPhone 13", "a borrowed phone")
                .into_bytes(),
            _ => b,
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    assert!(
        r.failures
            .iter()
            .any(|f| f.code == FailureCode::DataMismatch && f.message.contains("device")),
        "{:#?}",
        r.failures
    );
    if let Some(v) = browser(&bad)? {
        assert_eq!(v["status"], "fail", "{v}");
    }

    // The newest description withheld from chain.json (only its hashes kept): incomplete.
    let mut files = read_zip(&zip)?;
    for (n, b) in files.iter_mut() {
        if n == "chain.json" {
            let mut proof: serde_json::Value = serde_json::from_slice(b)?;
            let entries = proof["entries"].as_array_mut().ok_or("entries")?;
            let last = entries
                .iter_mut()
                .rev()
                .find(|e| e["kind"] == "attachment.described")
                .ok_or("no described entry")?;
            let o = last.as_object_mut().ok_or("entry")?;
            for k in ["recorded_at", "kind", "payload", "openings"] {
                o.remove(k);
            }
            *b = serde_json::to_vec_pretty(&proof)?;
        }
    }
    remake_sums(&mut files);
    let cut = work.join("withheld.zip");
    write_zip(&cut, &files)?;
    let r = verify_pack(&cut)?;
    assert!(
        r.failures.iter().any(|f| f.code == FailureCode::Incomplete),
        "{:#?}",
        r.failures
    );
    Ok(())
}
