//! Evident's core: the vault. An SQLCipher-encrypted store with an append-only, SHA-256 hash-chained journal
//! of incidents, people, attachments, amendments and reports; verification; backup; and evidence packs.
//! It never depends on Tauri: the desktop shell and the CLI are thin layers over it.

pub mod anchor;
pub mod attachment;
pub mod capture;
pub mod change;
pub mod check;
pub mod commitment;
pub mod completeness;
pub mod draft;
pub mod error;
pub(crate) mod fsutil;
pub mod hardening;
pub(crate) mod imaging;
pub mod import;
pub mod incident;
pub mod journal;
pub mod keys;
pub mod pack;
pub mod person;
pub mod preview;
pub(crate) mod projection;
pub mod reference;
pub mod report;
pub mod signing;
pub mod time;
pub mod tsa;
pub mod vault;

pub use vault::{backup, verify};

pub use error::{Error, ErrorKind, Result};
pub use keys::{Passphrase, RecoveryKey, Secret};
pub use vault::Vault;
