//! The `rusqlite` connections of the in-place path, opened beside sqlx's pools on an SQLite file.

use crate::StoreResult;
use rusqlite::Connection;
use std::str::FromStr;
use std::sync::Mutex;

/// How many reader connections a store keeps.
const READERS: usize = 4;

/// The in-place connections of an SQLite file: one that writes (a sale's transaction, on the
/// writer thread) and a few that read (a sale's point reads, on the calling thread).
pub(crate) struct Connections {
    /// Runs a sale's whole write transaction.
    pub(super) writer: Mutex<Connection>,
    /// Run a sale's reads; they only read.
    pub(super) readers: Vec<Mutex<Connection>>,
}

impl Connections {
    /// Opens them for the SQLite database at `url`; `None` for an in-memory database, which a
    /// second connection would not see.
    pub(crate) fn open(url: &str) -> StoreResult<Option<Connections>> {
        let Some(writer) = open_one(url)? else {
            return Ok(None);
        };
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let Some(conn) = open_one(url)? else {
                return Ok(None);
            };
            // In WAL mode a reader never waits for the writer.
            conn.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 20;")?;
            readers.push(Mutex::new(conn));
        }
        Ok(Some(Connections {
            writer: Mutex::new(writer),
            readers,
        }))
    }
}

/// Opens one connection to an SQLite file (none for an in-memory database). It never waits for
/// the write lock: a sale that finds the lock taken goes through the writer pool, which queues.
fn open_one(url: &str) -> StoreResult<Option<Connection>> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let path = options.get_filename();
    if url.contains("mode=memory") || path.as_os_str() == ":memory:" {
        return Ok(None);
    }
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 0; PRAGMA synchronous = NORMAL;",
    )?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(Some(conn))
}
