//! `evident-cli verify-pack` and the pack's signature, against the real binary and real tools: two packs from
//! one diary carry the same fingerprint; `--prior` and `--expect-head` pass against the same diary and exit 2
//! against another; a pack doctored and re-signed with a key made by real gpg exits 2 naming both keys; files
//! an operating system adds pass with a note while any other unlisted file fails; the handover receipt's
//! figures are what `sha256sum` prints.

use std::path::Path;
use std::process::{Command, Output};

mod common;
#[path = "../../core/tests/common/packzip.rs"]
mod packzip;

use common::*;
use packzip::{read_zip as entries, write_zip};

/// A diary with two incidents.
fn diary(root: &Path, name: &str) -> TestResult<std::path::PathBuf> {
    let vault = root.join(name);
    ok(&cli(&vault, &["init"], &pass())?)?;
    for s in ["First incident", "Second incident"] {
        ok(&cli(&vault, &["add", "--summary", s], &pass())?)?;
    }
    Ok(vault)
}

/// `export --all` to `zip`; the JSON summary.
fn export(vault: &Path, zip: &Path) -> TestResult<serde_json::Value> {
    let out = ok(&cli(
        vault,
        &[
            "export",
            "--out",
            &zip.to_string_lossy(),
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "Alice Bloggs",
            "--json",
        ],
        &pass(),
    )?)?;
    Ok(serde_json::from_str(&out)?)
}

/// `verify-pack` with no vault and nothing on stdin.
fn verify(root: &Path, args: &[&str]) -> TestResult<(Option<i32>, String)> {
    let o: Output = cli(&root.join("no-vault-here"), args, "")?;
    Ok((
        o.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    ))
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn sha256sum(path: &Path) -> TestResult<String> {
    let o = Command::new("sha256sum").arg(path).output()?;
    Ok(String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .ok_or("sha256sum")?
        .to_string())
}

#[test]
fn prior_and_expect_head_pass_for_the_same_diary_and_exit_2_for_another() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    let vault = diary(root, "v")?;
    let first = root.join("first.zip");
    let s1 = export(&vault, &first)?;
    ok(&cli(
        &vault,
        &["add", "--summary", "Third incident"],
        &pass(),
    )?)?;
    let second = root.join("second.zip");
    let s2 = export(&vault, &second)?;
    let fpr = s1["signing_fingerprint_spaced"]
        .as_str()
        .ok_or("fingerprint")?;
    assert_eq!(s1["signing_fingerprint"], s2["signing_fingerprint"]);

    let (code, said) = verify(root, &["verify-pack", &s(&second)])?;
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains(&format!(
            "Signature: good. SHA256SUMS is signed by the diary's key {fpr}"
        )),
        "{said}"
    );
    let (code, said) = verify(root, &["verify-pack", &s(&first)])?;
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains(fpr),
        "the same fingerprint in both packs: {said}"
    );

    let head1 = format!(
        "{}:{}",
        s1["head_seq"],
        s1["head_hash"].as_str().ok_or("hash")?
    );
    let (code, said) = verify(root, &["verify-pack", &s(&second), "--prior", &s(&first)])?;
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Extends prior first.zip"), "{said}");
    let (code, said) = verify(root, &["verify-pack", &s(&second), "--expect-head", &head1])?;
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Extends expect-head: entry"), "{said}");
    let (code, said) = verify(
        root,
        &[
            "verify-pack",
            &s(&second),
            "--expect-head",
            &head1,
            "--prior",
            &s(&first),
            "--json",
        ],
    )?;
    assert_eq!(code, Some(0), "{said}");

    // Another diary: its pack and its head.
    let other = diary(root, "other")?;
    let other_zip = root.join("other.zip");
    let so = export(&other, &other_zip)?;
    let (code, said) = verify(
        root,
        &["verify-pack", &s(&second), "--prior", &s(&other_zip)],
    )?;
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("FAILED: other.zip: earlier pack was signed with the key"),
        "{said}"
    );
    assert!(said.contains("not from the same diary"), "{said}");
    let other_head = format!(
        "{}:{}",
        so["head_seq"],
        so["head_hash"].as_str().ok_or("hash")?
    );
    let (code, said) = verify(
        root,
        &["verify-pack", &s(&second), "--expect-head", &other_head],
    )?;
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("different history"), "{said}");
    // A head beyond this pack's chain.
    let head2 = format!(
        "{}:{}",
        s2["head_seq"],
        s2["head_hash"].as_str().ok_or("hash")?
    );
    let (code, said) = verify(root, &["verify-pack", &s(&first), "--expect-head", &head2])?;
    assert_eq!(code, Some(2), "{said}");
    // A head that is not SEQ:HASH is a user error.
    let (code, said) = verify(
        root,
        &["verify-pack", &s(&first), "--expect-head", "12:abc"],
    )?;
    assert_eq!(code, Some(1), "{said}");
    Ok(())
}

#[test]
fn a_pack_doctored_and_resigned_with_a_gpg_key_exits_2_naming_the_keys() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    let vault = diary(root, "v")?;
    let zip = root.join("pack.zip");
    let sum = export(&vault, &zip)?;
    let diary_fpr = sum["signing_fingerprint_spaced"].as_str().ok_or("fpr")?;

    // The forger's own key, made with real gpg.
    let home = root.join("gnupg");
    std::fs::create_dir(&home)?;
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700))?;
    let gpg = |args: &[&str]| -> TestResult<Output> {
        let o = Command::new("gpg")
            .arg("--homedir")
            .arg(&home)
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .current_dir(root)
            .output()?;
        if !o.status.success() {
            return Err(format!("gpg {args:?}: {}", String::from_utf8_lossy(&o.stderr)).into());
        }
        Ok(o)
    };
    gpg(&[
        "--quick-gen-key",
        "Forger <forger@example.invalid>",
        "ed25519",
        "sign",
        "never",
    ])?;
    let public = gpg(&["--armor", "--export"])?.stdout;

    // Doctor a file, rewrite SHA256SUMS, re-sign it with the forger's key.
    let mut files = entries(&zip)?;
    for (n, b) in files.iter_mut() {
        match n.as_str() {
            "incidents.csv" => b.extend_from_slice(b"\"99\",\"invented\"\r\n"),
            "signing-key.asc" => *b = public.clone(),
            _ => {}
        }
    }
    let sums: String = files
        .iter()
        .filter(|(n, _)| n != "SHA256SUMS" && n != "SHA256SUMS.asc")
        .map(|(n, b)| {
            format!(
                "{}  {n}\n",
                hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b))
            )
        })
        .collect();
    std::fs::write(root.join("SHA256SUMS"), &sums)?;
    gpg(&[
        "--armor",
        "--detach-sign",
        "--output",
        "SHA256SUMS.asc",
        "SHA256SUMS",
    ])?;
    let sig = std::fs::read(root.join("SHA256SUMS.asc"))?;
    for (n, b) in files.iter_mut() {
        match n.as_str() {
            "SHA256SUMS" => *b = sums.clone().into_bytes(),
            "SHA256SUMS.asc" => *b = sig.clone(),
            _ => {}
        }
    }
    let bad = root.join("resigned.zip");
    write_zip(&bad, &files)?;
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(&home)
        .args(["--kill", "all"])
        .output();

    let (code, said) = verify(root, &["verify-pack", &s(&bad)])?;
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("FAILED: signing-key.asc: is the key"),
        "{said}"
    );
    assert!(
        said.contains("the diary's signing key recorded in entry"),
        "{said}"
    );
    assert!(said.contains(diary_fpr), "{said}");
    assert!(said.contains("signed with another key"), "{said}");
    let o = cli(
        &root.join("no-vault-here"),
        &["verify-pack", &s(&bad), "--json"],
        "",
    )?;
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(
        v["signature_ok"], true,
        "the forger's signature itself is good"
    );
    assert!(v["failures"]
        .as_array()
        .ok_or("failures")?
        .iter()
        .any(|f| f["code"] == "signing_key_mismatch"));
    Ok(())
}

#[test]
fn operating_system_files_pass_with_a_note_and_the_receipt_matches_sha256sum() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    let vault = diary(root, "v")?;
    let zip = root.join("handover.zip");
    let sum = export(&vault, &zip)?;

    // The receipt, beside the pack, with the figures sha256sum prints.
    let receipt = std::fs::read_to_string(root.join("handover.receipt.txt"))?;
    assert!(root.join("handover-receipt.pdf").exists());
    let zip_sha = sha256sum(&zip)?;
    assert_eq!(sum["zip_sha256"], zip_sha.as_str());
    let out = root.join("unzipped");
    let o = Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(&out)
        .output()?;
    assert!(o.status.success());
    let sums_sha = sha256sum(&out.join("SHA256SUMS"))?;
    assert_eq!(sum["pack_sha256"], sums_sha.as_str());
    let id = sum["pack_id"].as_str().ok_or("id")?;
    for want in [zip_sha.as_str(), sums_sha.as_str(), id] {
        assert!(receipt.contains(want), "{receipt}");
    }
    // The text output names the receipt.
    let zip2 = root.join("again.zip");
    let said = ok(&cli(
        &vault,
        &[
            "export",
            "--out",
            &s(&zip2),
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "A B",
        ],
        &pass(),
    )?)?;
    assert!(said.contains("Handover receipt: "), "{said}");
    assert!(
        said.contains(&format!("SHA-256 of the ZIP: {}", sha256sum(&zip2)?)),
        "{said}"
    );

    let mut files = entries(&zip)?;
    files.push((".DS_Store".into(), b"\0\0\0\x01Bud1".to_vec()));
    files.push(("__MACOSX/x".into(), b"x".to_vec()));
    let junk = root.join("junk.zip");
    write_zip(&junk, &files)?;
    let (code, said) = verify(root, &["verify-pack", &s(&junk)])?;
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("Note: .DS_Store: added after export, not part of the pack"),
        "{said}"
    );
    assert!(
        said.contains("Note: __MACOSX/x: added after export, not part of the pack"),
        "{said}"
    );

    files.push(("notes.txt".into(), b"added".to_vec()));
    let extra = root.join("extra.zip");
    write_zip(&extra, &files)?;
    let (code, said) = verify(root, &["verify-pack", &s(&extra)])?;
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("FAILED: notes.txt: is not listed in SHA256SUMS"),
        "{said}"
    );
    Ok(())
}
