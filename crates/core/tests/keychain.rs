//! "Remember on this device" against the real OS keychain. The test script runs this twice: inside a private
//! D-Bus session with gnome-keyring's Secret Service (EVIDENT_TEST_KEYCHAIN=secret-service), where remembering
//! must work, and with no session bus, where it must be refused plainly and nothing must be remembered.
//! The same two ways for the keychain copy of the head record (rollback memory): with the Secret Service an older
//! vault folder put back, with the config folder's copy deleted too, is still noticed; without one, nothing fails.

mod common;
#[path = "common/dirs.rs"]
mod dirs;

use std::path::{Path, PathBuf};

use common::*;
use dirs::copy_dir;
use evident_core::{ErrorKind, Passphrase, Vault};
use keyring::credential::CredentialApi as _;

const HEAD_SERVICE: &str = "org.evident.head";

fn with_keyring() -> bool {
    let with = std::env::var("EVIDENT_TEST_KEYCHAIN").as_deref() == Ok("secret-service");
    if !with {
        // Never touch a developer's real keychain: take the session bus away.
        std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
        std::env::remove_var("XDG_RUNTIME_DIR");
    }
    with
}

/// The copy of the head record in the config folder: the file in `<config>/evident/heads` with the same bytes
/// as the vault folder's `head` (both are written after every commit).
fn config_copy(dir: &Path) -> TestResult<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from) {
        Some(p) if p.is_absolute() => p,
        _ => PathBuf::from(std::env::var_os("HOME").ok_or("no HOME")?).join(".config"),
    };
    let head = std::fs::read(dir.join("head"))?;
    for e in std::fs::read_dir(base.join("evident").join("heads"))? {
        let p = e?.path();
        if std::fs::read(&p)? == head {
            return Ok(p);
        }
    }
    Err("no copy of the head record in the config folder".into())
}

#[test]
fn a_whole_older_folder_put_back_with_the_config_copy_deleted_is_noticed_through_the_keychain(
) -> TestResult {
    let with_keyring = with_keyring();
    let TempVault { tmp, mut vault, .. } = temp_vault()?;
    let dir = tmp.path().join("vault");
    vault.record_incident(fields("before the copy"), &[])?;
    drop(vault);
    let saved = tmp.path().join("saved-copy");
    copy_dir(&dir, &saved)?;
    let mut v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    for i in 0..3 {
        v.record_incident(
            fields(&format!("after the copy {i}: lost by the rollback")),
            &[],
        )?;
    }
    let head = v.head()?;
    if with_keyring {
        // While the vault stays open, the keychain copy is written once writes have been quiet (2 s).
        std::thread::sleep(std::time::Duration::from_millis(3500));
        let account = config_copy(&dir)?
            .file_stem()
            .ok_or("no name")?
            .to_string_lossy()
            .into_owned();
        let ss =
            keyring::secret_service::SsCredential::new_with_target(None, HEAD_SERVICE, &account)?;
        let held: serde_json::Value = serde_json::from_str(&ss.get_password()?)?;
        assert_eq!(held["seq"], head.seq, "written while open: {held}");
    }
    drop(v); // closing writes the keychain copy at once if it was not yet

    // The copy outside the vault folder, in the config folder, is deleted; its name is the keychain entry's.
    let outside = config_copy(&dir)?;
    let account = outside
        .file_stem()
        .ok_or("no name")?
        .to_string_lossy()
        .into_owned();
    std::fs::remove_file(&outside)?;
    // The whole older folder, its own head file and all, is put back.
    std::fs::remove_dir_all(&dir)?;
    copy_dir(&saved, &dir)?;

    if with_keyring {
        // What the Secret Service itself holds (not the kernel's session cache): the vault's id, the head's
        // number and hash, nothing else.
        let ss =
            keyring::secret_service::SsCredential::new_with_target(None, HEAD_SERVICE, &account)?;
        let held: serde_json::Value = serde_json::from_str(&ss.get_password()?)?;
        let obj = held.as_object().ok_or("not an object")?;
        let mut members: Vec<&str> = obj.keys().map(String::as_str).collect();
        members.sort_unstable();
        assert_eq!(members, ["entry_hash", "seq", "vault_id"], "{held}");
        assert_eq!(held["seq"], head.seq);
        assert_eq!(held["entry_hash"], hex::encode(head.entry_hash));
        // Only the Secret Service's copy is left: the kernel keyring's cache of it is dropped.
        let _ =
            keyring::keyutils::KeyutilsCredential::new_with_target(None, HEAD_SERVICE, &account)?
                .delete_credential();

        let mut v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
        let check = v.open_check().clone();
        assert_eq!(check.status, "failed", "{}", check.message);
        assert!(check.message.contains("keychain"), "{}", check.message);
        assert!(
            check
                .message
                .contains(&format!("entry {} was recorded", head.seq)),
            "{}",
            check.message
        );
        let r = v.verify(&mut |_| {})?;
        assert!(
            r.problems
                .iter()
                .any(|p| p.code == "head_mismatch" && p.message.contains("keychain")),
            "{:?}",
            r.problems
        );
        // The mark stays after a write (which re-anchors the records) until acknowledged.
        v.record_incident(fields("written after the rollback"), &[])?;
        drop(v);
        let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
        assert_eq!(
            v.open_check().status,
            "failed",
            "{}",
            v.open_check().message
        );
        assert!(v.integrity_mark()?.is_some());
        drop(v);
        let _ = keyring::Entry::new(HEAD_SERVICE, &account)?.delete_credential();
    } else {
        // No keychain: nothing fails, and the check says so. (Only the records in the folder and the config
        // folder are kept: with both put back or deleted, this rollback is not noticed: SECURITY.md.)
        let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
        let check = v.open_check().clone();
        assert_eq!(check.status, "ok", "{}", check.message);
        assert!(
            check.message.contains("no keychain in use"),
            "{}",
            check.message
        );
        assert!(v.verify(&mut |_| {})?.ok);
    }
    Ok(())
}

#[test]
fn remember_on_device_works_or_is_refused_plainly() -> TestResult {
    let with_keyring = with_keyring();
    let TempVault { tmp, mut vault, .. } = temp_vault()?;
    let dir = tmp.path().join("vault");
    let id = vault.record_incident(fields("remembered"), &[])?;
    let result = vault.remember_on_device();
    drop(vault);
    if with_keyring {
        result?;
        assert!(Vault::is_remembered(&dir));
        let v = Vault::open_remembered(&dir)?;
        assert_eq!(v.incident(id)?.summary, "remembered");
        let mut v = v;
        v.forget_on_device()?;
        drop(v);
        assert!(!Vault::is_remembered(&dir));
        let err = Vault::open_remembered(&dir)
            .err()
            .ok_or("still remembered")?;
        assert_eq!(err.kind(), ErrorKind::NotRemembered);
    } else {
        let err = result
            .err()
            .ok_or("remembering must be refused without a persistent keychain")?;
        assert_eq!(err.kind(), ErrorKind::KeychainUnavailable);
        assert!(err.hint().is_some_and(|h| h.contains("passphrase")));
        assert!(
            !Vault::is_remembered(&dir),
            "nothing may be remembered when the keychain refused"
        );
        let err = Vault::open_remembered(&dir)
            .err()
            .ok_or("opened without a key")?;
        assert_eq!(err.kind(), ErrorKind::NotRemembered);
    }
    // The passphrase always works.
    let v = Vault::open(&dir, &evident_core::Passphrase::new(PASS.into()))?;
    assert_eq!(v.incident(id)?.summary, "remembered");
    Ok(())
}

/// A locked keychain is skipped, never unlocked (which would show the desktop's password prompt): the vault opens
/// and says no keychain is in use. Runs the inner test in a fresh private D-Bus session whose login keyring the
/// inner test locks (it cannot be unlocked again without a prompt, so not in the session the other tests share).
#[test]
fn a_locked_keychain_is_skipped_not_prompted_for() -> TestResult {
    if std::env::var_os(LOCKED_CHILD).is_some() {
        return Ok(());
    }
    let tools = ["dbus-run-session", "gnome-keyring-daemon"]
        .iter()
        .all(|t| {
            std::process::Command::new("sh")
                .args(["-c", &format!("command -v {t}")])
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if !tools {
        eprintln!(
            "dbus-run-session or gnome-keyring-daemon missing: the locked-keychain test is not run"
        );
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c"])
        .arg(format!(
            "printf dummy | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec '{}' --exact locked_inner --nocapture",
            exe.display()
        ))
        .env(LOCKED_CHILD, "1")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the inner test ran: {text}");
    Ok(())
}

const LOCKED_CHILD: &str = "EVIDENT_TEST_LOCKED_KEYCHAIN_CHILD";

#[test]
fn locked_inner() -> TestResult {
    if std::env::var_os(LOCKED_CHILD).is_none() {
        return Ok(());
    }
    use dbus_secret_service::{EncryptionType, SecretService};
    let ss = SecretService::connect(EncryptionType::Plain)?;
    let login = ss.get_default_collection()?;
    login.lock()?;
    assert!(login.is_locked()?, "the login keyring is locked");
    let TempVault { tmp, mut vault, .. } = temp_vault()?;
    let dir = tmp.path().join("vault");
    vault.record_incident(fields("kept while the keychain is locked"), &[])?;
    assert!(
        vault.open_check().message.contains("no keychain in use"),
        "{}",
        vault.open_check().message
    );
    drop(vault);
    let v = Vault::open(&dir, &Passphrase::new(PASS.into()))?;
    assert_eq!(v.open_check().status, "ok", "{}", v.open_check().message);
    assert!(
        v.open_check().message.contains("no keychain in use"),
        "{}",
        v.open_check().message
    );
    assert!(login.is_locked()?, "nothing unlocked the keychain");
    Ok(())
}
