//! The `passwd`, `rekey`, `recovery-key`, `remember` and `forget` verbs: the passphrase, the vault's keys and the
//! key remembered on this device.

use std::io::IsTerminal;
use std::path::Path;

use evident_core::{Passphrase, Secret, Vault};

use crate::shared::{open, user, Fail, Secrets};

/// Reads the new passphrase (twice on a terminal).
fn read_new(secrets: &mut Secrets) -> Result<String, Fail> {
    let new = secrets.read("New passphrase: ")?;
    if std::io::stdin().is_terminal() {
        let again = secrets.read("Repeat new passphrase: ")?;
        if again != new {
            return Err(user("the two new passphrases differ; nothing was changed"));
        }
    }
    Ok(new)
}

/// Opens the vault with the current passphrase or recovery key, always asked for (never the key remembered on
/// this device: these verbs change what opens the vault). Returns the vault and that secret, to check again.
fn open_with_current(dir: &Path, current: String) -> Result<(Vault, Secret), Fail> {
    if !Vault::exists(dir) {
        return Err(user(format!("there is no vault at {}", dir.display())));
    }
    let secret = Secret::guess(current);
    let v = Vault::open_secret(dir, &secret)?;
    if let Some(n) = v.key_notice() {
        eprintln!("evident-cli: note: {}", n.message());
    }
    Ok((v, secret))
}

/// `passwd`: reads the current passphrase (or recovery key), then the new one (twice on a terminal).
pub fn passwd(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let old = secrets.read("Current passphrase or recovery key: ")?;
    let new = read_new(secrets)?;
    let (mut v, current) = open_with_current(dir, old)?;
    v.change_passphrase_verified(&current, &Passphrase::new(new))?;
    println!("passphrase changed");
    Ok(())
}

/// `rekey`: reads the current passphrase (or recovery key), then the new passphrase (twice on a terminal);
/// re-encrypts the vault under a new key and prints the new recovery key and what to do with older backups.
pub fn rekey(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let old = secrets.read("Current passphrase or recovery key: ")?;
    let new = read_new(secrets)?;
    let (mut v, current) = open_with_current(dir, old)?;
    let recovery = v.rekey(&current, &Passphrase::new(new))?;
    println!("Vault re-encrypted under a new key. The old passphrase and recovery key no longer open it, and any key remembered on this device was forgotten.");
    println!("New recovery key (write it down and keep it safe; it is shown only now):");
    println!("{}", recovery.expose_display());
    println!("Older backups and copies of this vault still open with the old passphrase and recovery key: destroy them, and make a new backup now.");
    Ok(())
}

/// `recovery-key`: reads the current passphrase (or recovery key), replaces the recovery key and prints it.
pub fn recovery_key(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let old = secrets.read("Current passphrase or recovery key: ")?;
    let (mut v, current) = open_with_current(dir, old)?;
    let recovery = v.new_recovery_key_verified(&current)?;
    println!("The old recovery key no longer opens this vault.");
    println!("New recovery key (write it down and keep it safe; it is shown only now):");
    println!("{}", recovery.expose_display());
    println!("This does not change the vault's key: if someone may have seen the old recovery key or the passphrase, use `evident-cli rekey` instead.");
    Ok(())
}

/// `remember`: keeps the vault's key in this device's keychain.
pub fn remember(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    v.remember_on_device()?;
    println!("remembered on this device");
    Ok(())
}

/// `forget`: removes the key remembered on this device.
pub fn forget(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let mut v = open(dir, secrets)?;
    v.forget_on_device()?;
    println!("forgotten on this device");
    Ok(())
}
