//! Evidence packs with independent time-stamps, against a real RFC 3161 TSA on loopback (`openssl ts -reply`):
//! the pack's tokens pass `openssl ts -verify` run exactly as VERIFY.txt prints it, in the unzipped folder;
//! `verify_pack` and verify.html (headless Chromium) say when each incident and exhibit existed; a changed or
//! swapped token file, a changed token in chain.json, and a changed token with the whole chain rehashed are
//! each caught.

mod common;
#[path = "common/packzip.rs"]
mod packzip;
#[path = "common/tsa.rs"]
mod tsa_server;

use std::io::Read;
use std::process::Command;

use common::{fields, png, temp_vault, TempVault};
use evident_core::check::FailureCode;
use evident_core::journal::{body_hash, entry_hash, payload_hash};
use evident_core::pack::stamps::{TimeProof, TimedRecord};
use evident_core::pack::{verify_pack, PackRequest, PackSelection, Recipient};
use packzip::{browser as browser_verify, rewrite, run as run_ok, squash, unzip, Sums};
use tsa_server::{TestResult, TestTsa};

fn request() -> PackRequest {
    PackRequest {
        selection: PackSelection {
            all: true,
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
        redactions: Vec::new(),
    }
}

/// A vault with an anchored incident (with a screenshot) and, after the anchor, an incident not anchored yet.
/// Returns the vault, the two incident ids and the TSA.
fn anchored_vault(tsa: &TestTsa) -> TestResult<(TempVault, i64, i64)> {
    let mut t = temp_vault()?;
    let a = t.vault.record_incident(fields("ANCHORED threat"), &[])?;
    t.vault
        .attach_bytes(a, "screenshot.png", &png(40, 30), None)?;
    let got = t.vault.anchor_now(Some(vec![tsa.config()?]))?;
    assert!(got[0].anchor.is_some(), "{:?}", got[0].error);
    let b = t.vault.record_incident(fields("LATER threat"), &[])?;
    Ok((t, a, b))
}

/// VERIFY.txt's `openssl ts -verify` command lines.
fn openssl_lines(verify_txt: &str) -> Vec<String> {
    verify_txt
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("openssl ts -verify "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_packs_time_stamps_pass_openssl_as_printed_and_say_when_each_record_existed() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let (mut t, a, b) = anchored_vault(&tsa)?;
    let anchor = t.vault.anchors()?.pop().ok_or("no anchor")?;
    // A record fingerprint sent to someone before the export, for the recipient to check against the pack.
    let head = t.vault.head()?;
    let message = evident_core::anchor::fingerprint(head.seq, &head.entry_hash);

    let zip = t.tmp.path().join("pack.zip");
    t.vault.export_pack(&request(), &zip)?;
    let out = t.tmp.path().join("unzipped");
    unzip(&zip, &out)?;
    let sums = run_ok(
        Command::new("sha256sum")
            .args(["-c", "SHA256SUMS"])
            .current_dir(&out),
    )?;
    let tsr = format!("anchors/{:06}.tsr", anchor.seq);
    assert!(sums.contains(&format!("{tsr}: OK")), "{sums}");
    assert!(sums.contains("anchors/ca-1.pem: OK"), "{sums}");

    // The token file is exactly the token in chain.json, and the CA file is the TSA's root.
    let chain: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("chain.json"))?)?;
    let entries = chain["entries"].as_array().cloned().unwrap_or_default();
    let entry = |seq: u64| -> serde_json::Value {
        entries
            .iter()
            .find(|e| e["seq"].as_u64() == Some(seq))
            .cloned()
            .unwrap_or_default()
    };
    let anchor_entry = entry(anchor.seq);
    assert_eq!(
        anchor_entry["kind"], "anchor.recorded",
        "anchors are revealed"
    );
    let payload: serde_json::Value =
        serde_json::from_str(anchor_entry["payload"].as_str().unwrap_or_default())?;
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD
        .decode(payload["token"].as_str().unwrap_or_default())?;
    assert_eq!(std::fs::read(out.join(&tsr))?, token);
    assert_eq!(
        std::fs::read_to_string(out.join("anchors/ca-1.pem"))?,
        tsa.pki.read("ca.crt")?
    );

    // VERIFY.txt's own command lines, run as printed in the unzipped folder.
    let verify_txt = std::fs::read_to_string(out.join("VERIFY.txt"))?;
    let lines = openssl_lines(&verify_txt);
    let with_cafile: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" -CAfile anchors/"))
        .collect();
    assert_eq!(with_cafile.len(), 1, "{verify_txt}");
    assert_eq!(
        *with_cafile[0],
        format!(
            "openssl ts -verify -token_in -in {tsr} -digest {} -CAfile anchors/ca-1.pem",
            anchor.covers_hash
        )
    );
    // The test CA is not a public root: no system-store line is printed for it, and VERIFY.txt says why.
    assert!(!lines.iter().any(|l| l.contains("-CApath")), "{verify_txt}");
    assert!(verify_txt.contains("not one of the public roots Evident knows"));
    for line in &with_cafile {
        let stdout = run_ok(Command::new("sh").arg("-c").arg(line).current_dir(&out))?;
        assert!(stdout.contains("Verification: OK"), "{line}: {stdout}");
    }
    // The system-store form (printed for public TSAs only) works as written, with a hashed folder holding this
    // test's root standing in for /etc/ssl/certs.
    let store = t.tmp.path().join("store");
    std::fs::create_dir_all(&store)?;
    std::fs::write(store.join("root.pem"), tsa.pki.read("ca.crt")?)?;
    run_ok(Command::new("openssl").arg("rehash").arg(&store))?;
    let capath = with_cafile[0].replace(
        "-CAfile anchors/ca-1.pem",
        &format!("-CApath {}", store.display()),
    );
    let stdout = run_ok(Command::new("sh").arg("-c").arg(&capath).current_dir(&out))?;
    assert!(stdout.contains("Verification: OK"), "{capath}: {stdout}");
    // The -attime variant VERIFY.txt offers for an expired TSA certificate works too.
    let attime = squash(&verify_txt)
        .split("add -attime ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .ok_or("no -attime in VERIFY.txt")?
        .to_string();
    let stdout = run_ok(
        Command::new("sh")
            .arg("-c")
            .arg(format!("{} -attime {attime}", with_cafile[0]))
            .current_dir(&out),
    )?;
    assert!(stdout.contains("Verification: OK"), "{stdout}");
    // And the line to read a token shows its time.
    let read_line = verify_txt
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("openssl ts -reply "))
        .ok_or("no reading line")?;
    let shown = run_ok(
        Command::new("sh")
            .arg("-c")
            .arg(read_line)
            .current_dir(&out),
    )?;
    assert!(shown.contains("Time stamp: "), "{shown}");
    // Control: the same line against an unrelated root fails, so OpenSSL really checks the chain.
    std::fs::write(out.join("other.pem"), tsa.pki.read("other.crt")?)?;
    let other = with_cafile[0].replace("anchors/ca-1.pem", "other.pem");
    let o = Command::new("sh")
        .arg("-c")
        .arg(&other)
        .current_dir(&out)
        .output()?;
    assert!(!o.status.success(), "an unrelated CA must not verify");
    // VERIFY.txt explains what a time-stamp proves and not, Windows and macOS, and the record fingerprint.
    let flat = squash(&verify_txt);
    for want in [
        "existed no later than the TSA's time",
        "What it does not prove: when an entry was written before that time",
        "supplied by the diarist's software",
        "Git Bash",
        "WSL",
        "brew install openssl@3",
        "LibreSSL",
        "record fingerprint",
        "-attime",
    ] {
        assert!(flat.contains(want), "VERIFY.txt lacks {want:?}");
    }
    let readme = std::fs::read_to_string(out.join("README.txt"))?;
    assert!(readme.contains("RECORD FINGERPRINT") && readme.contains("anchors/"));

    // The fingerprint sent earlier: chain.json has that hash at that entry, as README.txt tells the recipient.
    let hash_in_message = message
        .split("SHA-256 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .ok_or("fingerprint format")?;
    assert_eq!(entry(head.seq)["entry_hash"], hash_in_message);

    // verify_pack: the anchor checked, the token file checked, and a statement per incident and exhibit.
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:?}", r.failures);
    assert_eq!(r.anchors, vec![anchor.clone()]);
    assert_eq!(r.anchor_files_checked, 1);
    let time_of = |record: TimedRecord, id: i64| {
        r.times
            .iter()
            .find(|x| x.record == record && x.incident_id == id)
            .cloned()
    };
    let ta = time_of(TimedRecord::Incident, a).ok_or("incident a")?;
    assert_eq!(ta.proof, TimeProof::Anchored);
    assert_eq!(ta.existed_by.as_deref(), Some(anchor.gen_time.as_str()));
    assert_eq!(
        ta.statement,
        format!(
            "existed no later than {} ({})",
            anchor.gen_time, anchor.tsa_name
        )
    );
    let tx = time_of(TimedRecord::Exhibit, a).ok_or("exhibit of a")?;
    assert_eq!(tx.exhibit.as_deref(), Some("AB/1"));
    assert_eq!(tx.proof, TimeProof::Anchored);
    let tb = time_of(TimedRecord::Incident, b).ok_or("incident b")?;
    assert_eq!(tb.proof, TimeProof::DeviceClock);
    assert_eq!(
        tb.statement,
        "not independently time-stamped: the time is this computer's clock"
    );
    assert_eq!(r.times.len(), 3);

    // The report says the same, in plain words, and explains what a time-stamp proves and does not.
    let text = run_ok(
        Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(out.join("report.pdf"))
            .arg("-"),
    )?;
    let flat = squash(&text);
    // As the report shows every time: UK local time with GMT or BST.
    let shown = evident_core::time::uk_text(&anchor.gen_time, true);
    assert_eq!(
        flat.matches(&format!(
            "Existed no later than {shown} ({}): proven by an independent time-stamp.",
            anchor.tsa_name
        ))
        .count(),
        3,
        "incident a, its exhibit in the incident and in the exhibit list: {flat}"
    );
    assert!(flat.contains("Not independently time-stamped: the time is this computer's clock"));
    assert!(flat.contains("What a time-stamp does not prove."));
    assert!(flat.contains("Independent time-stamps."));

    // verify.html: the imprint against the chain, the token file against chain.json, the same statements.
    if let Some(v) = browser_verify(&zip)? {
        assert_eq!(v["status"], "ok", "{v}");
        let anchors = v["anchors"].to_string();
        assert!(
            anchors.contains(&format!(
                "Entry {}: entries 1 to {} existed no later than {} ({})",
                anchor.seq, anchor.covers_seq, anchor.gen_time, anchor.tsa_name
            )),
            "{anchors}"
        );
        let times: Vec<String> = v["times"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|x| x.as_str().unwrap_or_default().to_string())
            .collect();
        let cli_like: Vec<String> = r
            .times
            .iter()
            .map(|x| {
                let l = x.label();
                format!("{}{}: {}", l[..1].to_uppercase(), &l[1..], x.statement)
            })
            .collect();
        assert_eq!(times, cli_like, "verify.html and verify_pack agree");
        let scope = v["scope"].as_str().unwrap_or_default();
        assert!(scope.contains("does NOT check"), "{scope}");
    }

    // Two exports of the same selection: the same anchors/ files (VERIFY.txt names each pack's own head).
    let again = t.tmp.path().join("again.zip");
    t.vault.export_pack(&request(), &again)?;
    let out2 = t.tmp.path().join("again");
    unzip(&again, &out2)?;
    for f in [tsr.as_str(), "anchors/ca-1.pem"] {
        assert_eq!(
            std::fs::read(out.join(f))?,
            std::fs::read(out2.join(f))?,
            "{f}"
        );
    }
    Ok(())
}

fn b64_flip(token_b64: &str, from_end: usize) -> TestResult<String> {
    use base64::Engine as _;
    let e = base64::engine::general_purpose::STANDARD;
    let mut bytes = e.decode(token_b64)?;
    let n = bytes.len();
    bytes[n - from_end] ^= 0x01;
    Ok(e.encode(bytes))
}

/// chain.json with the token of anchor entry `seq` altered by `edit`, and (when `rehash`) every hash from there
/// on recomputed, head included: what someone rebuilding the chain would do.
fn edit_token(chain: &[u8], seq: u64, rehash: bool) -> TestResult<Vec<u8>> {
    let mut proof: serde_json::Value = serde_json::from_slice(chain)?;
    let entries = proof["entries"].as_array_mut().ok_or("entries")?;
    let mut prev = [0u8; 32];
    for e in entries.iter_mut() {
        let this = e["seq"].as_u64().unwrap_or_default();
        if this == seq {
            let mut p: serde_json::Value =
                serde_json::from_str(e["payload"].as_str().unwrap_or_default())?;
            p["token"] = b64_flip(p["token"].as_str().unwrap_or_default(), 10)?.into();
            e["payload"] = serde_json::to_string(&p)?.into();
        }
        if rehash && this >= seq {
            if let (Some(at), Some(kind), Some(payload)) = (
                e["recorded_at"].as_str(),
                e["kind"].as_str(),
                e["payload"].as_str(),
            ) {
                let bh = body_hash(at, kind, &payload_hash(payload.as_bytes()));
                e["body_hash"] = hex::encode(bh).into();
            }
            let bh: [u8; 32] = hex::decode(e["body_hash"].as_str().unwrap_or_default())?
                .try_into()
                .map_err(|_| "hash")?;
            e["entry_hash"] = hex::encode(entry_hash(this, &prev, &bh)).into();
        }
        prev = hex::decode(e["entry_hash"].as_str().unwrap_or_default())?
            .try_into()
            .map_err(|_| "hash")?;
    }
    if rehash {
        proof["head"]["entry_hash"] = hex::encode(prev).into();
    }
    Ok(serde_json::to_vec_pretty(&proof)?)
}

#[test]
fn a_changed_swapped_or_forged_token_is_caught() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let (mut t, _, _) = anchored_vault(&tsa)?;
    // A second anchor, so two token files can be swapped.
    let got = t.vault.anchor_now(Some(vec![tsa.config()?]))?;
    assert!(got[0].anchor.is_some(), "{:?}", got[0].error);
    let anchors = t.vault.anchors()?;
    assert_eq!(anchors.len(), 2);
    let (f1, f2) = (
        format!("anchors/{:06}.tsr", anchors[0].seq),
        format!("anchors/{:06}.tsr", anchors[1].seq),
    );
    let zip = t.tmp.path().join("good.zip");
    t.vault.export_pack(&request(), &zip)?;
    let r = verify_pack(&zip)?;
    assert!(r.ok, "{:?}", r.failures);
    assert_eq!((r.anchors.len(), r.anchor_files_checked), (2, 2));
    let names_mismatch = |r: &evident_core::pack::PackVerifyReport, file: &str| {
        r.failures
            .iter()
            .any(|x| x.code == FailureCode::AnchorMismatch && x.file.as_deref() == Some(file))
    };

    // 1. One byte of a token file changed (SHA256SUMS recomputed).
    let bad = t.tmp.path().join("bad-tsr.zip");
    rewrite(
        &zip,
        &bad,
        &|n, mut b| {
            if n == f1 {
                let k = b.len() - 10;
                b[k] ^= 0x01;
            }
            b
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    assert!(names_mismatch(&r, &f1), "{:?}", r.failures);
    if let Some(v) = browser_verify(&bad)? {
        assert_eq!(v["status"], "fail");
        let f = v["failures"].to_string();
        assert!(f.contains(&f1) && f.contains("anchor_mismatch"), "{f}");
    }

    // 2. The two token files swapped.
    let swapped = t.tmp.path().join("swapped.zip");
    let (b1, b2) = {
        let mut z = zip::ZipArchive::new(std::fs::File::open(&zip)?)?;
        let mut read = |n: &str| -> TestResult<Vec<u8>> {
            let mut b = Vec::new();
            z.by_name(n)?.read_to_end(&mut b)?;
            Ok(b)
        };
        (read(&f1)?, read(&f2)?)
    };
    rewrite(
        &zip,
        &swapped,
        &|n, b| {
            if n == f1 {
                b2.clone()
            } else if n == f2 {
                b1.clone()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&swapped)?;
    assert!(!r.ok);
    assert!(
        names_mismatch(&r, &f1) && names_mismatch(&r, &f2),
        "{:?}",
        r.failures
    );

    // 3. The token inside chain.json changed: the entry no longer matches its hash, nor the token file.
    let seq = anchors[0].seq;
    let bad = t.tmp.path().join("bad-chain-token.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| {
            if n == "chain.json" {
                edit_token(&b, seq, false).unwrap_or_default()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok);
    assert!(
        r.failures
            .iter()
            .any(|x| x.code == FailureCode::BodyHashMismatch && x.seq == Some(seq)),
        "{:?}",
        r.failures
    );
    assert!(names_mismatch(&r, &f1), "{:?}", r.failures);
    assert!(r.times.is_empty(), "no time claimed from a broken chain");
    if let Some(v) = browser_verify(&bad)? {
        assert_eq!(v["status"], "fail");
        let f = v["failures"].to_string();
        assert!(f.contains("body_hash_mismatch") && f.contains(&f1), "{f}");
    }

    // 4. The token changed in chain.json and in its file, and the whole chain rehashed from there: the chain
    //    links again, but the token's signature fails.
    let forged = t.tmp.path().join("forged.zip");
    rewrite(
        &zip,
        &forged,
        &|n, b| {
            if n == "chain.json" {
                edit_token(&b, seq, true).unwrap_or_default()
            } else if n == f1 {
                let mut b = b;
                let k = b.len() - 10;
                b[k] ^= 0x01;
                b
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&forged)?;
    assert!(!r.ok);
    assert!(
        r.failures
            .iter()
            .any(|x| x.code == FailureCode::AnchorInvalid && x.seq == Some(seq)),
        "{:?}",
        r.failures
    );
    assert!(
        !r.failures
            .iter()
            .any(|x| x.code == FailureCode::BodyHashMismatch),
        "the rehashed chain links: only the token's signature catches it: {:?}",
        r.failures
    );
    assert!(r.times.is_empty());
    Ok(())
}
