//! The verbs: one module per verb (or per small group of related verbs), each verb one function that takes its
//! parsed options. `main.rs` says which function runs for which verb.

pub mod add;
pub mod amend;
pub mod anchor;
pub mod attach;
pub mod backup;
pub mod details;
pub mod export;
pub mod import;
pub mod init;
pub mod keys;
pub mod list;
pub mod report;
pub mod show;
pub mod verify;
pub mod verify_pack;
pub mod withdraw;
