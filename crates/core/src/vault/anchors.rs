//! The vault's anchors: which head to time-stamp next and where to ask (a quick read), recording a verified
//! token as an `anchor.recorded` entry (a quick write), the retry queue, the configured TSAs, and where the
//! record stands. The network request itself happens between the two, without the vault, so anchoring never
//! holds up logging.

use rusqlite::{params, OptionalExtension};

use super::Vault;
use crate::anchor::{
    backoff_minutes, AnchorAttempt, AnchorJob, AnchorPayload, AnchorQueue, AnchorStatus,
    AnchorView, TsaSetting,
};
use crate::error::{Error, ErrorKind, Result};
use crate::journal::EntryKind;
use crate::tsa::{Stamp, TsaConfig};

const TSA_LIST: &str = "tsa.list";
const TSA_ENABLED: &str = "tsa.enabled";
const QUEUE: &str = "anchor.queue";
const ANCHOR_KIND: &str = "anchor.recorded";

fn row_view(r: &rusqlite::Row<'_>) -> rusqlite::Result<AnchorView> {
    Ok(AnchorView {
        seq: r.get::<_, i64>(0)? as u64,
        covers_seq: r.get::<_, i64>(1)? as u64,
        covers_hash: r.get(2)?,
        tsa_url: r.get(3)?,
        tsa_name: r.get(4)?,
        gen_time: r.get(5)?,
    })
}

const VIEW_COLUMNS: &str = "seq, covers_seq, covers_hash, tsa_url, tsa_name, gen_time";

impl Vault {
    /// The TSAs anchoring uses: the person's list, or the default list until they change it.
    pub fn tsas(&self) -> Result<Vec<TsaSetting>> {
        match self.setting(TSA_LIST)? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(crate::anchor::default_tsas()),
        }
    }

    fn save_tsas(&mut self, list: &[TsaSetting]) -> Result<()> {
        self.set_setting(TSA_LIST, &serde_json::to_string(list)?)
    }

    /// Adds a TSA (an http:// address and the CA certificates, PEM, its tokens must chain to), replacing one
    /// with the same address, and turns network anchoring on: adding one is asking to use it. The first one
    /// added replaces the default list.
    pub fn tsa_add(&mut self, url: &str, ca_pem: &str) -> Result<TsaSetting> {
        let url = url.trim();
        crate::anchor::check_url(url)?;
        crate::anchor::check_ca_pem(ca_pem)?;
        // The person's first own choice replaces the default list rather than joining it: after `tsa add`, only
        // services the person named (or kept) are ever asked.
        let mut list: Vec<TsaSetting> = match self.setting(TSA_LIST)? {
            Some(json) => serde_json::from_str(&json)?,
            None => Vec::new(),
        };
        list.retain(|t| t.url != url);
        let name = url
            .split("://")
            .nth(1)
            .unwrap_or(url)
            .split('/')
            .next()
            .unwrap_or(url)
            .to_string();
        let t = TsaSetting {
            name,
            url: url.to_string(),
            ca_pem: ca_pem.to_string(),
        };
        list.push(t.clone());
        self.save_tsas(&list)?;
        self.set_anchoring(true)?;
        Ok(t)
    }

    /// Removes a TSA by address.
    pub fn tsa_remove(&mut self, url: &str) -> Result<()> {
        let mut list = self.tsas()?;
        let before = list.len();
        list.retain(|t| t.url != url.trim());
        if list.len() == before {
            return Err(Error::not_found(format!(
                "no time-stamping service at {url}"
            )));
        }
        self.save_tsas(&list)
    }

    /// Turns network anchoring on or off. Off by default: nothing leaves this computer until the person asks.
    pub fn set_anchoring(&mut self, on: bool) -> Result<()> {
        self.set_setting(TSA_ENABLED, if on { "1" } else { "0" })
    }

    /// Whether network anchoring is on.
    pub fn anchoring_enabled(&self) -> Result<bool> {
        Ok(self.setting(TSA_ENABLED)?.as_deref() == Some("1"))
    }

    /// Every anchor, oldest first.
    pub fn anchors(&self) -> Result<Vec<AnchorView>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {VIEW_COLUMNS} FROM anchor ORDER BY seq"))?;
        let rows = stmt.query_map([], row_view)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The last entry that is not itself an anchor: the head worth time-stamping.
    fn anchor_target(&self) -> Result<(u64, [u8; 32])> {
        let (seq, hash): (i64, Vec<u8>) = self.conn.query_row(
            "SELECT seq, entry_hash FROM journal WHERE kind != ?1 ORDER BY seq DESC LIMIT 1",
            [ANCHOR_KIND],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let hash = <[u8; 32]>::try_from(hash)
            .map_err(|_| Error::integrity("the journal's last entry has a malformed hash"))?;
        Ok((seq as u64, hash))
    }

    /// What to time-stamp next and where: the head, and the TSAs (the configured ones, or `only`) that have not
    /// anchored it yet. Quick; makes no request.
    pub fn anchor_job(&self, only: Option<Vec<TsaConfig>>) -> Result<AnchorJob> {
        let (covers_seq, covers_hash) = self.anchor_target()?;
        let tsas = match only {
            Some(t) => t,
            None => {
                let list = self.tsas()?;
                if list.is_empty() {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        "no time-stamping service is configured",
                    )
                    .with_hint("Add one with: evident-cli tsa add URL --ca CERT_FILE"));
                }
                list.iter().map(TsaSetting::config).collect()
            }
        };
        let mut ask = Vec::new();
        let mut already = Vec::new();
        for t in tsas {
            let done: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM anchor WHERE tsa_url = ?1 AND covers_seq >= ?2)",
                params![t.url, covers_seq as i64],
                |r| r.get(0),
            )?;
            if done {
                already.push(t.url);
            } else {
                ask.push(t);
            }
        }
        Ok(AnchorJob {
            covers_seq,
            covers_hash,
            tsas: ask,
            already,
        })
    }

    /// Records a token obtained for `job` from `tsa`, after checking it again offline. Quick.
    pub fn record_anchor(
        &mut self,
        job: &AnchorJob,
        tsa: &TsaConfig,
        stamp: &Stamp,
    ) -> Result<AnchorView> {
        let at: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT entry_hash FROM journal WHERE seq = ?1",
                [job.covers_seq as i64],
                |r| r.get(0),
            )
            .optional()?;
        if at.as_deref() != Some(&job.covers_hash[..]) {
            return Err(Error::integrity(format!(
                "the time-stamp is for entry {}, whose hash is not the one stamped",
                job.covers_seq
            )));
        }
        let payload = AnchorPayload::new(job.covers_seq, &job.covers_hash, tsa, stamp);
        payload.check()?;
        let entry = self.write(|w| w.record(EntryKind::AnchorRecorded, &payload))?;
        Ok(payload.view(entry.seq))
    }

    /// Notes a failed attempt: the next is not made before the back-off has passed.
    pub fn anchor_failed(&mut self, error: &str) -> Result<AnchorQueue> {
        let attempts = self.anchor_queue()?.map_or(0, |q| q.attempts) + 1;
        let (now, now_s) = crate::time::now_utc();
        let next = now + chrono::Duration::minutes(backoff_minutes(attempts));
        let q = AnchorQueue {
            attempts,
            last_try_at: now_s,
            next_try_at: crate::time::rfc3339_utc(next),
            last_error: error.to_string(),
        };
        self.set_setting(QUEUE, &serde_json::to_string(&q)?)?;
        Ok(q)
    }

    /// Clears the retry queue after a success.
    pub fn anchor_succeeded(&mut self) -> Result<()> {
        self.conn
            .execute("DELETE FROM setting WHERE key = ?1", [QUEUE])?;
        Ok(())
    }

    fn anchor_queue(&self) -> Result<Option<AnchorQueue>> {
        Ok(match self.setting(QUEUE)? {
            Some(j) => serde_json::from_str(&j).ok(),
            None => None,
        })
    }

    /// Entries since the head the latest anchor covers, anchors not counted, and when the oldest was recorded.
    fn unanchored(&self) -> Result<(u64, Option<String>)> {
        let covered: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(covers_seq), 0) FROM anchor", [], |r| {
                    r.get(0)
                })?;
        let (n, oldest): (i64, Option<String>) = self.conn.query_row(
            "SELECT COUNT(*), MIN(recorded_at) FROM journal WHERE seq > ?1 AND kind != ?2",
            params![covered, ANCHOR_KIND],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((n as u64, oldest))
    }

    /// Where the record stands with trusted time.
    pub fn anchor_status(&self) -> Result<AnchorStatus> {
        let last = self
            .conn
            .query_row(
                &format!("SELECT {VIEW_COLUMNS} FROM anchor ORDER BY seq DESC LIMIT 1"),
                [],
                row_view,
            )
            .optional()?;
        let (unanchored, oldest_unanchored_at) = self.unanchored()?;
        Ok(AnchorStatus {
            enabled: self.anchoring_enabled()?,
            tsas: self.tsas()?,
            last,
            unanchored,
            oldest_unanchored_at,
            queued: self.anchor_queue()?,
        })
    }

    /// Whether a background attempt is due now: anchoring is on, something is new, and any back-off has passed.
    pub fn anchor_due(&self) -> Result<bool> {
        if !self.anchoring_enabled()? || self.unanchored()?.0 == 0 {
            return Ok(false);
        }
        Ok(match self.anchor_queue()? {
            Some(q) => q.next_try_at <= crate::time::now_utc().1,
            None => true,
        })
    }

    /// Asks every TSA of the job now and records each good token (for the CLI; the app carries out the job on a
    /// background thread). A failed TSA is reported and queued for a retry; nothing is half-recorded.
    pub fn anchor_now(&mut self, only: Option<Vec<TsaConfig>>) -> Result<Vec<AnchorAttempt>> {
        let job = self.anchor_job(only)?;
        let mut out: Vec<AnchorAttempt> = job
            .already
            .iter()
            .map(|u| AnchorAttempt {
                tsa_url: u.clone(),
                anchor: None,
                already: true,
                error: None,
            })
            .collect();
        let mut errors = Vec::new();
        for tsa in &job.tsas {
            let result = crate::tsa::stamp(tsa, &job.covers_hash)
                .and_then(|s| self.record_anchor(&job, tsa, &s));
            match result {
                Ok(view) => out.push(AnchorAttempt {
                    tsa_url: tsa.url.clone(),
                    anchor: Some(view),
                    already: false,
                    error: None,
                }),
                Err(e) => {
                    errors.push(format!("{}: {}", tsa.url, e.message()));
                    out.push(AnchorAttempt {
                        tsa_url: tsa.url.clone(),
                        anchor: None,
                        already: false,
                        error: Some(e.message().to_string()),
                    });
                }
            }
        }
        if out.iter().any(|a| a.anchor.is_some() || a.already) {
            self.anchor_succeeded()?;
        } else if !errors.is_empty() {
            self.anchor_failed(&errors.join("; "))?;
        }
        Ok(out)
    }
}
