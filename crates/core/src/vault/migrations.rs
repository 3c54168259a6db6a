//! The schema's migrations: one list, in the order of the files in `crates/core/migrations/`, applied
//! forward-only at open (`PRAGMA user_version` counts those applied) and applied whole to the full check's
//! scratch database, so the replay always has the same schema as the vault it checks. A test fails if this
//! list and the folder disagree.

use rusqlite::Connection;

use crate::error::{Error, ErrorKind, Result};

/// One migration: its file name without `.sql`, and its SQL.
#[derive(Debug)]
pub(crate) struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($($name:literal),* $(,)?) => {
        &[$(Migration { name: $name, sql: include_str!(concat!("../../migrations/", $name, ".sql")) }),*]
    };
}

/// Every migration, oldest first. Add a file to `crates/core/migrations/` and its name here; never edit a
/// released one.
pub(crate) const MIGRATIONS: &[Migration] = migrations![
    "0001_initial",
    "0002_anchor",
    "0003_journal_v2",
    "0004_drafts",
    "0005_attachment_described"
];

/// Brings the vault's schema up to date with `list`, one transaction per migration.
pub(crate) fn migrate(conn: &mut Connection, list: &[Migration]) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version as usize > list.len() {
        return Err(Error::new(
            ErrorKind::UnsupportedVersion,
            "this vault was written by a newer version of Evident",
        )
        .with_hint("Update Evident to open it."));
    }
    for (i, m) in list.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql).map_err(|e| {
            Error::internal(format!(
                "the vault's schema could not be updated ({}): {e}",
                m.name
            ))
        })?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}

/// Builds the whole schema of `list` in a fresh (scratch) database.
pub(crate) fn build(conn: &Connection, list: &[Migration]) -> Result<()> {
    for m in list {
        conn.execute_batch(m.sql)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::IncidentFields;
    use crate::keys::{KeyFile, SlotKind};
    use crate::vault::{Vault, KEY_FILE};
    use crate::Passphrase;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn the_list_matches_the_folder() -> TestResult {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{}.sql", m.name))
            .collect();
        assert_eq!(
            files, listed,
            "crates/core/migrations/ and MIGRATIONS must list the same files in the same order"
        );
        for m in MIGRATIONS {
            let on_disk = std::fs::read_to_string(dir.join(format!("{}.sql", m.name)))?;
            assert_eq!(on_disk, m.sql, "{} differs from the embedded copy", m.name);
        }
        Ok(())
    }

    /// A later migration, as a real one would be: a new column with a default, a new table and an index.
    static NEXT: Migration = Migration {
        name: "9999_test",
        sql: "ALTER TABLE incident ADD COLUMN note TEXT NOT NULL DEFAULT '';
              CREATE TABLE extra (id INTEGER PRIMARY KEY, value TEXT);
              CREATE INDEX incident_kind ON incident (kind);",
    };

    /// Every migration, then [`NEXT`].
    fn with_next() -> &'static [Migration] {
        let mut list: Vec<Migration> = MIGRATIONS
            .iter()
            .map(|m| Migration {
                name: m.name,
                sql: m.sql,
            })
            .collect();
        list.push(Migration {
            name: NEXT.name,
            sql: NEXT.sql,
        });
        Box::leak(list.into_boxed_slice())
    }

    #[test]
    fn a_new_migration_keeps_the_full_check_clean() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("vault");
        let pass = Passphrase::new("correct horse battery staple".into());
        {
            let (mut v, _) = Vault::create(&dir, &pass)?;
            v.record_incident(
                IncidentFields {
                    summary: "Before the migration".into(),
                    ..Default::default()
                },
                &[],
            )?;
        }
        // Reopen the same vault with one more migration: it is applied, and the replay uses it too.
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        let key = keys.unwrap(SlotKind::Passphrase, pass.bytes())?;
        let mut v = Vault::open_with_schema(&dir, keys, key, with_next())?;
        let version: i64 = v.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(version as usize, MIGRATIONS.len() + 1);
        v.record_incident(
            IncidentFields {
                summary: "After the migration".into(),
                ..Default::default()
            },
            &[],
        )?;
        let report = v.verify(&mut |_| {})?;
        assert!(report.ok, "{:?}", report.problems);
        assert_eq!(report.entries, 3);

        // The same vault checked with the old list only (as the replay once was, from migration 0001 alone)
        // would see state the journal does not explain: the new column. So the check does look at it.
        v.migrations = MIGRATIONS;
        let stale = v.verify(&mut |_| {})?;
        assert!(
            !stale.ok,
            "a replay without the new migration must not match"
        );
        Ok(())
    }
}
