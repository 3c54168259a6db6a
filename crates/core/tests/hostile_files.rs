//! Files that never end or block: devices and FIFOs are refused at once, never read (no hang, no growth).

mod common;

use std::time::{Duration, Instant};

use common::{fields, temp_vault, TestResult};
use evident_core::ErrorKind;

#[test]
fn a_device_is_refused_at_once() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("Device"), &[])?;
    let started = Instant::now();
    let err = t
        .vault
        .attach_file(id, std::path::Path::new("/dev/zero"))
        .err()
        .ok_or("a device must be refused")?;
    assert_eq!(err.kind(), ErrorKind::FileUnreadable);
    assert!(
        err.message().contains("not a regular file"),
        "{}",
        err.message()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(t.vault.attachments_of(id)?.is_empty());
    Ok(())
}

#[test]
fn a_fifo_is_refused_without_blocking() -> TestResult {
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("FIFO"), &[])?;
    let fifo = t.tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status()?;
    assert!(made.success());
    let started = Instant::now();
    let err = t
        .vault
        .record_incident_with_files(fields("With a FIFO"), &[], &[fifo])
        .err()
        .ok_or("a FIFO must be refused")?;
    assert!(
        err.message().contains("not a regular file"),
        "{}",
        err.message()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(t.vault.incident_count()?, 1, "nothing half-recorded");
    Ok(())
}
