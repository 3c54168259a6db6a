//! The `passwd`, `remember` and `forget` verbs: the passphrase and the key remembered on this device.

use std::io::IsTerminal;
use std::path::Path;

use evident_core::{Passphrase, Secret, Vault};

use crate::shared::{open, user, Fail, Secrets};

/// `passwd`: reads the current passphrase (or recovery key), then the new one (twice on a terminal).
pub fn passwd(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let old = secrets.read("Current passphrase or recovery key: ")?;
    let new = secrets.read("New passphrase: ")?;
    if std::io::stdin().is_terminal() {
        let again = secrets.read("Repeat new passphrase: ")?;
        if again != new {
            return Err(user("the two new passphrases differ; nothing was changed"));
        }
    }
    if !Vault::exists(dir) {
        return Err(user(format!("there is no vault at {}", dir.display())));
    }
    let mut v = Vault::open_secret(dir, &Secret::guess(old))?;
    v.change_passphrase(&Passphrase::new(new))?;
    println!("passphrase changed");
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
