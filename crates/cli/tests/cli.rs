//! The CLI's contract, run against the real binary and a real SQLCipher vault.

use std::path::Path;
use std::process::Command;

mod common;

use common::*;

fn init(vault: &Path) -> TestResult<String> {
    let out = ok(&cli(vault, &["init"], &format!("{PASS}\n"))?)?;
    let key = out.lines().last().ok_or("no recovery key")?.to_string();
    assert_eq!(key.len(), 39, "{out}");
    Ok(key)
}

fn last_line(s: &str) -> String {
    s.lines().last().unwrap_or_default().to_string()
}

#[test]
fn add_show_list_amend_withdraw_verify() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    init(&vault)?;
    let shot = tmp.path().join("<img src=x onerror=alert(1)>.png");
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\nnot really")?;
    let out = ok(&cli(
        &vault,
        &[
            "add",
            "--summary",
            "Threatening email",
            "--description",
            "said he knows where I live",
            "--kind",
            "threat_of_harm",
            "--channel",
            "email",
            "--occurred",
            "2026-11-20 21:30",
            "--person",
            "@troll99",
            "--attach",
            shot.to_str().ok_or("path")?,
        ],
        &format!("{PASS}\n"),
    )?)?;
    let id = last_line(&out);
    assert_eq!(id, "1");
    let json: serde_json::Value = serde_json::from_str(&ok(&cli(
        &vault,
        &["show", &id, "--json"],
        &format!("{PASS}\n"),
    )?)?)?;
    for k in [
        "id",
        "occurred_at",
        "recorded_at",
        "kind",
        "channel",
        "summary",
        "description",
        "people",
        "attachments",
    ] {
        assert!(json.get(k).is_some(), "show --json lacks {k}");
    }
    assert_eq!(json["occurred_at"], "2026-11-20T21:30:00+00:00");
    let att = &json["attachments"][0];
    for k in ["id", "file_name", "size", "sha256", "media_type"] {
        assert!(att.get(k).is_some(), "attachment lacks {k}");
    }
    assert_eq!(att["file_name"], "<img src=x onerror=alert(1)>.png");
    use sha2::Digest;
    assert_eq!(
        att["sha256"],
        hex::encode(sha2::Sha256::digest(std::fs::read(&shot)?))
    );
    assert_eq!(json["people"][0]["name"], "@troll99");

    let list: serde_json::Value = serde_json::from_str(&ok(&cli(
        &vault,
        &["list", "--json"],
        &format!("{PASS}\n"),
    )?)?)?;
    assert_eq!(list.as_array().map(|a| a.len()), Some(1));
    assert!(list[0].get("description").is_some() && list[0].get("attachments").is_some());

    ok(&cli(
        &vault,
        &[
            "amend",
            "1",
            "--reason",
            "wrong time",
            "--occurred",
            "2026-11-20 22:30",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let out = cli(
        &vault,
        &["amend", "1", "--summary", "x"],
        &format!("{PASS}\n"),
    )?;
    assert_eq!(out.status.code(), Some(1), "--reason is required");
    ok(&cli(
        &vault,
        &["withdraw", "1", "--reason", "wrong file"],
        &format!("{PASS}\n"),
    )?)?;
    let show = ok(&cli(&vault, &["show", "1"], &format!("{PASS}\n"))?)?;
    assert!(
        show.contains("wrong time") && show.contains("withdrawn"),
        "{show}"
    );
    ok(&cli(&vault, &["verify"], &format!("{PASS}\n"))?)?;
    Ok(())
}

#[test]
fn exit_codes_and_messages() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    let out = cli(&vault, &["list"], &format!("{PASS}\n"))?;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("init") && err.lines().count() == 1, "{err}");
    init(&vault)?;
    let out = cli(&vault, &["list"], "wrong passphrase\n")?;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("passphrase") && !err.contains("panicked") && err.lines().count() == 1,
        "{err}"
    );
    let out = cli(
        &vault,
        &["add", "--summary", "x", "--attach", "/nonexistent/file"],
        &format!("{PASS}\n"),
    )?;
    assert_eq!(out.status.code(), Some(1));
    let out = cli(&vault, &["add", "--summary", "  "], &format!("{PASS}\n"))?;
    assert_eq!(out.status.code(), Some(1));
    let out = cli(
        &vault,
        &["add", "--summary", "x", "--kind", "nonsense"],
        &format!("{PASS}\n"),
    )?;
    assert_eq!(out.status.code(), Some(1));
    let out = cli(&vault, &["show", "99"], &format!("{PASS}\n"))?;
    assert_eq!(out.status.code(), Some(1));
    let out = cli(&vault, &["init"], &format!("{PASS}\n"))?;
    assert_eq!(out.status.code(), Some(1), "init never overwrites");
    // An integrity failure is exit 2: damage the database after a few writes.
    for i in 0..3 {
        ok(&cli(
            &vault,
            &["add", "--summary", &format!("entry {i}")],
            &format!("{PASS}\n"),
        )?)?;
    }
    let db = vault.join("evident.db");
    let mut bytes = std::fs::read(&db)?;
    let at = bytes.len() - 100;
    bytes[at] ^= 0xff;
    std::fs::write(&db, bytes)?;
    let out = cli(&vault, &["verify"], &format!("{PASS}\n"))?;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn passwd_backup_restore() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    let recovery = init(&vault)?;
    ok(&cli(
        &vault,
        &["add", "--summary", "before backup"],
        &format!("{PASS}\n"),
    )?)?;
    ok(&cli(
        &vault,
        &["passwd"],
        &format!("{PASS}\nanother long passphrase\n"),
    )?)?;
    assert_eq!(
        cli(&vault, &["list"], &format!("{PASS}\n"))?.status.code(),
        Some(1)
    );
    ok(&cli(&vault, &["list"], "another long passphrase\n")?)?;
    let backup = tmp.path().join("b.evidentbackup");
    ok(&cli(
        &vault,
        &["backup", backup.to_str().ok_or("path")?],
        "another long passphrase\n",
    )?)?;
    let out = cli(
        &vault,
        &["restore", backup.to_str().ok_or("path")?],
        &format!("{recovery}\n"),
    )?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "restore never overwrites an existing vault"
    );
    let other = tmp.path().join("restored");
    ok(&cli(
        &other,
        &["restore", backup.to_str().ok_or("path")?],
        &format!("{recovery}\n"),
    )?)?;
    let listed = ok(&cli(&other, &["list"], "another long passphrase\n")?)?;
    assert!(listed.contains("before backup"));
    Ok(())
}

/// A 600 MB file attaches under a 400 MB address-space limit: it is streamed, never loaded whole.
#[test]
fn large_file_attaches_with_bounded_memory() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    init(&vault)?;
    let big = tmp.path().join("call recording.wav");
    let f = std::fs::File::create(&big)?;
    f.set_len(600 * 1024 * 1024)?;
    drop(f);
    let script = format!(
        "ulimit -v 400000 && printf '%s\\n' '{PASS}' | '{}' --vault '{}' add --summary 'long call' --attach '{}'",
        env!("CARGO_BIN_EXE_evident-cli"),
        vault.display(),
        big.display()
    );
    let out = Command::new("bash").arg("-c").arg(&script).output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&cli(
        &vault,
        &["show", "1", "--json"],
        &format!("{PASS}\n"),
    )?)?)?;
    assert_eq!(json["attachments"][0]["size"], 600 * 1024 * 1024);
    // The same file's SHA-256 as sha256sum computes it.
    let sum = Command::new("sha256sum").arg(&big).output()?;
    let expected = String::from_utf8(sum.stdout)?
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(json["attachments"][0]["sha256"], expected);
    Ok(())
}
