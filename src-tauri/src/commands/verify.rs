//! Integrity: the status shown at all times (the fast check made at unlock, or the last full verify),
//! and "Verify now" with progress over a Tauri channel.

use evident_core::check::CheckStatus;
use evident_core::vault::OpenCheck;
use evident_core::verify::{Problem, VerifyProgress, VerifyReport};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use crate::error::IpcResult;
use crate::state::AppState;

/// Integrity in plain words.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IntegrityView {
    /// Nothing wrong was found.
    pub ok: bool,
    /// `ok`, `warning` (could not be fully checked) or `failed`.
    pub status: CheckStatus,
    /// True for a full verify, false for the fast check at unlock.
    pub full: bool,
    /// Journal entries checked.
    #[ts(type = "number")]
    pub entries: u64,
    /// Attachments whose bytes were checked (full verify only).
    #[ts(type = "number")]
    pub attachments: u64,
    /// Head entry hash, hex.
    pub head_hash: String,
    /// What was found, in plain words.
    pub message: String,
    /// What to do next, if anything.
    pub hint: Option<String>,
    /// Problems found by a full verify, the first first.
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not failures (full verify only), in plain words.
    pub notices: Vec<String>,
    /// When checked (device clock, UTC, RFC 3339).
    pub checked_at: String,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl IntegrityView {
    /// From the fast check made at open.
    pub fn from_open_check(c: &OpenCheck) -> Self {
        let ok = c.status == CheckStatus::Ok;
        Self {
            ok,
            status: c.status,
            full: false,
            entries: c.entries,
            attachments: 0,
            head_hash: c.head_hash.clone(),
            message: c.message.clone(),
            hint: (!ok)
                .then(|| "Run “Verify now” in Vault and settings for a full check.".to_string()),
            problems: Vec::new(),
            notices: Vec::new(),
            checked_at: now(),
        }
    }

    /// From a full verify.
    pub fn from_report(r: &VerifyReport) -> Self {
        let message = match r.problems.first() {
            None => format!(
                "all {} entries and {} attachments are intact",
                r.entries, r.attachments
            ),
            Some(p) if r.problems.len() == 1 => p.message.clone(),
            Some(p) => format!("{} (and {} more problems)", p.message, r.problems.len() - 1),
        };
        Self {
            ok: r.ok,
            status: if r.ok {
                CheckStatus::Ok
            } else {
                CheckStatus::Failed
            },
            full: true,
            entries: r.entries,
            attachments: r.attachments,
            head_hash: r.head_hash.clone(),
            message,
            hint: (!r.ok).then(|| {
                "The record was changed or damaged after it was written. Keep this copy as it is, and restore \
                 your latest backup into a new folder to compare."
                    .to_string()
            }),
            problems: r.problems.clone(),
            notices: r.notices.clone(),
            checked_at: now(),
        }
    }
}

/// Runs the full check, sending progress (throttled) over `on_progress`.
#[tauri::command]
pub async fn verify_run(
    state: State<'_, AppState>,
    on_progress: Channel<VerifyProgress>,
) -> IpcResult<IntegrityView> {
    let mut last = std::time::Instant::now();
    let mut last_phase = String::new();
    let report = state.with_vault(|v| {
        v.verify(&mut |p: VerifyProgress| {
            let due = last.elapsed() >= std::time::Duration::from_millis(80)
                || p.phase != last_phase
                || p.done >= p.total;
            if due {
                last = std::time::Instant::now();
                last_phase.clone_from(&p.phase);
                let _ = on_progress.send(p);
            }
        })
    })?;
    let view = IntegrityView::from_report(&report);
    state.set_integrity(view.clone());
    Ok(view)
}
