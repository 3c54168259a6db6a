//! `evident-cli export` and `verify-pack` against the real binary: a pack made from the command line checks
//! out with no vault and no passphrase; a changed exhibit, a changed payload and unsafe entries exit 2 and are
//! named; a diary written under `faketime -30d` and anchored now by a loopback TSA is reported as existing only
//! since its anchor, and a changed token (file or chain.json) exits 2.

use std::io::Write;
use std::path::Path;

mod common;
#[path = "../../core/tests/common/packzip.rs"]
mod packzip;

use common::*;
use packzip::{rewrite, Sums};

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
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("OK: pack EVP-"));
    // No anchor in this diary: every incident and exhibit says so.
    assert!(
        stdout.contains("Time-stamps: none in this pack"),
        "{stdout}"
    );
    let not_stamped = stdout
        .lines()
        .filter(|l| {
            l.ends_with(": not independently time-stamped: the time is this computer's clock")
        })
        .count();
    assert_eq!(not_stamped, 4, "two incidents and two exhibits: {stdout}");

    // The excluded incident is nowhere in the pack's raw bytes (PDF text is checked in the core tests).
    let raw = std::fs::read(&zip)?;
    assert!(!raw.windows(13).any(|w| w == b"PRIVATEMARKER"));

    // One exhibit changed.
    let bad = tmp.path().join("bad.zip");
    rewrite(
        &zip,
        &bad,
        &|n, mut b| {
            if n == "exhibits/AB-2_shot.txt" {
                b[0] ^= 1;
            }
            b
        },
        Sums::Remade,
    )?;
    let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAILED: exhibits/AB-2_shot.txt"),
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
        Sums::Remade,
    )?;
    let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAILED: chain.json: entry "), "{stdout}");
    // The text is a committed value (FORMAT.md §6): its opening no longer matches.
    assert!(stdout.contains("opening_mismatch"), "{stdout}");

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

#[path = "../../core/tests/common/tsa.rs"]
mod tsa_server;

/// Runs `evident-cli --vault VAULT ARGS…` under `faketime -f OFFSET` (libfaketime: the process sees its clock
/// moved by OFFSET), with `stdin` written to it.
fn faked(
    offset: &str,
    vault: &Path,
    args: &[&str],
    stdin: &str,
) -> TestResult<std::process::Output> {
    let mut child = std::process::Command::new("faketime")
        .args(["-f", offset, env!("CARGO_BIN_EXE_evident-cli"), "--vault"])
        .arg(vault)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("faketime: {e} (install the apt package faketime: scripts/setup.sh)")
        })?;
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    Ok(child.wait_with_output()?)
}

#[test]
fn a_backdated_chain_is_reported_as_existing_only_since_its_anchor_and_a_bad_token_exits_2(
) -> TestResult {
    let tsa = tsa_server::TestTsa::start("tsa_rsa")?;
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    let shot = tmp.path().join("shot.txt");
    std::fs::write(&shot, b"pretend screenshot bytes")?;
    // A diary written with the computer's clock set 30 days back…
    ok(&faked("-30d", &vault, &["init"], &pass())?)?;
    ok(&faked(
        "-30d",
        &vault,
        &[
            "add",
            "--summary",
            "BACKDATED threat",
            "--attach",
            &shot.to_string_lossy(),
        ],
        &pass(),
    )?)?;
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&cli(&vault, &["show", "1", "--json"], &pass())?)?)?;
    let recorded_at = shown["recorded_at"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let thirty_days_ago = (chrono::Utc::now() - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        recorded_at.starts_with(&thirty_days_ago),
        "faketime moved the clock: {recorded_at}"
    );
    // … then anchored now, by an independent TSA.
    let ca = tsa.pki.path("ca.crt");
    let url = tsa.server.url();
    let attempts: serde_json::Value = serde_json::from_str(&ok(&cli(
        &vault,
        &[
            "anchor",
            "--tsa",
            &url,
            "--ca",
            &ca.to_string_lossy(),
            "--json",
        ],
        &pass(),
    )?)?)?;
    let gen_time = attempts[0]["anchor"]["gen_time"]
        .as_str()
        .ok_or("no anchor recorded")?
        .to_string();
    let anchor_seq = attempts[0]["anchor"]["seq"].as_u64().ok_or("anchor seq")?;
    let tsa_name = attempts[0]["anchor"]["tsa_name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // One more incident after the anchor: nothing covers it.
    ok(&cli(
        &vault,
        &["add", "--summary", "UNANCHORED threat"],
        &pass(),
    )?)?;
    let zip = tmp.path().join("pack.zip");
    let zip_s = zip.to_string_lossy().into_owned();
    ok(&cli(
        &vault,
        &[
            "export",
            "--out",
            &zip_s,
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "Alice Bloggs",
        ],
        &pass(),
    )?)?;

    let nowhere = tmp.path().join("no-vault-here");
    let out = cli(&nowhere, &["verify-pack", &zip_s], "")?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Time-stamps: 1 checked"), "{stdout}");
    let late = format!("but proven to exist only since {gen_time} ({tsa_name})");
    let incident_line = stdout
        .lines()
        .find(|l| l.starts_with("Incident 1 (entry "))
        .ok_or("no line for incident 1")?;
    assert!(
        incident_line.contains(&format!("recorded (device clock) {recorded_at}, {late}")),
        "{stdout}"
    );
    let exhibit_line = stdout
        .lines()
        .find(|l| l.starts_with("Exhibit AB/1 (entry "))
        .ok_or("no line for the exhibit")?;
    assert!(exhibit_line.contains(&late), "{stdout}");
    let unanchored = stdout
        .lines()
        .find(|l| l.starts_with("Incident 2 (entry "))
        .ok_or("no line for incident 2")?;
    assert!(
        unanchored.ends_with(": not independently time-stamped: the time is this computer's clock"),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&cli(
        &nowhere,
        &["verify-pack", &zip_s, "--json"],
        "",
    )?)?)?;
    assert_eq!(json["times"][0]["proof"], "anchored_late");
    assert_eq!(json["times"][0]["existed_by"], gen_time.as_str());
    assert_eq!(json["anchors"][0]["seq"], anchor_seq);

    // A token file changed (SHA256SUMS recomputed): an integrity failure, exit 2, naming the file.
    let tsr = format!("anchors/{anchor_seq:06}.tsr");
    let bad = tmp.path().join("bad-token.zip");
    rewrite(
        &zip,
        &bad,
        &|n, mut b| {
            if n == tsr {
                let k = b.len() - 10;
                b[k] ^= 1;
            }
            b
        },
        Sums::Remade,
    )?;
    let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "FAILED: {tsr}: is not the time-stamp token recorded in entry {anchor_seq}"
        )),
        "{stdout}"
    );

    // The token inside chain.json changed: exit 2.
    let bad = tmp.path().join("bad-chain-token.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| {
            if n != "chain.json" {
                return b;
            }
            let mut proof: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
            if let Some(es) = proof["entries"].as_array_mut() {
                for e in es {
                    if e["kind"] == "anchor.recorded" {
                        let p = e["payload"].as_str().unwrap_or_default();
                        // One base64 character of the token changed.
                        let i = p.find("\"token\":\"").unwrap_or(0) + 40;
                        let mut p = p.to_string();
                        let c = if &p[i..i + 1] == "A" { "B" } else { "A" };
                        p.replace_range(i..i + 1, c);
                        e["payload"] = p.into();
                    }
                }
            }
            serde_json::to_vec_pretty(&proof).unwrap_or_default()
        },
        Sums::Remade,
    )?;
    let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("FAILED: {tsr}")), "{stdout}");
    assert!(stdout.contains("body_hash_mismatch"), "{stdout}");
    Ok(())
}
