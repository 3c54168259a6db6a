//! IPC commands, one module per noun. Each is a thin adapter: parse, call the core, map the error.

pub mod anchor;
pub mod attachment;
pub mod backup;
pub mod dialog;
pub mod draft;
pub mod import;
pub mod incident;
pub mod pack;
pub mod person;
pub mod report;
pub mod vault;
pub mod verify;
