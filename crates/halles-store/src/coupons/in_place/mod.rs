//! A sale run in place on an SQLite file, fenced in this folder: its reads on a reader
//! connection of the calling thread ([`reads`]), its write transaction on the writer thread
//! ([`sale`]), through `rusqlite` connections of their own ([`connection`]).
//!
//! Through sqlx, every statement on SQLite is a round trip to the connection's own thread: two
//! thread switches per statement, about twenty per sale, all while the sale holds the database's
//! only write lock. Here the same statements (`coupons::sale`, `coupons::ledger` and, for the
//! sale's event, `platform::events` hold their SQL and their values) run on the writer thread
//! itself, through a connection of its own, so the lock is held only as long as SQLite needs.
//!
//! This is a measured exception for the one hot path, not a pattern: new modules must not copy
//! it, and go through sqlx on both databases. It can be turned off
//! ([`crate::StoreOptions::sqlite_in_place`]); every sale then takes the general path, which
//! handles every case on both databases.

mod connection;
mod reads;
mod sale;

pub(crate) use connection::Connections;

use super::ledger::{CardDims, CardRef, Param};
use super::sale::{GroupRow, Once, Redemption, Sale};
use crate::{Store, StoreError, StoreResult};
use halles_core::{OrgId, ProductGroupId, RegisterId};
use rusqlite::{CachedStatement, Connection, Transaction};

/// What a transaction run in place answers, see [`Store::in_place`].
pub(crate) enum InPlace<T> {
    /// Done and committed.
    Done(T),
    /// Another writer holds the lock; nothing was written.
    Busy,
    /// A case for the general path; nothing was written.
    General,
}

impl Store {
    /// Spends `sale` in place (see [`sale::spend`]): `None` when there is no in-place
    /// connection (PostgreSQL, an in-memory database, the setting off) or when the sale needs
    /// the general path. Runs on the writer thread.
    pub(in crate::coupons) async fn spend_in_place(
        &self,
        sale: &Sale<'_>,
        loyalty: Option<ProductGroupId>,
        once: Option<&Once>,
    ) -> StoreResult<Option<Redemption>> {
        self.in_place(|c| sale::spend(c, sale, loyalty, once)).await
    }

    /// A sale's reads in place (see [`reads::sale_reads`]): the card's attachments, whether
    /// its holder wants e-mailed receipts, and the program's groups. `None` when the caller
    /// must read through the pool.
    pub(in crate::coupons) fn sale_reads_in_place(
        &self,
        card: CardRef<'_>,
        market: OrgId,
        register: Option<RegisterId>,
    ) -> Option<StoreResult<(CardDims, bool, Vec<GroupRow>)>> {
        self.read_in_place(|c| reads::sale_reads(c, card, market, register))
    }

    /// Runs `work` on the SQLite file's in-place connection, on the writer thread, with no
    /// round trip to a driver thread between its statements. When a transaction of the writer
    /// pool holds the write lock, `work` answers [`InPlace::Busy`]; it then queues for the
    /// writer pool's connection like every other writer and runs again while holding it.
    /// `None` when there is no such connection (PostgreSQL, the setting off) or when `work`
    /// hands the case back to the general path.
    async fn in_place<T>(
        &self,
        work: impl Fn(&mut Connection) -> StoreResult<InPlace<T>>,
    ) -> StoreResult<Option<T>> {
        let Some(conns) = &self.in_place else {
            return Ok(None);
        };
        // A panic inside rolled its transaction back as it unwound: the connection is sound.
        let run = || {
            work(
                &mut conns
                    .writer
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            )
        };
        let done = match run()? {
            InPlace::Busy => match &self.writer {
                Some(w) => {
                    let _turn = w.acquire().await?;
                    run()?
                }
                None => InPlace::Busy,
            },
            other => other,
        };
        Ok(match done {
            InPlace::Done(t) => Some(t),
            InPlace::Busy | InPlace::General => None,
        })
    }

    /// Runs a few point reads on one of the SQLite file's reader connections, right on the
    /// calling thread: a read of a few rows costs microseconds there, less than the two thread
    /// switches of a round trip through sqlx. `None` (the caller reads through the pool) on
    /// PostgreSQL, with the setting off, when every reader is in use, or when SQLite answers
    /// busy (a reader never sleeps long on a thread that serves requests).
    fn read_in_place<T>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> Option<StoreResult<T>> {
        let conns = self.in_place.as_ref()?;
        let conn = conns.readers.iter().find_map(|r| r.try_lock().ok())?;
        match work(&conn) {
            Err(StoreError::Embedded(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
            {
                None
            }
            done => Some(done),
        }
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Int(v) => v.to_sql(),
            Param::Text(t) => t.to_sql(),
            Param::Bool(b) => b.to_sql(),
        }
    }
}

/// `sql` from the connection's statement cache with `params` bound: `$n` takes the n-th value,
/// as sqlx binds them.
fn prepared<'c>(
    conn: &'c Connection,
    sql: &str,
    params: &[Param<'_>],
) -> StoreResult<CachedStatement<'c>> {
    let mut st = conn.prepare_cached(sql)?;
    for (i, p) in params.iter().enumerate() {
        if let Some(at) = st.parameter_index(&format!("${}", i + 1))? {
            st.raw_bind_parameter(at, p)?;
        }
    }
    Ok(st)
}

/// Runs a statement that returns no rows; answers how many rows it changed.
fn execute(tx: &Transaction<'_>, sql: &str, params: &[Param<'_>]) -> StoreResult<usize> {
    Ok(prepared(tx, sql, params)?.raw_execute()?)
}
