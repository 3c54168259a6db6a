//! `evident-cli export` and `verify-pack` against the real binary: a pack made from the command line checks
//! out with no vault and no passphrase; a changed exhibit, a changed payload and unsafe entries exit 2 and are
//! named.

use std::io::{Read, Write};
use std::path::Path;

mod common;

use common::*;

/// Rewrites a ZIP through `edit`, recomputing SHA256SUMS when `fix_sums`.
fn rewrite(
    src: &Path,
    dst: &Path,
    edit: &dyn Fn(&str, Vec<u8>) -> Vec<u8>,
    fix_sums: bool,
) -> TestResult {
    let mut z = zip::ZipArchive::new(std::fs::File::open(src)?)?;
    let mut files = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i)?;
        let mut b = Vec::new();
        e.read_to_end(&mut b)?;
        let name = e.name().to_string();
        let b = edit(&name, b);
        files.push((name, b));
    }
    if fix_sums {
        let sums: String = files
            .iter()
            .filter(|(n, _)| n != "SHA256SUMS")
            .map(|(n, b)| {
                format!(
                    "{}  {n}\n",
                    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b))
                )
            })
            .collect();
        for (n, b) in files.iter_mut() {
            if n == "SHA256SUMS" {
                *b = sums.clone().into_bytes();
            }
        }
    }
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst)?);
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (n, b) in files {
        w.start_file(n, o)?;
        w.write_all(&b)?;
    }
    w.finish()?;
    Ok(())
}

#[test]
fn export_then_verify_pack_without_a_vault() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &format!("{PASS}\n"))?)?;
    let shot = tmp.path().join("shot.txt");
    std::fs::write(&shot, b"pretend screenshot bytes")?;
    let shot_s = shot.to_string_lossy().into_owned();
    for (summary, when) in [
        ("First threat CLIMARKER1", "2026-10-01 10:00"),
        ("Second threat CLIMARKER2", "2026-10-02"),
    ] {
        ok(&cli(
            &vault,
            &[
                "add",
                "--summary",
                summary,
                "--person",
                "Mallory",
                "--occurred",
                when,
                "--attach",
                &shot_s,
            ],
            &format!("{PASS}\n"),
        )?)?;
    }
    ok(&cli(
        &vault,
        &["add", "--summary", "Unrelated PRIVATEMARKER"],
        &format!("{PASS}\n"),
    )?)?;
    let zip = tmp.path().join("pack.zip");
    let zip_s = zip.to_string_lossy().into_owned();
    let out = ok(&cli(
        &vault,
        &[
            "export",
            "--out",
            &zip_s,
            "--person",
            "mallory",
            "--recipient-name",
            "DC Smith",
            "--recipient-org",
            "Example Police",
            "--crime-ref",
            "CR/1/26",
            "--author-name",
            "Alice Bloggs",
            "--initials",
            "ab",
            "--json",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let summary: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(summary["incident_ids"].as_array().map(|a| a.len()), Some(2));
    assert_eq!(summary["exhibit_count"], 2);

    // No vault, no passphrase: a folder that holds no vault, and nothing on stdin.
    let nowhere = tmp.path().join("no-vault-here");
    let out = cli(&nowhere, &["verify-pack", &zip_s], "")?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("OK: pack EVP-"));

    // The excluded incident is nowhere in the pack's raw bytes (PDF text is checked in the core tests).
    let raw = std::fs::read(&zip)?;
    assert!(!raw.windows(13).any(|w| w == b"PRIVATEMARKER"));

    // One exhibit changed.
    let bad = tmp.path().join("bad.zip");
    rewrite(
        &zip,
        &bad,
        &|n, mut b| {
            if n == "exhibits/AB-02_shot.txt" {
                b[0] ^= 1;
            }
            b
        },
        true,
    )?;
    let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAILED: exhibits/AB-02_shot.txt"),
        "{stdout}"
    );

    // One revealed payload changed.
    let bad = tmp.path().join("bad2.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| {
            if n == "chain.json" {
                String::from_utf8_lossy(&b)
                    .replace("CLIMARKER2", "CLIMARKER9")
                    .into_bytes()
            } else {
                b
            }
        },
        true,
    )?;
    let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAILED: chain.json: entry "), "{stdout}");
    assert!(stdout.contains("body_hash_mismatch"), "{stdout}");

    // Unsafe entries are refused, and nothing is extracted.
    let evil = tmp.path().join("evil.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&evil)?);
    let o = zip::write::SimpleFileOptions::default();
    w.start_file("../../escape.txt", o)?;
    w.write_all(b"x")?;
    w.add_symlink("link", "/etc/passwd", o)?;
    w.finish()?;
    let out = cli(&nowhere, &["verify-pack", &evil.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("../../escape.txt: unsafe entry refused"),
        "{stdout}"
    );
    assert!(
        stdout.contains("link: unsafe entry refused: it is a link"),
        "{stdout}"
    );
    assert!(!tmp.path().join("escape.txt").exists());

    // Not a ZIP at all.
    let out = cli(&nowhere, &["verify-pack", &shot_s], "")?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}
