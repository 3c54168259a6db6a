//! The pack's signature and the checks against what an officer already holds, with the tools a recipient has:
//! VERIFY.txt's own gpg line run as printed in the unzipped folder (real GnuPG 2.2), `sha256sum`, `pdftotext`,
//! and verify.html in headless Chromium (tests/pack/verify_html.mjs). Covers: a good signature and the same
//! fingerprint in every pack of a diary; report.pdf swapped with SHA256SUMS regenerated but not re-signed; a
//! pack re-signed with another key; `--expect-head` and `--prior`; files an operating system adds; the
//! handover receipt's figures.

mod common;
#[path = "common/packzip.rs"]
mod packzip;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fields, temp_vault, TempVault, TestResult};
use evident_core::check::FailureCode;
use evident_core::pack::{
    verify_pack, verify_pack_against, ExpectedHead, PackExpectations, PackRequest, PackSelection,
    PackSummary, PackVerifyReport, Recipient,
};
use evident_core::signing::SigningKey;
use packzip::{
    browser_on as browser_verify, entry as read_entry, read_zip as entries, squash, unzip,
};

fn request() -> PackRequest {
    PackRequest {
        selection: PackSelection {
            all: true,
            ..Default::default()
        },
        recipient: Recipient {
            name: "DC Jane Officer".into(),
            organisation: "Example Constabulary".into(),
            crime_reference: Some("CRIME/1/26".into()),
        },
        author_name: "Alice Bloggs".into(),
        author_contact: String::new(),
        initials: None,
        redactions: Vec::new(),
    }
}

/// A diary with two incidents, exported once to `name`.
fn diary_and_pack(name: &str) -> TestResult<(TempVault, PathBuf, PackSummary)> {
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("first incident"), &[])?;
    t.vault.record_incident(fields("second incident"), &[])?;
    let zip = t.tmp.path().join(name);
    let s = t.vault.export_pack(&request(), &zip)?;
    Ok((t, zip, s))
}

fn sha256sum(path: &Path) -> TestResult<String> {
    let o = Command::new("sha256sum").arg(path).output()?;
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    Ok(out
        .split_whitespace()
        .next()
        .ok_or("sha256sum")?
        .to_string())
}

/// The gpg line VERIFY.txt prints, exactly.
fn gpg_line(verify_txt: &str) -> TestResult<String> {
    let lines: Vec<&str> = verify_txt
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("gpg --homedir"))
        .collect();
    assert_eq!(lines.len(), 1, "one gpg line in VERIFY.txt: {verify_txt}");
    Ok(lines[0].to_string())
}

/// Runs `line` with sh in `dir` (TMPDIR inside the test's own folder, so `mktemp -d` leaves nothing behind);
/// returns (success, stdout + stderr).
fn sh(line: &str, dir: &Path, tmp: &Path) -> TestResult<(bool, String)> {
    std::fs::create_dir_all(tmp)?;
    let o = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .output()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // Stop any agent gpg started in a home under tmp (none is needed to verify, but be tidy).
    for e in std::fs::read_dir(tmp)?.flatten() {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(e.path())
            .args(["--kill", "all"])
            .output();
    }
    Ok((o.status.success(), said))
}

/// What to do with one entry of a ZIP being rewritten: its new bytes, or None to drop it.
type Edit<'a> = dyn Fn(&str, Vec<u8>) -> Option<Vec<u8>> + 'a;

/// Rewrites a ZIP through `edit` (None drops the entry), then appends `extra` entries.
fn rewrite(src: &Path, dst: &Path, edit: &Edit<'_>, extra: &[(&str, Vec<u8>)]) -> TestResult {
    let mut z = zip::ZipArchive::new(std::fs::File::open(src)?)?;
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst)?);
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..z.len() {
        let mut e = z.by_index(i)?;
        let mut b = Vec::new();
        e.read_to_end(&mut b)?;
        let name = e.name().to_string();
        if let Some(b) = edit(&name, b) {
            w.start_file(name, o)?;
            w.write_all(&b)?;
        }
    }
    for (n, b) in extra {
        w.start_file(*n, o)?;
        w.write_all(b)?;
    }
    w.finish()?;
    Ok(())
}

/// SHA256SUMS for the given files (every entry but SHA256SUMS and SHA256SUMS.asc), as a forger would write it.
fn sums_of(files: &[(String, Vec<u8>)]) -> String {
    files
        .iter()
        .filter(|(n, _)| n != "SHA256SUMS" && n != "SHA256SUMS.asc")
        .map(|(n, b)| {
            format!(
                "{}  {n}\n",
                hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b))
            )
        })
        .collect()
}

fn has(r: &PackVerifyReport, code: FailureCode) -> bool {
    r.failures.iter().any(|f| f.code == code)
}

fn texts(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_pack_is_signed_and_gpg_verifies_it_with_the_lines_verify_txt_prints() -> TestResult {
    let (t, zip, s) = diary_and_pack("pack.zip")?;
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:?}", r.failures);
    assert!(r.signature_ok);
    assert_eq!(
        r.signing_fingerprint.as_deref(),
        Some(s.signing_fingerprint.as_str())
    );
    assert_eq!(r.signed_by.as_deref(), Some(s.signing_fingerprint.as_str()));
    assert_eq!(s.signing_fingerprint.len(), 40);

    let out = t.tmp.path().join("unzipped");
    unzip(&zip, &out)?;
    // FORMAT.md is in the pack (the document VERIFY.txt points to), and signing-key.asc is listed.
    assert_eq!(
        std::fs::read_to_string(out.join("FORMAT.md"))?,
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/FORMAT.md")
        )?
    );
    let sums = std::fs::read_to_string(out.join("SHA256SUMS"))?;
    assert!(sums.contains("  signing-key.asc\n") && sums.contains("  FORMAT.md\n"));
    assert!(!sums.contains("SHA256SUMS.asc"));
    let o = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&out)
        .output()?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // chain.json reveals the vault.signing_key entry.
    let chain: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("chain.json"))?)?;
    let key_entry = chain["entries"]
        .as_array()
        .ok_or("entries")?
        .iter()
        .find(|e| e["kind"] == "vault.signing_key")
        .ok_or("no revealed vault.signing_key")?;
    assert_eq!(
        Some(key_entry["seq"].as_u64().ok_or("seq")?),
        r.signing_key_seq
    );

    // VERIFY.txt's gpg line, as printed, in the unzipped folder.
    let verify_txt = std::fs::read_to_string(out.join("VERIFY.txt"))?;
    assert!(verify_txt.contains(&s.signing_fingerprint_spaced));
    assert!(verify_txt.contains("FORMAT.md in this pack"));
    assert!(!verify_txt.contains("docs/FORMAT.md"));
    assert!(!verify_txt.contains("have not been changed"));
    let line = gpg_line(&verify_txt)?;
    assert!(
        !line.contains("--import signing-key.asc;") || line.contains("--homedir \"$H\" --import")
    );
    let (ok, said) = sh(&line, &out, &t.tmp.path().join("gpgtmp"))?;
    assert!(ok, "{line}\n{said}");
    assert!(said.contains("Good signature"), "{said}");
    assert!(
        said.contains(&format!(
            "Primary key fingerprint: {}",
            s.signing_fingerprint_spaced
        )),
        "{said}"
    );
    println!("VERIFY.txt gpg line: {line}\ngpg said:\n{said}");

    // The cover of report.pdf carries the fingerprint.
    let o = Command::new("pdftotext")
        .arg(out.join("report.pdf"))
        .arg("-")
        .output()?;
    let pdf = squash(&String::from_utf8_lossy(&o.stdout));
    let cover = pdf.split("Page 1 of").next().unwrap_or_default();
    assert!(cover.contains("Signing key"), "{cover}");
    assert!(
        cover.contains(&squash(&s.signing_fingerprint_spaced)),
        "fingerprint on the cover: {cover}"
    );

    // verify.html shows the fingerprint and says it did not check the signature.
    if let Some(v) = browser_verify(&zip, &zip)? {
        assert_eq!(v["status"], "ok", "{v}");
        assert_eq!(
            v["signing_fingerprint"],
            s.signing_fingerprint_spaced.as_str(),
            "{v}"
        );
        let sig = v["signature"].as_str().unwrap_or_default();
        assert!(sig.contains("did NOT check the signature"), "{sig}");
        assert!(
            sig.contains("evident-cli verify-pack") && sig.contains("gpg"),
            "{sig}"
        );
    }
    Ok(())
}

#[test]
fn every_pack_from_one_diary_has_the_same_fingerprint_and_prior_and_expect_head_check_it(
) -> TestResult {
    let (mut t, first, s1) = diary_and_pack("first.zip")?;
    t.vault.record_incident(fields("third incident"), &[])?;
    let second = t.tmp.path().join("second.zip");
    let s2 = t.vault.export_pack(&request(), &second)?;
    assert_eq!(s1.signing_fingerprint, s2.signing_fingerprint);
    assert!(s2.head_seq > s1.head_seq);
    // Only one signing key entry, made at the first export.
    let r2 = verify_pack(&second)?;
    assert!(r2.ok, "{:?}", r2.failures);
    assert_eq!(r2.signing_key_seq, verify_pack(&first)?.signing_key_seq);

    // --prior: the earlier pack of the same diary.
    let exp = PackExpectations {
        priors: vec![first.clone()],
        ..Default::default()
    };
    let r = verify_pack_against(&second, &exp)?;
    assert!(r.ok, "{:?}", r.failures);
    assert_eq!(r.extends.len(), 1);
    assert!(r.extends[0].found);
    assert_eq!(r.extends[0].pack_id.as_deref(), Some(s1.pack_id.as_str()));

    // --expect-head: the first pack's head, as an officer would have noted it.
    let head: ExpectedHead = format!("{}:{}", s1.head_seq, s1.head_hash).parse()?;
    let r = verify_pack_against(
        &second,
        &PackExpectations {
            heads: vec![head.clone()],
            priors: vec![first.clone()],
        },
    )?;
    assert!(r.ok, "{:?}", r.failures);

    // Another diary: its pack as --prior, and its head as --expect-head, both fail.
    let (other, other_zip, so) = diary_and_pack("other.zip")?;
    assert_ne!(so.signing_fingerprint, s1.signing_fingerprint);
    let r = verify_pack_against(
        &second,
        &PackExpectations {
            priors: vec![other_zip],
            ..Default::default()
        },
    )?;
    assert!(!r.ok);
    let f = r
        .failures
        .iter()
        .find(|f| f.code == FailureCode::PriorPackMismatch)
        .ok_or("prior_pack_mismatch")?;
    assert!(
        f.message.contains("not from the same diary"),
        "{}",
        f.message
    );
    let r = verify_pack_against(
        &second,
        &PackExpectations {
            heads: vec![format!("{}:{}", so.head_seq, so.head_hash).parse()?],
            ..Default::default()
        },
    )?;
    assert!(
        !r.ok && has(&r, FailureCode::HeadNotExtended),
        "{:?}",
        r.failures
    );
    // A head beyond this pack's chain fails too.
    let r = verify_pack_against(
        &first,
        &PackExpectations {
            heads: vec![format!("{}:{}", s2.head_seq, s2.head_hash).parse()?],
            ..Default::default()
        },
    )?;
    assert!(has(&r, FailureCode::HeadNotExtended), "{:?}", r.failures);
    // The newer pack as --prior of the older one: the older does not extend it.
    let r = verify_pack_against(
        &first,
        &PackExpectations {
            priors: vec![second.clone()],
            ..Default::default()
        },
    )?;
    assert!(has(&r, FailureCode::PriorPackMismatch), "{:?}", r.failures);
    drop(other);
    Ok(())
}

#[test]
fn report_swapped_and_sums_regenerated_without_resigning_fails_in_verify_pack_and_gpg() -> TestResult
{
    let (t, zip, _) = diary_and_pack("pack.zip")?;
    let (_t2, other_zip, _) = diary_and_pack("other.zip")?;
    let other_pdf = read_entry(&other_zip, "report.pdf")?;
    let mut files = entries(&zip)?;
    for (n, b) in files.iter_mut() {
        if n == "report.pdf" {
            *b = other_pdf.clone();
        }
    }
    let sums = sums_of(&files);
    let bad = t.tmp.path().join("swapped.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| {
            Some(match n {
                "report.pdf" => other_pdf.clone(),
                "SHA256SUMS" => sums.clone().into_bytes(),
                _ => b,
            })
        },
        &[],
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    let f = r
        .failures
        .iter()
        .find(|f| f.code == FailureCode::SignatureInvalid)
        .ok_or("signature_invalid")?;
    assert_eq!(f.file.as_deref(), Some("SHA256SUMS.asc"));
    assert!(!r.signature_ok);
    // sha256sum -c alone passes: that is why the signature is there.
    let out = t.tmp.path().join("swapped");
    unzip(&bad, &out)?;
    let o = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&out)
        .output()?;
    assert!(o.status.success());
    let line = gpg_line(&std::fs::read_to_string(out.join("VERIFY.txt"))?)?;
    let (ok, said) = sh(&line, &out, &t.tmp.path().join("gpgtmp"))?;
    assert!(!ok, "{said}");
    assert!(said.contains("BAD signature"), "{said}");
    // verify.html cannot see this (it does not check signatures) and says so.
    if let Some(v) = browser_verify(&bad, &bad)? {
        assert!(v["signature"]
            .as_str()
            .unwrap_or_default()
            .contains("did NOT check the signature"));
    }
    Ok(())
}

#[test]
fn a_pack_resigned_with_another_key_fails_naming_the_key() -> TestResult {
    let (t, zip, s) = diary_and_pack("pack.zip")?;
    let (_t2, other_zip, _) = diary_and_pack("other.zip")?;
    let other_pdf = read_entry(&other_zip, "report.pdf")?;
    let forger = SigningKey::generate(
        "Evident diary signing key <diary@evident.invalid>",
        chrono::Utc::now(),
    )?;
    let forged_key = forger.public_armored()?;
    let mut files = entries(&zip)?;
    for (n, b) in files.iter_mut() {
        match n.as_str() {
            "report.pdf" => *b = other_pdf.clone(),
            "signing-key.asc" => *b = forged_key.clone().into_bytes(),
            _ => {}
        }
    }
    let sums = sums_of(&files);
    let sig = forger.sign_detached(sums.as_bytes(), chrono::Utc::now())?;
    let bad = t.tmp.path().join("resigned.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| {
            Some(match n {
                "report.pdf" => other_pdf.clone(),
                "signing-key.asc" => forged_key.clone().into_bytes(),
                "SHA256SUMS" => sums.clone().into_bytes(),
                "SHA256SUMS.asc" => sig.clone().into_bytes(),
                _ => b,
            })
        },
        &[],
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    assert!(r.signature_ok, "the forger's own signature is good");
    let f = r
        .failures
        .iter()
        .find(|f| f.code == FailureCode::SigningKeyMismatch)
        .ok_or("signing_key_mismatch")?;
    assert!(
        f.message.contains(&forger.fingerprint_spaced()),
        "{}",
        f.message
    );
    assert!(
        f.message.contains(&s.signing_fingerprint_spaced),
        "{}",
        f.message
    );
    // gpg says Good signature, but with the forger's fingerprint, not the diary's: VERIFY.txt tells the reader
    // to compare it.
    let out = t.tmp.path().join("resigned");
    unzip(&bad, &out)?;
    let line = gpg_line(&std::fs::read_to_string(out.join("VERIFY.txt"))?)?;
    let (ok, said) = sh(&line, &out, &t.tmp.path().join("gpgtmp"))?;
    assert!(ok && said.contains("Good signature"), "{said}");
    assert!(!said.contains(&s.signing_fingerprint_spaced), "{said}");
    assert!(said.contains(&forger.fingerprint_spaced()), "{said}");
    if let Some(v) = browser_verify(&bad, &bad)? {
        assert_eq!(v["status"], "fail", "{v}");
        assert!(
            texts(&v, "failures")
                .iter()
                .any(|f| f.starts_with("signing-key.asc:") && f.contains("another key")),
            "{v}"
        );
    }
    Ok(())
}

#[test]
fn files_an_operating_system_adds_are_noted_and_any_other_file_fails() -> TestResult {
    let (t, zip, _) = diary_and_pack("pack.zip")?;
    let junk = t.tmp.path().join("junk.zip");
    rewrite(
        &zip,
        &junk,
        &|_, b| Some(b),
        &[
            (".DS_Store", b"\0\0\0\x01Bud1".to_vec()),
            ("__MACOSX/x", b"x".to_vec()),
            ("__MACOSX/._report.pdf", b"\0\x05\x16\x07".to_vec()),
            ("exhibits/Thumbs.db", b"thumbs".to_vec()),
        ],
    )?;
    let r = verify_pack(&junk)?;
    assert!(r.ok, "{:?}", r.failures);
    let noted: Vec<&str> = r.notes.iter().map(|n| n.file.as_str()).collect();
    assert_eq!(
        noted,
        [
            ".DS_Store",
            "__MACOSX/x",
            "__MACOSX/._report.pdf",
            "exhibits/Thumbs.db"
        ]
    );
    assert!(r.notes[0]
        .message
        .contains("added after export, not part of the pack"));
    if let Some(v) = browser_verify(&zip, &junk)? {
        assert_eq!(v["status"], "ok", "{v}");
        let notes = texts(&v, "notes");
        assert_eq!(notes.len(), 4, "{v}");
        assert!(notes
            .iter()
            .any(|n| n.starts_with(".DS_Store: added after export, not part of the pack")));
        assert!(notes
            .iter()
            .any(|n| n.starts_with("__MACOSX/x: added after export")));
    }
    // The same, unzipped, as a folder a Mac has opened.
    let out = t.tmp.path().join("folder");
    unzip(&junk, &out)?;
    if let Some(v) = browser_verify(&zip, &out)? {
        assert_eq!(v["status"], "ok", "{v}");
        assert_eq!(texts(&v, "notes").len(), 4, "{v}");
    }

    // Any other unlisted file still fails.
    let extra = t.tmp.path().join("extra.zip");
    rewrite(
        &zip,
        &extra,
        &|_, b| Some(b),
        &[("notes.txt", b"added".to_vec()), (".DS_Store", vec![0])],
    )?;
    let r = verify_pack(&extra)?;
    assert!(!r.ok);
    assert!(r
        .failures
        .iter()
        .any(|f| f.code == FailureCode::FileUnlisted && f.file.as_deref() == Some("notes.txt")));
    assert_eq!(r.notes.len(), 1);
    if let Some(v) = browser_verify(&zip, &extra)? {
        assert_eq!(v["status"], "fail", "{v}");
        assert!(
            texts(&v, "failures")
                .iter()
                .any(|f| f.starts_with("notes.txt:")),
            "{v}"
        );
    }

    // A pack without its signature fails.
    let unsigned = t.tmp.path().join("unsigned.zip");
    rewrite(
        &zip,
        &unsigned,
        &|n, b| (n != "SHA256SUMS.asc").then_some(b),
        &[],
    )?;
    let r = verify_pack(&unsigned)?;
    assert!(has(&r, FailureCode::SignatureInvalid), "{:?}", r.failures);
    Ok(())
}

#[test]
fn the_receipt_holds_the_figures_sha256sum_prints() -> TestResult {
    let (t, zip, s) = diary_and_pack("EVP handover.zip")?;
    let txt = t.tmp.path().join("EVP handover.receipt.txt");
    let pdf = t.tmp.path().join("EVP handover-receipt.pdf");
    assert_eq!(Path::new(&s.receipt_path), txt);
    assert_eq!(Path::new(&s.receipt_pdf_path), pdf);
    let zip_sha = sha256sum(&zip)?;
    assert_eq!(s.zip_sha256, zip_sha);
    let out = t.tmp.path().join("unzipped");
    unzip(&zip, &out)?;
    let sums_sha = sha256sum(&out.join("SHA256SUMS"))?;
    assert_eq!(s.pack_sha256, sums_sha);
    let text = std::fs::read_to_string(&txt)?;
    println!("{text}");
    for want in [
        s.pack_id.as_str(),
        zip_sha.as_str(),
        sums_sha.as_str(),
        &format!("entry {}, {}", s.head_seq, s.head_hash),
        s.signing_fingerprint_spaced.as_str(),
        s.exported_at_uk.as_str(),
        "Officer's exhibit label:",
    ] {
        assert!(text.contains(want), "receipt lacks {want:?}:\n{text}");
    }
    assert!(s.exported_at_uk.ends_with(" GMT") || s.exported_at_uk.ends_with(" BST"));
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()?;
    let p = String::from_utf8_lossy(&o.stdout);
    for want in [
        s.pack_id.as_str(),
        zip_sha.as_str(),
        sums_sha.as_str(),
        "Page 1 of 1",
    ] {
        assert!(p.contains(want), "receipt PDF lacks {want:?}:\n{p}");
    }
    // No temporary file left beside the pack.
    let left: Vec<String> = std::fs::read_dir(t.tmp.path())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    Ok(())
}
