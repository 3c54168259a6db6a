//! "Remember on this device" against the real OS keychain. The test script runs this twice: inside a private
//! D-Bus session with gnome-keyring's Secret Service (EVIDENT_TEST_KEYCHAIN=secret-service), where remembering
//! must work, and with no session bus, where it must be refused plainly and nothing must be remembered.

mod common;

use common::*;
use evident_core::{ErrorKind, Vault};

#[test]
fn remember_on_device_works_or_is_refused_plainly() -> TestResult {
    let with_keyring = std::env::var("EVIDENT_TEST_KEYCHAIN").as_deref() == Ok("secret-service");
    if !with_keyring {
        // Never touch a developer's real keychain: take the session bus away.
        std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
    }
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
