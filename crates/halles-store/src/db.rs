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
    writer: Option<AnyPool>,
    /// SQLite: the thread that runs hot write transactions, see [`Store::on_writer`].
    writer_thread: Option<Arc<WriterThread>>,
    /// SQLite file: a connection of its own that runs a sale's whole write transaction in place
    /// on the writer thread, see [`Store::in_place`]. `None` on PostgreSQL.
    in_place: Option<Arc<std::sync::Mutex<rusqlite::Connection>>>,
    /// SQLite file: connections for a sale's point reads, run on the calling thread (see
    /// [`Store::read_in_place`]). `None` on PostgreSQL.
    readers: Option<Arc<Vec<std::sync::Mutex<rusqlite::Connection>>>>,
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

/// What a transaction run in place answers, see [`Store::in_place`].
pub(crate) enum InPlace<T> {
    /// Done and committed.
    Done(T),
    /// Another writer holds the lock; nothing was written.
    Busy,
    /// A case for the general path; nothing was written.
    General,
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
    /// Connects to `url` (`sqlite://path` or `postgres://...`) and configures the connections.
    pub async fn connect(url: &str, clock: Arc<dyn Clock>) -> StoreResult<Store> {
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
        let options = |max: u32| {
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
        let (pool, writer, writer_thread, in_place, readers) = match backend {
            Backend::Sqlite => {
                let pool = options(8).connect(&url).await?;
                let thread =
                    WriterThread::start().map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                (
                    pool,
                    Some(options(1).connect(&url).await?),
                    Some(Arc::new(thread)),
                    open_in_place(&url)?.map(|c| Arc::new(std::sync::Mutex::new(c))),
                    open_readers(&url)?,
                )
            }
            Backend::Postgres => (options(16).connect(&url).await?, None, None, None, None),
        };
        Ok(Store {
            pool,
            backend,
            clock,
            writer,
            writer_thread,
            in_place,
            readers,
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

    /// Runs `work` on the SQLite file's in-place connection, on the writer thread, with no
    /// round trip to a driver thread between its statements. When a transaction of the writer
    /// pool holds the write lock, `work` answers [`InPlace::Busy`]; it then queues for the
    /// writer pool's connection like every other writer and runs again while holding it.
    /// `None` when there is no such connection (PostgreSQL) or when `work` hands the case back
    /// to the general path.
    pub(crate) async fn in_place<T>(
        &self,
        work: impl Fn(&mut rusqlite::Connection) -> StoreResult<InPlace<T>>,
    ) -> StoreResult<Option<T>> {
        let Some(conn) = &self.in_place else {
            return Ok(None);
        };
        // A panic inside rolled its transaction back as it unwound: the connection is sound.
        let run = || {
            work(
                &mut conn
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
    /// PostgreSQL, when every reader is in use, or when SQLite answers busy (a reader never
    /// sleeps long on a thread that serves requests).
    pub(crate) fn read_in_place<T>(
        &self,
        work: impl FnOnce(&rusqlite::Connection) -> StoreResult<T>,
    ) -> Option<StoreResult<T>> {
        let readers = self.readers.as_ref()?;
        let conn = readers.iter().find_map(|r| r.try_lock().ok())?;
        match work(&conn) {
            Err(StoreError::Embedded(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
            {
                None
            }
            done => Some(done),
        }
    }

    /// The pool for single writes outside a transaction: SQLite's writer, so they queue with the
    /// write transactions instead of meeting them in the busy handler.
    pub(crate) fn writes(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
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
            readers: self.readers.clone(),
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

/// Opens the in-place connection to an SQLite file (none for an in-memory database, which a
/// second connection would not see). It never waits for the write lock: a sale that finds the
/// lock taken goes through the writer pool, which queues.
fn open_in_place(url: &str) -> StoreResult<Option<rusqlite::Connection>> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let path = options.get_filename();
    if url.contains("mode=memory") || path.as_os_str() == ":memory:" {
        return Ok(None);
    }
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 0; PRAGMA synchronous = NORMAL;",
    )?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(Some(conn))
}

/// Opens the reader connections of an SQLite file (none for an in-memory database). They only
/// read; in WAL mode a reader never waits for the writer.
fn open_readers(
    url: &str,
) -> StoreResult<Option<Arc<Vec<std::sync::Mutex<rusqlite::Connection>>>>> {
    const READERS: usize = 4;
    let mut readers = Vec::with_capacity(READERS);
    for _ in 0..READERS {
        let Some(conn) = open_in_place(url)? else {
            return Ok(None);
        };
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 20;")?;
        readers.push(std::sync::Mutex::new(conn));
    }
    Ok(Some(Arc::new(readers)))
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
