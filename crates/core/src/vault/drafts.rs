//! The vault's drafts (see `crate::draft`): kept in the encrypted database's `draft` table, outside the journal.
//! Each save replaces the slot's draft in one committed transaction (durable once this returns, at
//! `synchronous = FULL`), so a kill -9 right after keeps the words saved last.

use rusqlite::OptionalExtension;

use super::Vault;
use crate::draft::{check_body, Draft, DraftSlot};
use crate::error::Result;
use crate::time;

impl Vault {
    /// Keeps `body` as the draft of `slot`, replacing the one before; returns it as kept. The body is refused
    /// (never cut) when it is not a JSON object or is larger than [`crate::draft::MAX_DRAFT_BYTES`].
    pub fn save_draft(&mut self, slot: DraftSlot, body: &str) -> Result<Draft> {
        check_body(body)?;
        let (_, saved_at) = time::now_utc();
        self.conn.execute(
            "INSERT INTO draft (slot, body, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(slot) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
            rusqlite::params![slot.key(), body, saved_at],
        )?;
        Ok(Draft {
            slot,
            body: body.to_string(),
            saved_at,
        })
    }

    /// The draft of `slot`, if there is one.
    pub fn draft(&self, slot: DraftSlot) -> Result<Option<Draft>> {
        let row = self
            .conn
            .query_row(
                "SELECT body, saved_at FROM draft WHERE slot = ?1",
                [slot.key()],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        Ok(row.map(|(body, saved_at)| Draft {
            slot,
            body,
            saved_at,
        }))
    }

    /// Every draft kept, oldest saved first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT slot, body, saved_at FROM draft ORDER BY saved_at, slot")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, body, saved_at) = row?;
            if let Some(slot) = DraftSlot::from_key(&key) {
                out.push(Draft {
                    slot,
                    body,
                    saved_at,
                });
            }
        }
        Ok(out)
    }

    /// Removes the draft of `slot` (saved, or discarded by the person). Returns whether there was one.
    pub fn discard_draft(&mut self, slot: DraftSlot) -> Result<bool> {
        let n = self
            .conn
            .execute("DELETE FROM draft WHERE slot = ?1", [slot.key()])?;
        Ok(n > 0)
    }
}
