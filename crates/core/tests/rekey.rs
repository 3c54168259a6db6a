//! The vault's keys on real SQLCipher vaults: a change of data key ("Someone may know my passphrase or recovery
//! key"), changing the passphrase or recovery key only with a current secret, and a hostile or damaged
//! `keys.json` (bounded KDF parameters, keyed slot checks) read as damage, never as a wrong passphrase.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use evident_core::{ErrorKind, Passphrase, RecoveryKey, Secret, Vault};
use serde_json::Value;

const NEW: &str = "a new passphrase nobody has seen";

fn p(s: &str) -> Passphrase {
    Passphrase::new(s.into())
}

fn rk(r: &RecoveryKey) -> TestResult<RecoveryKey> {
    Ok(RecoveryKey::parse(&r.expose_display())?)
}

fn kind_of(r: evident_core::Result<Vault>) -> Option<ErrorKind> {
    r.err().map(|e| e.kind())
}

fn key_changes(v: &Vault) -> TestResult<Vec<String>> {
    Ok(v.journal_entries(1)?
        .iter()
        .filter(|e| e.kind == "vault.key_changed")
        .map(|e| {
            let p: Value = serde_json::from_slice(&e.payload)?;
            Ok(p["slot"].as_str().unwrap_or_default().to_string())
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()?)
}

#[test]
fn rekey_locks_out_the_old_secrets_and_keeps_everything() -> TestResult {
    let mut t = temp_vault()?;
    let dir = t.dir();
    let id = t.vault.record_incident(fields("before the change"), &[])?;
    let a = t.vault.attach_bytes(id, "photo.png", &png(16, 16), None)?;
    let backup = t.tmp.path().join("old.evidentbackup");
    t.vault.backup_to(&backup)?;
    let old_keys = std::fs::read(dir.join("keys.json"))?;
    let old_recovery = rk(&t.recovery)?;
    let new_recovery = t.vault.rekey(&Secret::guess(PASS.into()), &p(NEW))?;
    // The vault goes on working in the same session.
    let id2 = t.vault.record_incident(fields("after the change"), &[])?;
    drop(t.vault);

    assert_eq!(
        kind_of(Vault::open(&dir, &p(PASS))),
        Some(ErrorKind::WrongKey)
    );
    assert_eq!(
        kind_of(Vault::open_with_recovery(&dir, &old_recovery)),
        Some(ErrorKind::WrongKey)
    );
    let v = Vault::open(&dir, &p(NEW))?;
    assert_eq!(v.open_check().status, "ok", "{}", v.open_check().message);
    assert_eq!(v.key_notice(), None);
    assert_eq!(v.incident(id)?.summary, "before the change");
    assert_eq!(v.incident(id2)?.summary, "after the change");
    assert_eq!(v.attachment_bytes(a.id)?, png(16, 16));
    let report = v.verify(&mut |_| {})?;
    assert!(report.ok, "{report:?}");
    assert_eq!(key_changes(&v)?, vec!["rekeyed"]);
    drop(v);
    let v = Vault::open_with_recovery(&dir, &new_recovery)?;
    assert!(v.verify(&mut |_| {})?.ok);
    drop(v);

    // No secret and no key in the key file or the record.
    let keys = std::fs::read_to_string(dir.join("keys.json"))?;
    assert!(!keys.contains("rotation"));
    assert!(!keys.contains("device"));

    // The old key file put back beside today's database, with the old passphrase: no longer opens it.
    let now_keys = std::fs::read(dir.join("keys.json"))?;
    std::fs::write(dir.join("keys.json"), &old_keys)?;
    let e = Vault::open(&dir, &p(PASS))
        .err()
        .ok_or("old key file opened")?;
    assert_eq!(e.kind(), ErrorKind::Integrity);
    std::fs::write(dir.join("keys.json"), &now_keys)?;

    // The documented limit: a backup made before the change still opens with the old passphrase.
    let (old, report) = Vault::restore(
        &backup,
        &t.tmp.path().join("restored"),
        &Secret::guess(PASS.into()),
    )?;
    assert!(report.ok);
    assert_eq!(old.incident(id)?.summary, "before the change");
    assert!(
        old.incident(id2).is_err(),
        "the old backup has only what it had"
    );
    drop(old);
    let e = Vault::restore(
        &backup,
        &t.tmp.path().join("restored2"),
        &Secret::guess(NEW.into()),
    )
    .err()
    .ok_or("the new passphrase opened an old backup")?;
    assert_eq!(e.kind(), ErrorKind::WrongKey);
    Ok(())
}

#[test]
fn rekey_with_the_recovery_key_and_again() -> TestResult {
    let mut t = temp_vault()?;
    let dir = t.dir();
    t.vault.record_incident(fields("kept"), &[])?;
    let r1 = t
        .vault
        .rekey(&Secret::Recovery(rk(&t.recovery)?), &p(NEW))?;
    let r2 = t.vault.rekey(&Secret::Recovery(rk(&r1)?), &p(PASS))?;
    drop(t.vault);
    assert_eq!(
        kind_of(Vault::open(&dir, &p(NEW))),
        Some(ErrorKind::WrongKey)
    );
    assert_eq!(
        kind_of(Vault::open_with_recovery(&dir, &r1)),
        Some(ErrorKind::WrongKey)
    );
    let v = Vault::open_with_recovery(&dir, &r2)?;
    assert!(v.verify(&mut |_| {})?.ok);
    assert_eq!(key_changes(&v)?, vec!["rekeyed", "rekeyed"]);
    drop(v);
    assert!(Vault::open(&dir, &p(PASS))?.verify(&mut |_| {})?.ok);
    Ok(())
}

#[test]
fn changing_keys_needs_a_current_secret() -> TestResult {
    let mut t = temp_vault()?;
    let dir = t.dir();
    let before = std::fs::read(dir.join("keys.json"))?;
    let wrong = Secret::guess("someone else's guess".into());
    for e in [
        t.vault
            .change_passphrase_verified(&wrong, &p("an intruder's passphrase"))
            .err(),
        t.vault.new_recovery_key_verified(&wrong).err(),
        t.vault.rekey(&wrong, &p("an intruder's passphrase")).err(),
    ] {
        assert_eq!(e.map(|e| e.kind()), Some(ErrorKind::WrongKey));
    }
    assert_eq!(
        std::fs::read(dir.join("keys.json"))?,
        before,
        "nothing changed"
    );
    // The current passphrase or the recovery key will do.
    t.vault
        .change_passphrase_verified(&Secret::Recovery(rk(&t.recovery)?), &p(NEW))?;
    let r2 = t
        .vault
        .new_recovery_key_verified(&Secret::guess(NEW.into()))?;
    drop(t.vault);
    assert_eq!(
        kind_of(Vault::open_with_recovery(&dir, &t.recovery)),
        Some(ErrorKind::WrongKey)
    );
    let v = Vault::open_with_recovery(&dir, &r2)?;
    assert_eq!(key_changes(&v)?, vec!["passphrase", "recovery"]);
    Ok(())
}

// ---- keys.json: hostile and damaged key files ----

/// The public check of a slot, as keys.rs computes it (anyone can: it is not a secret).
fn public_check(file: &Value, slot: &Value) -> String {
    use sha2::Digest;
    let kdf = match &slot["kdf"] {
        Value::Null => String::new(),
        k => format!("{}/{}/{}", k["m_kib"], k["t"], k["p"]),
    };
    let text = format!(
        "evident-keys/1\0{}\0{}\0{}\0{kdf}\0{}\0{}\0{}",
        file["vault_id"].as_str().unwrap_or_default(),
        file["created_at"].as_str().unwrap_or_default(),
        slot["kind"].as_str().unwrap_or_default(),
        slot["salt"].as_str().unwrap_or_default(),
        slot["nonce"].as_str().unwrap_or_default(),
        slot["wrapped"].as_str().unwrap_or_default(),
    );
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// Edits the slot of `kind` in the vault's keys.json; with `recheck`, recomputes its public check as someone
/// editing the file on purpose would.
fn edit_slot(dir: &Path, kind: &str, recheck: bool, f: impl Fn(&mut Value)) -> TestResult {
    let path = dir.join("keys.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    let meta = file.clone();
    let slots = file["slots"].as_array_mut().ok_or("no slots")?;
    let slot = slots
        .iter_mut()
        .find(|s| s["kind"] == kind)
        .ok_or("no such slot")?;
    f(slot);
    if recheck {
        slot["check"] = public_check(&meta, slot).into();
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&file)?)?;
    Ok(())
}

/// Flips one bit in the base64 text of a field (it stays valid base64 of the same length).
fn flip_b64(v: &mut Value) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut bytes = b64
        .decode(v.as_str().unwrap_or_default())
        .unwrap_or_default();
    if let Some(b) = bytes.get_mut(3) {
        *b ^= 0x01;
    }
    *v = b64.encode(&bytes).into();
}

#[test]
fn absurd_kdf_parameters_are_damage_at_once() -> TestResult {
    let t = temp_vault()?;
    let dir = t.dir();
    drop(t.vault);
    let original = std::fs::read(dir.join("keys.json"))?;
    for (field, value) in [
        ("m_kib", 1u64 << 40),
        ("m_kib", u64::from(u32::MAX)),
        ("m_kib", 2 * 1024 * 1024),
        ("m_kib", 1024),
        ("t", 4_000_000_000),
        ("t", 0),
        ("p", 64),
    ] {
        for recheck in [false, true] {
            std::fs::write(dir.join("keys.json"), &original)?;
            edit_slot(&dir, "passphrase", recheck, |s| {
                s["kdf"][field] = value.into();
            })?;
            let t0 = Instant::now();
            let e = Vault::open(&dir, &p(PASS)).err().ok_or("opened")?;
            assert_eq!(
                e.kind(),
                ErrorKind::Integrity,
                "{field}={value}: {}",
                e.message()
            );
            assert!(e.message().contains("keys.json"), "{}", e.message());
            assert!(
                t0.elapsed() < Duration::from_secs(1),
                "{field}={value}: took {:?}: a key was derived",
                t0.elapsed()
            );
        }
        // The other slot still opens the vault, which names the damaged one (a number no slot can hold makes
        // the whole file unreadable, which was checked above).
        if value > u64::from(u32::MAX) {
            continue;
        }
        std::fs::write(dir.join("keys.json"), &original)?;
        edit_slot(&dir, "recovery", true, |s| {
            s["kdf"][field] = value.into();
        })?;
        let v = Vault::open(&dir, &p(PASS))?;
        assert_eq!(v.open_check().status, "failed");
        assert!(
            v.open_check().message.contains("recovery"),
            "{}",
            v.open_check().message
        );
    }
    // A key file of absurd size is not read.
    std::fs::write(dir.join("keys.json"), vec![b' '; 2 * 1024 * 1024])?;
    assert_eq!(
        kind_of(Vault::open(&dir, &p(PASS))),
        Some(ErrorKind::Integrity)
    );
    std::fs::write(dir.join("keys.json"), &original)?;
    assert!(Vault::open(&dir, &p(PASS)).is_ok());
    Ok(())
}

#[test]
fn an_edited_slot_reads_as_damage_not_as_a_wrong_passphrase() -> TestResult {
    let t = temp_vault()?;
    let dir = t.dir();
    let recovery = rk(&t.recovery)?;
    drop(t.vault);
    let original = std::fs::read(dir.join("keys.json"))?;
    for field in ["salt", "nonce", "wrapped"] {
        // Edited, check left as it was: damage before any key derivation.
        std::fs::write(dir.join("keys.json"), &original)?;
        edit_slot(&dir, "passphrase", false, |s| flip_b64(&mut s[field]))?;
        let e = Vault::open(&dir, &p(PASS)).err().ok_or("opened")?;
        assert_eq!(e.kind(), ErrorKind::Integrity, "{field}: {}", e.message());
        // Edited on purpose, the public check recomputed: the passphrase can no longer tell (the honest limit:
        // only the data key can), but the recovery key opens the vault and the keyed check names the slot.
        std::fs::write(dir.join("keys.json"), &original)?;
        edit_slot(&dir, "passphrase", true, |s| flip_b64(&mut s[field]))?;
        assert!(Vault::open(&dir, &p(PASS)).is_err());
        let v = Vault::open_with_recovery(&dir, &recovery)?;
        assert_eq!(v.open_check().status, "failed", "{field}");
        assert!(
            v.open_check().message.contains("passphrase"),
            "{}",
            v.open_check().message
        );
        drop(v);
        // The keyed check itself edited: the slot unwraps, and is refused as damage.
        std::fs::write(dir.join("keys.json"), &original)?;
        edit_slot(&dir, "passphrase", false, |s| {
            let m = s["mac"].as_str().unwrap_or_default();
            let first = if m.starts_with('0') { "1" } else { "0" };
            s["mac"] = format!("{first}{}", m.get(1..).unwrap_or_default()).into();
        })?;
        let e = Vault::open(&dir, &p(PASS)).err().ok_or("opened")?;
        assert_eq!(e.kind(), ErrorKind::Integrity);
    }
    // A slot's keyed check removed (a downgrade to an old file): the vault requires it, and says so.
    std::fs::write(dir.join("keys.json"), &original)?;
    edit_slot(&dir, "recovery", false, |s| {
        if let Some(o) = s.as_object_mut() {
            o.remove("mac");
        }
    })?;
    let v = Vault::open(&dir, &p(PASS))?;
    assert_eq!(v.open_check().status, "failed");
    assert!(v.open_check().message.contains("recovery"));
    drop(v);
    std::fs::write(dir.join("keys.json"), &original)?;
    let v = Vault::open(&dir, &p(PASS))?;
    assert_eq!(v.open_check().status, "ok", "{}", v.open_check().message);
    Ok(())
}

#[test]
fn a_key_file_from_before_keyed_checks_opens_and_is_upgraded_when_next_written() -> TestResult {
    let t = temp_vault()?;
    let dir = t.dir();
    // As a vault made before keyed checks: no `mac` in any slot, no note in the database.
    t.vault
        .tamper_connection()
        .execute("DELETE FROM setting WHERE key = 'keys.slot_mac'", [])?;
    drop(t.vault);
    let path = dir.join("keys.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    for s in file["slots"].as_array_mut().ok_or("no slots")? {
        s.as_object_mut().ok_or("slot")?.remove("mac");
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&file)?)?;
    let mut v = Vault::open(&dir, &p(PASS))?;
    assert_eq!(v.open_check().status, "ok", "{}", v.open_check().message);
    assert!(
        !std::fs::read_to_string(&path)?.contains("\"mac\""),
        "opening writes nothing"
    );
    v.change_passphrase_verified(&Secret::guess(PASS.into()), &p(NEW))?;
    drop(v);
    let file: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    let slots = file["slots"].as_array().ok_or("no slots")?;
    assert_eq!(slots.len(), 2);
    assert!(slots
        .iter()
        .all(|s| s["mac"].as_str().is_some_and(|m| m.len() == 64)));
    // The old recovery slot was upgraded too, and still opens the vault.
    let v = Vault::open_with_recovery(&dir, &t.recovery)?;
    assert_eq!(v.open_check().status, "ok", "{}", v.open_check().message);
    Ok(())
}
