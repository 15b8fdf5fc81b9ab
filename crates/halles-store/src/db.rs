use crate::coupons::in_place::Connections;
use crate::error::{StoreError, StoreResult};
use halles_core::Clock;
use jiff::Timestamp;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (WAL mode, foreign keys on).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The handle every layer above uses to read and write.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
    /// SQLite has one writer: write transactions go through a one-connection pool, so they queue
    /// in order in the process instead of sleeping in SQLite's busy handler, and never wait
    /// behind readers for a connection. `None` on PostgreSQL.
    pub(crate) writer: Option<AnyPool>,
    /// SQLite: the thread that runs hot write transactions, see [`Store::on_writer`].
    writer_thread: Option<Arc<WriterThread>>,
    /// SQLite file: the `rusqlite` connections of a sale run in place (`coupons::in_place`).
    /// `None` on PostgreSQL, in memory, or with [`StoreOptions::sqlite_in_place`] off.
    pub(crate) in_place: Option<Arc<Connections>>,
}

/// How the store uses its database, besides its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// On an SQLite file, run a sale's reads and write transaction in place on `rusqlite`
    /// connections of their own (`coupons::in_place`); off, every sale goes through sqlx, as on
    /// PostgreSQL. On by default; no effect on PostgreSQL.
    pub sqlite_in_place: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            sqlite_in_place: true,
        }
    }
}

/// A thread with its own single-threaded runtime that polls nothing but write transactions, so
/// that between two statements of a transaction holding SQLite's single writer, the transaction
/// resumes at once instead of queueing behind every request the main runtime is serving.
struct WriterThread {
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl WriterThread {
    fn start() -> std::io::Result<WriterThread> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("halles-writer".into())
            .spawn(move || {
                rt.block_on(async {
                    let _ = stopped.await;
                });
            })?;
        Ok(WriterThread {
            handle,
            stop: Some(stop),
        })
    }
}

impl Drop for WriterThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A write transaction.
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl WriteTx {
    /// Commits.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Rolls back (a preview that ran a change to see what it does).
    pub(crate) async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://...`) and configures the connections,
    /// with the default [`StoreOptions`].
    pub async fn connect(url: &str, clock: Arc<dyn Clock>) -> StoreResult<Store> {
        Store::connect_with(url, clock, StoreOptions::default()).await
    }

    /// [`Store::connect`] with `options`.
    pub async fn connect_with(
        url: &str,
        clock: Arc<dyn Clock>,
        options: StoreOptions,
    ) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Database(sqlx::Error::Configuration(
                format!("unsupported database URL (use sqlite:// or postgres://): {url}").into(),
            )));
        };
        let url = match backend {
            // Create the file when missing.
            Backend::Sqlite if !url.contains("mode=") => {
                if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            _ => url.to_owned(),
        };
        let pool_options = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(30))
                // No ping before each use: it costs a round trip per statement, and a broken
                // connection fails its query anyway.
                .test_before_acquire(false)
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
        };
        let (pool, writer, writer_thread, in_place) = match backend {
            Backend::Sqlite => {
                let pool = pool_options(8).connect(&url).await?;
                let thread =
                    WriterThread::start().map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                let in_place = if options.sqlite_in_place {
                    Connections::open(&url)?.map(Arc::new)
                } else {
                    None
                };
                (
                    pool,
                    Some(pool_options(1).connect(&url).await?),
                    Some(Arc::new(thread)),
                    in_place,
                )
            }
            Backend::Postgres => (pool_options(16).connect(&url).await?, None, None, None),
        };
        Ok(Store {
            pool,
            backend,
            clock,
            writer,
            writer_thread,
            in_place,
        })
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Starts a transaction that writes: `BEGIN IMMEDIATE` on SQLite, so concurrent writers
    /// queue on the busy timeout instead of failing when a read lock must be upgraded.
    pub(crate) async fn write_tx(&self) -> StoreResult<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => match &self.writer {
                Some(w) => WriteTx {
                    tx: w.begin_with("BEGIN IMMEDIATE").await?,
                },
                None => WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                },
            },
            Backend::Postgres => WriteTx {
                tx: self.pool.begin().await?,
            },
        })
    }

    /// Runs a write transaction on SQLite's writer thread (on PostgreSQL, where writers run in
    /// parallel, right here). For the hot paths (a sale, an order): a transaction holds the only
    /// writer for its whole length, so each of its statements must resume without delay.
    pub(crate) async fn on_writer<F, T>(&self, work: F) -> StoreResult<T>
    where
        F: Future<Output = StoreResult<T>> + Send + 'static,
        T: Send + 'static,
    {
        match &self.writer_thread {
            Some(t) => t
                .handle
                .spawn(work)
                .await
                .map_err(|e| StoreError::Database(sqlx::Error::Io(std::io::Error::other(e))))?,
            None => work.await,
        }
    }

    /// The pool for single writes outside a transaction: SQLite's writer, so they queue with the
    /// write transactions instead of meeting them in the busy handler.
    pub(crate) fn writes(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    /// Refreshes the statistics the query planner chooses plans by (the worker runs it once an
    /// hour). Without them a plan is picked for tables it believes empty: a cycle's packing list
    /// of 2,000 orders read in 2.8 s on PostgreSQL instead of 0.1 s (its lots query joined
    /// 30,000 movements to every order of the cycle). SQLite never gathers them by itself;
    /// PostgreSQL's autovacuum does, when it is on (it can be off, and lags a bulk change).
    /// SQLite samples (`analysis_limit`), so it stays quick on a large file.
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = self.writes().acquire().await?;
                sqlx::query("PRAGMA analysis_limit = 1000")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("ANALYZE").execute(&mut *conn).await?;
            }
            Backend::Postgres => {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
            }
        }
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether sales run in place on this store's SQLite file (see [`StoreOptions`]).
    pub fn sells_in_place(&self) -> bool {
        self.in_place.is_some()
    }

    /// The injected clock's current time.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The same store seen through another clock (demo data written in the past, tests).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store {
            pool: self.pool.clone(),
            backend: self.backend,
            clock,
            writer: self.writer.clone(),
            writer_thread: self.writer_thread.clone(),
            in_place: self.in_place.clone(),
        }
    }

    /// The injected clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        if let Some(w) = &self.writer {
            w.close().await;
        }
        self.pool.close().await;
    }

    /// Whether the database holds no organization yet (demo data loads only then).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM organizations")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n == 0)
    }
}

/// Milliseconds since the epoch, the storage form of every instant.
pub(crate) fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// Reads an instant stored as milliseconds.
pub(crate) fn ts(row: &AnyRow, col: &str) -> StoreResult<Timestamp> {
    let v: i64 = row.try_get(col)?;
    Timestamp::from_millisecond(v).map_err(|_| StoreError::Corrupt("timestamp"))
}

/// Reads an optional instant stored as milliseconds.
pub(crate) fn ts_opt(row: &AnyRow, col: &str) -> StoreResult<Option<Timestamp>> {
    let v: Option<i64> = row.try_get(col)?;
    v.map(|v| Timestamp::from_millisecond(v).map_err(|_| StoreError::Corrupt("timestamp")))
        .transpose()
}

/// Reads a flag: BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite.
pub(crate) fn flag(row: &AnyRow, col: &str) -> StoreResult<bool> {
    match row.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(col)? != 0),
    }
}

/// Reads a coded enum stored as text.
pub(crate) fn code<T: FromStr>(row: &AnyRow, col: &str, what: &'static str) -> StoreResult<T> {
    let s: String = row.try_get(col)?;
    s.parse().map_err(|_| StoreError::Corrupt(what))
}

/// A value bound to a statement that runs on either driver: through sqlx on both databases,
/// and through the in-place SQLite connection for a sale (`coupons::in_place` binds it for
/// `rusqlite`): a sale's statements and its event's.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// An integer, or NULL.
    Int(Option<i64>),
    /// Text.
    Text(&'a str),
    /// A flag (an integer on SQLite, a boolean on PostgreSQL).
    Bool(bool),
}

/// `sql` with `params` bound in order, for sqlx.
pub(crate) fn bound<'q>(
    sql: &'q str,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    params.iter().fold(sqlx::query(sql), |q, p| match *p {
        Param::Int(v) => q.bind(v),
        Param::Text(t) => q.bind(t),
        Param::Bool(b) => q.bind(b),
    })
}
