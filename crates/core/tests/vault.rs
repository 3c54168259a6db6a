//! Store tests on real SQLCipher: encryption at rest, keys, journal, amendments, withdrawal, tampering, backup.

mod common;

use common::*;
use evident_core::incident::IncidentFilter;
use evident_core::journal::{verify_chain, ChainProof};
use evident_core::{ErrorKind, Passphrase, RecoveryKey, Secret, Vault};

#[test]
fn vault_is_encrypted_at_rest_and_holds_no_marker_text() -> TestResult {
    let mut t = temp_vault()?;
    let id = t
        .vault
        .record_incident(fields("MARKER-SUMMARY-7731"), &[])?;
    t.vault.attach_bytes(
        id,
        "MARKER-FILENAME-7732.txt",
        b"MARKER-BYTES-7733 plain words",
        None,
    )?;
    let pid = t.vault.record_person(evident_core::person::PersonFields {
        name: "MARKER-PERSON-7734".into(),
        ..Default::default()
    })?;
    t.vault.link_person(id, pid, "subject")?;
    let dir = t.dir();
    // Check while open (WAL present) and after close (checkpointed).
    for phase in ["open", "closed"] {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let bytes = std::fs::read(&path)?;
            for marker in [
                "MARKER-SUMMARY-7731",
                "MARKER-FILENAME-7732",
                "MARKER-BYTES-7733",
                "MARKER-PERSON-7734",
                "SQLite format 3",
            ] {
                assert!(
                    !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
                    "{marker} found in {} ({phase})",
                    path.display()
                );
            }
        }
        if phase == "open" {
            // Closing drops the connection and checkpoints the WAL.
            let TempVault {
                tmp,
                vault,
                recovery: _,
            } = t;
            drop(vault);
            t = TempVault {
                vault: Vault::open(&tmp.path().join("vault"), &Passphrase::new(PASS.into()))?,
                tmp,
                recovery: RecoveryKey::parse("0000-0000-0000-0000-0000-0000-0000-0000")?,
            };
            drop(t.vault);
            t.vault = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
        }
    }
    // Plain SQLite (no key) cannot read it.
    let plain = rusqlite::Connection::open(dir.join("evident.db"))?;
    assert!(plain
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
        .is_err());
    Ok(())
}

#[test]
fn wrong_passphrase_is_a_clean_error() -> TestResult {
    let t = temp_vault()?;
    let err = Vault::open(&t.dir(), &Passphrase::new("not the passphrase".into()))
        .err()
        .ok_or("opened")?;
    assert_eq!(err.kind(), ErrorKind::WrongKey);
    assert!(err.message().contains("passphrase"));
    let err = Vault::open(&t.tmp.path().join("nowhere"), &Passphrase::new(PASS.into()))
        .err()
        .ok_or("opened")?;
    assert_eq!(err.kind(), ErrorKind::VaultNotFound);
    Ok(())
}

#[test]
fn recovery_key_unlocks_and_passphrase_change_rewraps() -> TestResult {
    let mut t = temp_vault()?;
    let id = t
        .vault
        .record_incident(fields("kept across key changes"), &[])?;
    let shown = t.recovery.expose_display();
    assert_eq!(shown.len(), 39);
    let dir = t.dir();
    drop(t.vault);
    // Lower case and without dashes still works (people write keys down in many ways).
    let typed = shown.replace('-', " ").to_lowercase();
    let mut v = Vault::open_with_recovery(&dir, &RecoveryKey::parse(&typed)?)?;
    v.change_passphrase(&Passphrase::new("a brand new passphrase".into()))?;
    drop(v);
    assert_eq!(
        Vault::open(&dir, &Passphrase::new(PASS.into()))
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::WrongKey)
    );
    let v = Vault::open(&dir, &Passphrase::new("a brand new passphrase".into()))?;
    assert_eq!(v.incident(id)?.summary, "kept across key changes");
    assert!(v.verify(&mut |_| {})?.ok);
    drop(v);
    let v = Vault::open_secret(&dir, &Secret::guess(shown))?;
    assert_eq!(v.incident_count()?, 1);
    assert_eq!(
        Vault::open_with_recovery(
            &dir,
            &RecoveryKey::parse("0000-0000-0000-0000-0000-0000-0000-0000")?
        )
        .err()
        .map(|e| e.kind()),
        Some(ErrorKind::WrongKey)
    );
    Ok(())
}

#[test]
fn amendments_keep_the_original_and_record_the_reason() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("Origin4l summary"), &[])?;
    let mut f = t.vault.incident_fields(id)?;
    f.summary = "Original summary".into();
    assert!(
        t.vault.amend_incident(id, "", f.clone()).is_err(),
        "a reason is required"
    );
    let changes = t.vault.amend_incident(id, "typo", f)?;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].old, "Origin4l summary");
    let d = t.vault.incident(id)?;
    assert_eq!(d.summary, "Original summary");
    assert_eq!(d.history.len(), 2);
    assert_eq!(d.history[1].reason.as_deref(), Some("typo"));
    assert!(d.history[0]
        .changes
        .iter()
        .any(|c| c.new == "Origin4l summary"));
    assert!(t.vault.verify(&mut |_| {})?.ok);
    Ok(())
}

#[test]
fn withdrawal_purges_bytes_and_keeps_the_hash() -> TestResult {
    let mut t = temp_vault()?;
    let id = t
        .vault
        .record_incident(fields("with a mistaken screenshot"), &[])?;
    let a = t.vault.attach_bytes(id, "wrong.png", &png(4, 4), None)?;
    assert!(t.vault.withdraw_attachment(a.id, " ").is_err());
    t.vault
        .withdraw_attachment(a.id, "attached the wrong screenshot")?;
    let v = t.vault.attachment(a.id)?;
    assert_eq!(v.sha256, a.sha256);
    assert_eq!(
        v.withdrawn.as_ref().map(|w| w.reason.as_str()),
        Some("attached the wrong screenshot")
    );
    assert!(t.vault.attachment_bytes(a.id).is_err());
    let n: i64 = t.vault.tamper_connection().query_row(
        "SELECT count(*) FROM attachment_chunk WHERE attachment_id = ?1",
        [a.id],
        |r| r.get(0),
    )?;
    assert_eq!(n, 0);
    assert!(t.vault.verify(&mut |_| {})?.ok);
    Ok(())
}

#[test]
fn search_filters_and_people() -> TestResult {
    let mut t = temp_vault()?;
    let p = t.vault.person_by_name_or_new("@troll99")?;
    let a = t
        .vault
        .record_incident(fields("Email about the planning meeting"), &[p])?;
    let mut f = fields("Doorstep shouting");
    f.channel = Some("doorstep".into());
    let b = t.vault.record_incident(f, &[p])?;
    let c = t.vault.record_incident(fields("Unrelated letter"), &[])?;
    let hits = t.vault.list_incidents(&IncidentFilter {
        text: Some("plann".into()),
        ..Default::default()
    })?;
    assert_eq!(hits.iter().map(|i| i.id).collect::<Vec<_>>(), vec![a]);
    let hits = t.vault.list_incidents(&IncidentFilter {
        channel: Some("doorstep".into()),
        ..Default::default()
    })?;
    assert_eq!(hits.iter().map(|i| i.id).collect::<Vec<_>>(), vec![b]);
    let person = t.vault.person(p)?;
    assert!(person.course_of_conduct);
    assert_eq!(person.incidents.len(), 2);
    assert_eq!(t.vault.person_by_name_or_new("@TROLL99")?, p);
    // Hostile search text is only ever data.
    t.vault.list_incidents(&IncidentFilter {
        text: Some("\") OR 1=1 -- NEAR(".into()),
        ..Default::default()
    })?;

    // FTS5 syntax in the search box is split into plain words (anything not a letter or digit separates
    // them), each matched as a word prefix, all of them required: quotes, OR/NOT/NEAR, column filters, `^`
    // and `*` are never operators. Each query below would find something else if they were.
    let odd = t.vault.record_incident(
        fields("Note \"1=1\" OR NEAR(gate) -- left at the door*"),
        &[],
    )?;
    let near_only = t
        .vault
        .record_incident(fields("Shouting near the gate"), &[])?;
    let order = t.vault.record_incident(fields("Order 1 placed"), &[])?;
    let ids = |t: &TempVault, text: &str| -> Result<Vec<i64>, evident_core::Error> {
        let mut ids: Vec<i64> = t
            .vault
            .list_incidents(&IncidentFilter {
                text: Some(text.into()),
                ..Default::default()
            })?
            .iter()
            .map(|i| i.id)
            .collect();
        ids.sort_unstable();
        Ok(ids)
    };
    // Needs "or…", "1" and "near…": only `odd` has all three (`near_only` lacks "1", `order` lacks "near").
    assert_eq!(ids(&t, "\") OR 1=1 -- NEAR(")?, vec![odd]);
    // OR is a word to find, not a union (a union would add `b` and `near_only`).
    assert_eq!(ids(&t, "gate OR door")?, vec![odd]);
    // NOT is a word ("Note" starts with it), not an exclusion (which would give `near_only`).
    assert_eq!(ids(&t, "gate NOT left")?, vec![odd]);
    // NEAR(…) is the words near, gate and left, all required.
    assert_eq!(ids(&t, "NEAR(gate left)")?, vec![odd]);
    // A column filter is two words; there is no word starting with "body" (a filter would find two).
    assert_eq!(ids(&t, "body:gate")?, Vec::<i64>::new());
    // `^` (first token only) and a stray quote and star are separators: prefix matches of "door" and "shout".
    assert_eq!(ids(&t, "^door")?, vec![b, odd]);
    assert_eq!(ids(&t, "\"shout*")?, vec![b, near_only]);
    assert_eq!(ids(&t, "\"1\"")?, vec![odd, order]);
    // Nothing but punctuation and spaces leaves no word: no text filter, so every incident.
    let all = vec![a, b, c, odd, near_only, order];
    for text in ["\"*()-:^", "\"\"", "   ", ""] {
        assert_eq!(ids(&t, text)?, all, "{text:?}");
    }
    Ok(())
}

#[test]
fn changed_entry_is_pinpointed_by_verify() -> TestResult {
    let mut t = temp_vault()?;
    for i in 0..5 {
        t.vault
            .record_incident(fields(&format!("incident {i}")), &[])?;
    }
    assert!(t.vault.verify(&mut |_| {})?.ok);
    // With the key in hand, edit entry 4's value where it is kept (the opening beside the entry, format v2).
    let conn = t.vault.tamper_connection();
    let openings: String =
        conn.query_row("SELECT openings FROM journal WHERE seq = 4", [], |r| {
            r.get(0)
        })?;
    assert!(openings.contains("incident 2"));
    conn.execute(
        "UPDATE journal SET openings = ?1 WHERE seq = 4",
        [openings.replace("incident 2", "incident X")],
    )?;
    let r = t.vault.verify(&mut |_| {})?;
    assert!(!r.ok);
    assert_eq!(r.problems[0].code, "opening_mismatch");
    assert_eq!(r.problems[0].seq, Some(4));
    conn.execute(
        "UPDATE journal SET openings = ?1 WHERE seq = 4",
        [&openings],
    )?;
    assert!(t.vault.verify(&mut |_| {})?.ok);
    // And the hashed payload itself.
    let payload: Vec<u8> =
        conn.query_row("SELECT payload FROM journal WHERE seq = 4", [], |r| {
            r.get(0)
        })?;
    let edited = String::from_utf8(payload)?.replacen("\"v\":2", "\"v\":3", 1);
    conn.execute(
        "UPDATE journal SET payload = ?1 WHERE seq = 4",
        [edited.as_bytes()],
    )?;
    let r = t.vault.verify(&mut |_| {})?;
    assert!(!r.ok);
    assert_eq!(r.problems[0].code, "body_hash_mismatch");
    assert_eq!(r.problems[0].seq, Some(4));
    Ok(())
}

#[test]
fn state_edited_outside_the_journal_is_noticed() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("the true summary"), &[])?;
    let conn = t.vault.tamper_connection();
    conn.execute(
        "UPDATE incident SET fields = replace(fields, 'the true summary', 'a false summary') WHERE id = ?1",
        [id],
    )?;
    let r = t.vault.verify(&mut |_| {})?;
    assert!(!r.ok);
    assert!(r
        .problems
        .iter()
        .any(|p| p.code == "state_mismatch" && p.message.contains("incident")));
    Ok(())
}

#[test]
fn attachment_bytes_changed_are_pinpointed() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("with evidence"), &[])?;
    t.vault.attach_bytes(id, "a.txt", b"first file", None)?;
    let b = t.vault.attach_bytes(id, "b.txt", b"second file", None)?;
    t.vault.tamper_connection().execute(
        "UPDATE attachment_chunk SET data = ?1 WHERE attachment_id = ?2",
        (b"second fil3".as_slice(), b.id),
    )?;
    let r = t.vault.verify(&mut |_| {})?;
    assert!(!r.ok);
    assert_eq!(r.problems[0].code, "attachment_mismatch");
    assert_eq!(r.problems[0].attachment_id, Some(b.id));
    Ok(())
}

#[test]
fn removed_last_entry_is_noticed_at_open() -> TestResult {
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("one"), &[])?;
    t.vault.record_incident(fields("two"), &[])?;
    let dir = t.dir();
    t.vault.tamper_connection().execute(
        "DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)",
        [],
    )?;
    drop(t.vault);
    let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    assert_eq!(
        v.open_check().status,
        "failed",
        "{}",
        v.open_check().message
    );
    Ok(())
}

#[test]
fn an_older_copy_put_back_is_noticed_and_stays_noticed() -> TestResult {
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("before the copy"), &[])?;
    let dir = t.dir();
    drop(t.vault);
    let old = std::fs::read(dir.join("evident.db"))?;
    let mut v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    v.record_incident(fields("after the copy: would be lost by a rollback"), &[])?;
    drop(v);
    std::fs::write(dir.join("evident.db"), &old)?;
    let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    assert_eq!(
        v.open_check().status,
        "failed",
        "{}",
        v.open_check().message
    );
    // The older copy is consistent on its own, but the full check compares it with the records of the last
    // head and reports head_mismatch (issue 11); and it must not erase the evidence.
    let r = v.verify(&mut |_| {})?;
    assert!(
        !r.ok && r.problems.iter().any(|p| p.code == "head_mismatch"),
        "{:?}",
        r.problems
    );
    drop(v);
    let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    assert_eq!(
        v.open_check().status,
        "failed",
        "still noticed after a full verify"
    );
    Ok(())
}

#[test]
fn flipped_byte_anywhere_is_reported_not_crashed_on() -> TestResult {
    let mut t = temp_vault()?;
    for i in 0..30 {
        let id = t
            .vault
            .record_incident(fields(&format!("incident number {i}")), &[])?;
        t.vault
            .attach_bytes(id, "x.bin", &vec![i as u8; 20_000], None)?;
    }
    let dir = t.dir();
    drop(t.vault);
    let db = dir.join("evident.db");
    let original = std::fs::read(&db)?;
    let len = original.len();
    let mut positions: Vec<usize> = (0..40).map(|i| i * (len - 1) / 39).collect();
    positions.extend([0, 5, 16, 17, 100, 4096, 16384, 16385, 20000]);
    for pos in positions {
        let mut bytes = original.clone();
        bytes[pos] ^= 0x01;
        std::fs::write(&db, &bytes)?;
        let _ = std::fs::remove_file(dir.join("evident.db-wal"));
        let _ = std::fs::remove_file(dir.join("evident.db-shm"));
        let detected = match Vault::open(&dir, &Passphrase::new(PASS.into())) {
            Err(e) => {
                assert!(
                    matches!(e.kind(), ErrorKind::Integrity),
                    "byte {pos}: {:?} {}",
                    e.kind(),
                    e.message()
                );
                true
            }
            Ok(v) => {
                let r = v.verify(&mut |_| {})?;
                !r.ok || v.open_check().status == "failed"
            }
        };
        assert!(detected, "flipped byte at {pos} of {len} went unnoticed");
    }
    std::fs::write(&db, &original)?;
    let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    assert!(v.verify(&mut |_| {})?.ok);
    drop(v);
    // The key file: every third byte. A damaged slot is reported as damage, never silently accepted.
    let keys = dir.join("keys.json");
    let original = std::fs::read(&keys)?;
    for pos in (0..original.len()).step_by(3) {
        let mut bytes = original.clone();
        bytes[pos] ^= 0x01;
        std::fs::write(&keys, &bytes)?;
        if let Ok(v) = Vault::open(&dir, &Passphrase::new(PASS.into())) {
            assert_eq!(
                v.open_check().status,
                "failed",
                "flip at byte {pos} of keys.json went unnoticed"
            );
        }
    }
    std::fs::write(&keys, &original)?;
    // The head file: a damaged record of the last state is reported at open.
    let head = dir.join("head");
    let original = std::fs::read(&head)?;
    for pos in (0..original.len()).step_by(7) {
        let mut bytes = original.clone();
        bytes[pos] ^= 0x01;
        std::fs::write(&head, &bytes)?;
        let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
        assert_ne!(
            v.open_check().status,
            "ok",
            "flip at {pos} of the head file went unnoticed"
        );
        drop(v);
        std::fs::write(&head, &original)?;
    }
    Ok(())
}

#[test]
fn backup_restores_with_passphrase_or_recovery_key_and_never_overwrites() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("backed up"), &[])?;
    let a = t.vault.attach_bytes(id, "photo.png", &png(8, 8), None)?;
    let file = t.tmp.path().join("vault.evidentbackup");
    t.vault.backup_to(&file)?;
    assert!(t.vault.backup_to(&file).is_err(), "never overwrites a file");
    let bytes = std::fs::read(&file)?;
    assert!(!bytes.windows(9).any(|w| w == b"backed up"));
    let err = Vault::restore(&file, &t.dir(), &Secret::guess(PASS.into()))
        .err()
        .ok_or("overwrote")?;
    assert_eq!(err.kind(), ErrorKind::VaultExists);
    let wrong = Vault::restore(
        &file,
        &t.tmp.path().join("r0"),
        &Secret::guess("wrong passphrase".into()),
    )
    .err()
    .ok_or("wrong key accepted")?;
    assert_eq!(wrong.kind(), ErrorKind::WrongKey);
    let (v, report) = Vault::restore(&file, &t.tmp.path().join("r1"), &Secret::guess(PASS.into()))?;
    assert!(report.ok);
    assert_eq!(v.incident(id)?.summary, "backed up");
    assert_eq!(v.attachment_bytes(a.id)?, png(8, 8));
    let (v2, _) = Vault::restore(
        &file,
        &t.tmp.path().join("r2"),
        &Secret::guess(t.recovery.expose_display()),
    )?;
    assert_eq!(v2.head()?, t.vault.head()?);
    Ok(())
}

#[test]
fn hostile_files_attach_as_evidence_without_preview() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("hostile files"), &[])?;
    // A PNG header claiming 100000×100000 pixels with almost no data: a decompression bomb.
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    // A real 30000×30000 zlib bomb (2.7 GB decoded) from a few MB of zeros.
    let big_raw = vec![0u8; 30_001 * 300];
    let mut zbomb = common::png_from_raw(30_000, 100, &big_raw);
    zbomb[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let good = png(64, 48);
    let truncated = good[..good.len() / 2].to_vec();
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    let jpeg_trunc = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F', 0];
    let long = "long-name-".repeat(40);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("bomb.png", bomb),
        ("zbomb.png", zbomb),
        ("truncated.png", truncated),
        ("empty.bin", Vec::new()),
        ("script.svg", svg),
        ("trunc.jpg", jpeg_trunc),
        ("<img src=x onerror=alert(1)>.png", good.clone()),
        ("\u{202e}gnp.exe", b"MZ".to_vec()),
        (
            "line\nbreak & \"quotes\" 'single' ../../etc/passwd",
            b"x".to_vec(),
        ),
        ("CON", b"x".to_vec()),
        (long.as_str(), b"x".to_vec()),
        ("emoji 😱 ünïcödé.txt", "ok".as_bytes().to_vec()),
    ];
    for (name, bytes) in &cases {
        let a = t.vault.attach_bytes(id, name, bytes, None)?;
        assert_eq!(&a.file_name, name, "the original name is kept exactly");
        assert_eq!(a.size as usize, bytes.len());
        assert_eq!(
            &t.vault.attachment_bytes(a.id)?,
            bytes,
            "bytes kept exactly"
        );
        if *name == "<img src=x onerror=alert(1)>.png" {
            assert!(a.has_preview, "a good PNG gets a preview");
        } else if name.ends_with(".png") || name.ends_with(".svg") || name.ends_with(".jpg") {
            assert!(!a.has_preview, "{name} must not get a preview");
        }
    }
    assert_eq!(t.vault.attachment(1)?.media_type, "image/png");
    assert_eq!(t.vault.attachment(5)?.media_type, "image/svg+xml");
    assert!(t.vault.verify(&mut |_| {})?.ok);
    // Bounded memory: the bombs above must not have made the decoder allocate gigabytes.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kb) = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u64>().ok())
    {
        assert!(kb < 1_500_000, "peak memory {kb} kB");
    }
    Ok(())
}

#[test]
fn golden_vectors_verify_or_fail_for_their_stated_reason() -> TestResult {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut seen = (0, 0);
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        // Only the files here: tests/fixtures/anchors/ (a folder) holds the anchor vectors, whose failures are
        // the anchor check's, not verify_chain's (tests/anchor_vectors.rs).
        if !name.ends_with(".json") {
            continue;
        }
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        let proof: ChainProof = serde_json::from_value(doc.clone())?;
        // The whole chain check: hashes (FORMAT.md §2), then openings, back-links and the manifest (§6).
        let result = evident_core::completeness::verify(&proof).map(|r| r.0);
        if name.starts_with("ok_") {
            assert!(result.is_ok(), "{name}: {result:?}");
            seen.0 += 1;
        } else if name.starts_with("fail_") {
            let f = result
                .err()
                .ok_or(format!("{name} verified but must fail"))?;
            assert_eq!(doc["expect"]["error"], f.error.as_str(), "{name}");
            assert_eq!(doc["expect"]["seq"], f.seq, "{name}");
            seen.1 += 1;
        }
    }
    assert!(seen.0 >= 5 && seen.1 >= 11, "{seen:?}");
    Ok(())
}

#[test]
fn a_vault_journal_exported_as_a_proof_verifies() -> TestResult {
    let mut t = temp_vault()?;
    let p = t.vault.person_by_name_or_new("Someone")?;
    let id = t.vault.record_incident(fields("proof"), &[p])?;
    t.vault.attach_bytes(id, "f.txt", b"bytes", None)?;
    let entries = t.vault.journal_entries(1)?;
    let head = t.vault.head()?;
    let proof = ChainProof {
        format: evident_core::journal::PROOF_FORMAT.into(),
        head: evident_core::journal::ProofHead {
            seq: head.seq,
            entry_hash: hex::encode(head.entry_hash),
        },
        entries: entries
            .iter()
            .map(|e| evident_core::journal::ProofEntry {
                seq: e.seq,
                entry_hash: hex::encode(e.entry_hash),
                body_hash: hex::encode(e.body_hash),
                recorded_at: (e.seq % 2 == 1).then(|| e.recorded_at.clone()),
                kind: (e.seq % 2 == 1).then(|| e.kind.clone()),
                payload: (e.seq % 2 == 1).then(|| String::from_utf8_lossy(&e.payload).into_owned()),
                openings: None,
            })
            .collect(),
    };
    assert_eq!(verify_chain(&proof), Ok(entries.len().div_ceil(2)));
    Ok(())
}

#[test]
fn a_clock_set_back_is_noted_not_failed() -> TestResult {
    let mut t = temp_vault()?;
    let p = t.vault.person_by_name_or_new("@someone")?;
    t.vault.record_incident(fields("first"), &[p])?;
    t.vault.record_incident(fields("second"), &[])?;
    assert!(t.vault.verify(&mut |_| {})?.notices.is_empty());
    // Rewrite the link entry's time to an hour before the entry it follows, as a clock set back would have
    // written it, and rehash the chain from there (the link's time is not part of the state).
    let conn = t.vault.tamper_connection();
    let seq: i64 = conn.query_row(
        "SELECT seq FROM journal WHERE kind = 'incident.person_linked'",
        [],
        |r| r.get(0),
    )?;
    conn.execute(
        "UPDATE journal SET recorded_at = '2000-01-01T00:00:00.000000Z' WHERE seq = ?1",
        [seq],
    )?;
    let entries = t.vault.journal_entries(1)?;
    let mut prev = [0u8; 32];
    for e in &entries {
        let ph = evident_core::journal::payload_hash(&e.payload);
        let bh = evident_core::journal::body_hash(&e.recorded_at, &e.kind, &ph);
        let eh = evident_core::journal::entry_hash(e.seq, &prev, &bh);
        conn.execute(
            "UPDATE journal SET body_hash = ?1, prev_hash = ?2, entry_hash = ?3 WHERE seq = ?4",
            (&bh[..], &prev[..], &eh[..], e.seq as i64),
        )?;
        prev = eh;
    }
    let r = t.vault.verify(&mut |_| {})?;
    // The chain was rewritten in place, so the records of the last head notice it (issue 11: head_mismatch);
    // nothing else is wrong, and the clock going back is a notice.
    assert!(
        !r.problems.is_empty() && r.problems.iter().all(|p| p.code == "head_mismatch"),
        "{:?}",
        r.problems
    );
    assert_eq!(r.notices.len(), 1, "{:?}", r.notices);
    assert!(r.notices[0].contains(&format!("entry {seq}")) && r.notices[0].contains("clock"));
    Ok(())
}
