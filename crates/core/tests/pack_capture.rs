//! Capture times in the evidence pack: each exhibit of incidents.json carries the time tags recorded in the
//! chain (`times`), the PDF's exhibit list labels each with its source and zone and never calls a modify date
//! the capture time, and `verify_pack` and verify.html (headless Chromium, when installed) reproduce the member
//! from chain.json; a changed time fails both, naming the field.

mod common;
#[path = "common/packzip.rs"]
mod packzip;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fields, temp_vault, TestResult};
use evident_core::pack::verify_pack;
use packzip::{browser, entry, rewrite, Sums};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capture")
}

fn export(tv: &mut common::TempVault, id: i64, zip: &Path) -> TestResult {
    tv.vault.export_pack(&common::pack_request(vec![id]), zip)?;
    Ok(())
}

#[test]
fn exhibits_carry_their_labelled_times_and_the_checks_reproduce_them() -> TestResult {
    let mut tv = temp_vault()?;
    let id = tv.vault.record_incident(fields("Photos"), &[])?;
    for f in [
        "xmp-createdate.jpg",
        "datetime-only.jpg",
        "offset-original.jpg",
    ] {
        tv.vault.attach_file(id, &corpus().join(f))?;
    }
    // One without any time at all (no file time, no tags): the member is left out, as for older entries.
    tv.vault
        .attach_bytes(id, "notes.txt", b"plain words", None)?;
    let work = tv.tmp.path().join("work");
    std::fs::create_dir_all(&work)?;
    let zip = work.join("good.zip");
    export(&mut tv, id, &zip)?;
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:#?}", r.failures);

    let json: serde_json::Value = serde_json::from_slice(&entry(&zip, "incidents.json")?)?;
    let exhibits = json["exhibits"].as_array().ok_or("exhibits")?;
    let by_name = |n: &str| {
        exhibits
            .iter()
            .find(|e| e["original_file_name"] == n)
            .cloned()
            .unwrap_or_default()
    };
    let xmp = by_name("xmp-createdate.jpg");
    let tags: Vec<&str> = xmp["times"]
        .as_array()
        .ok_or("times")?
        .iter()
        .filter_map(|t| t["tag"].as_str())
        .collect();
    for want in [
        "EXIF:ModifyDate",
        "XMP:CreateDate",
        "XMP:ModifyDate",
        "File:FileModifyDate",
    ] {
        assert!(tags.contains(&want), "{want} in {tags:?}");
    }
    assert_eq!(
        xmp["exif"]["captured_at"], "2005:12:17 10:00:00",
        "the XMP creation date, not the 2008 edit"
    );
    assert!(by_name("notes.txt").get("times").is_none());

    // The PDF's exhibit list: each time labelled; the DateTime-only photo has no capture time.
    let pdf = work.join("report.pdf");
    std::fs::write(&pdf, entry(&zip, "report.pdf")?)?;
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "created (XMP CreateDate)",
        "modified by software (EXIF DateTime): 2008:07:31 10:38:11; zone: no time zone in the file",
        "captured (EXIF DateTimeOriginal); zone: +01:00",
        "file modified (file system)",
        "None in file (no capture or creation time; a modify date is never one)",
    ] {
        assert!(text.contains(want), "report.pdf lacks {want:?}: {text}");
    }
    if let Some(v) = browser(&zip)? {
        assert_eq!(v["status"], "ok", "verify.html: {v}");
    }

    // A modify date passed off as a capture time in incidents.json fails both checks, naming the field.
    let bad = work.join("bad.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| match n {
            "incidents.json" => String::from_utf8_lossy(&b)
                .replacen("\"kind\": \"modified\"", "\"kind\": \"captured\"", 1)
                .into_bytes(),
            _ => b,
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    let msgs: Vec<String> = r.failures.iter().map(|f| f.message.clone()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("times") && m.contains("kind")),
        "{msgs:#?}"
    );
    if let Some(v) = browser(&bad)? {
        assert_eq!(v["status"], "fail", "verify.html: {v}");
        assert!(v["failures"].to_string().contains("times"), "{v}");
    }
    Ok(())
}
