//! The `init` verb: create a vault and show its recovery key once.

use std::io::IsTerminal;
use std::path::Path;

use evident_core::{Passphrase, Vault};

use crate::shared::{user, Fail, Secrets};

/// `init`: asks for a new passphrase (twice on a terminal), creates the vault and prints the recovery key.
pub fn run(dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let p1 = secrets.read("New passphrase: ")?;
    if std::io::stdin().is_terminal() {
        let p2 = secrets.read("Repeat passphrase: ")?;
        if p1 != p2 {
            return Err(user("the two passphrases differ; nothing was created"));
        }
    }
    let (_v, recovery) = Vault::create(dir, &Passphrase::new(p1))?;
    println!("Vault created at {}", dir.display());
    println!("Recovery key (write it down and keep it safe; it is shown only now):");
    println!("{}", recovery.expose_display());
    Ok(())
}
