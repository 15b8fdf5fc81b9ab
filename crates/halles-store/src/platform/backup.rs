//! `halles backup` and `halles restore`: a consistent copy of a live database, and putting one
//! back.
//!
//! - SQLite: the backup is `VACUUM INTO` on a connection of its own: one read transaction, so
//!   the copy is the database as of one instant while sales and orders keep committing (WAL
//!   readers never block writers). A restore copies the file back with SQLite's online backup
//!   API in one step, under the write lock, so a reader sees the old database or the new one.
//! - PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction`. Both refuse to
//!   run when their major version differs from the server's (a newer dump cannot be read by an
//!   older `pg_restore`, and an older `pg_dump` may miss what a newer server stores).
//!
//! A restore refuses a database that already holds data (or, on PostgreSQL, has other sessions
//! connected, i.e. a running server) unless forced.

use crate::error::StoreError;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use thiserror::Error;

/// Why a backup or a restore did not happen.
#[derive(Debug, Error)]
pub enum BackupError {
    /// The database could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// SQLite said no.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The backup file exists already: a backup never overwrites one.
    #[error("{0} already exists: choose a new file name")]
    Exists(PathBuf),
    /// No database to back up at this path.
    #[error("no SQLite database at {0}")]
    NoDatabase(PathBuf),
    /// The file is not a Halles backup.
    #[error("{0} is not a Halles backup: {1}")]
    NotABackup(PathBuf, String),
    /// The database holds data and the restore was not forced.
    #[error("the database already holds data: restoring would replace it; add --force to do so")]
    NotEmpty,
    /// Other sessions use the database (a running server) and the restore was not forced.
    #[error(
        "{0} other session(s) are connected to the database (is a server running?): stop them, or add --force"
    )]
    Live(i64),
    /// A PostgreSQL tool's major version differs from the server's.
    #[error(
        "{tool} is version {tool_major} but the PostgreSQL server is version {server_major}: \
         use the {tool} of version {server_major} (on Debian, package postgresql-client-{server_major}, \
         then --pg-bin-dir /usr/lib/postgresql/{server_major}/bin)"
    )]
    VersionMismatch {
        /// `pg_dump` or `pg_restore`.
        tool: &'static str,
        /// Its major version.
        tool_major: u32,
        /// The server's.
        server_major: u32,
    },
    /// A PostgreSQL tool could not be run or failed.
    #[error("{0}: {1}")]
    Tool(&'static str, String),
}

/// Where `pg_dump` and `pg_restore` are: a folder, or the `PATH` when `None`.
#[derive(Debug, Clone, Default)]
pub struct PgTools {
    /// The folder holding both tools.
    pub bin_dir: Option<PathBuf>,
}

impl PgTools {
    fn command(&self, tool: &str) -> Command {
        match &self.bin_dir {
            Some(dir) => Command::new(dir.join(tool)),
            None => Command::new(tool),
        }
    }

    /// The major version a tool prints (`pg_dump (PostgreSQL) 15.20 (Debian ...)` gives 15).
    fn major(&self, tool: &'static str) -> Result<u32, BackupError> {
        let out = self
            .command(tool)
            .arg("--version")
            .output()
            .map_err(|e| BackupError::Tool(tool, format!("cannot run it: {e}")))?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace()
            .find_map(|w| w.split('.').next()?.parse::<u32>().ok())
            .ok_or_else(|| BackupError::Tool(tool, format!("unexpected version: {text}")))
    }

    /// Checks the tool's major version against the server's.
    fn check(&self, tool: &'static str, server_major: u32) -> Result<(), BackupError> {
        let tool_major = self.major(tool)?;
        if tool_major != server_major {
            return Err(BackupError::VersionMismatch {
                tool,
                tool_major,
                server_major,
            });
        }
        Ok(())
    }

    fn run(&self, tool: &'static str, args: &[&std::ffi::OsStr]) -> Result<(), BackupError> {
        let out = self
            .command(tool)
            .args(args)
            .output()
            .map_err(|e| BackupError::Tool(tool, format!("cannot run it: {e}")))?;
        if !out.status.success() {
            return Err(BackupError::Tool(
                tool,
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
        Ok(())
    }
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).map_err(StoreError::from)?;
    Ok(options.get_filename().to_path_buf())
}

/// Writes a consistent copy of the database at `url` to `file`, which must not exist yet.
pub async fn backup(url: &str, file: &Path, tools: &PgTools) -> Result<(), BackupError> {
    if file.exists() {
        return Err(BackupError::Exists(file.to_path_buf()));
    }
    if is_postgres(url) {
        let server = server_major(url).await?;
        tools.check("pg_dump", server)?;
        tools.run(
            "pg_dump",
            &[
                "--format=custom".as_ref(),
                "--no-owner".as_ref(),
                "--no-privileges".as_ref(),
                "--file".as_ref(),
                file.as_os_str(),
                "--dbname".as_ref(),
                url.as_ref(),
            ],
        )
    } else {
        let source = sqlite_path(url)?;
        if !source.is_file() {
            return Err(BackupError::NoDatabase(source));
        }
        let file = file.to_path_buf();
        run_blocking(move || {
            let conn = rusqlite::Connection::open_with_flags(
                &source,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(30))?;
            conn.execute("VACUUM INTO ?1", [file.to_string_lossy()])?;
            Ok(())
        })
        .await
    }
}

/// Puts the backup `file` in the database at `url`. Refuses a database that holds data, or a
/// PostgreSQL database other sessions use, unless `force`.
pub async fn restore(
    url: &str,
    file: &Path,
    force: bool,
    tools: &PgTools,
) -> Result<(), BackupError> {
    if !file.is_file() {
        return Err(BackupError::NotABackup(
            file.to_path_buf(),
            "no such file".into(),
        ));
    }
    if is_postgres(url) {
        let server = server_major(url).await?;
        tools.check("pg_restore", server)?;
        let (tables, sessions) = pg_state(url).await?;
        if sessions > 0 && !force {
            return Err(BackupError::Live(sessions));
        }
        if tables > 0 && !force {
            return Err(BackupError::NotEmpty);
        }
        let mut args: Vec<&std::ffi::OsStr> = [
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ]
        .iter()
        .map(std::ffi::OsStr::new)
        .collect();
        if tables > 0 {
            args.extend(["--clean", "--if-exists"].iter().map(std::ffi::OsStr::new));
        }
        args.extend([
            std::ffi::OsStr::new("--dbname"),
            url.as_ref(),
            file.as_os_str(),
        ]);
        tools.run("pg_restore", &args)
    } else {
        let target = sqlite_path(url)?;
        let file = file.to_path_buf();
        run_blocking(move || {
            let source = rusqlite::Connection::open_with_flags(
                &file,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            let checked: Result<String, rusqlite::Error> = source
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .and_then(|ok| {
                    source
                        .query_row("SELECT COUNT(*) FROM _sqlx_migrations", [], |r| {
                            r.get::<_, i64>(0)
                        })
                        .map(|_| ok)
                });
            match checked {
                Ok(ok) if ok == "ok" => {}
                Ok(other) => return Err(BackupError::NotABackup(file, other)),
                Err(e) => return Err(BackupError::NotABackup(file, e.to_string())),
            }
            let mut target = rusqlite::Connection::open(&target)?;
            target.busy_timeout(std::time::Duration::from_secs(30))?;
            if holds_data(&target) && !force {
                return Err(BackupError::NotEmpty);
            }
            let copy = rusqlite::backup::Backup::new(&source, &mut target)?;
            // Every page in one step, under the write lock: never half a database.
            loop {
                match copy.step(-1)? {
                    rusqlite::backup::StepResult::Done => break,
                    _ => std::thread::sleep(std::time::Duration::from_millis(50)),
                }
            }
            Ok(())
        })
        .await
    }
}

/// Whether an SQLite database holds any organization or account (a missing table is empty).
fn holds_data(conn: &rusqlite::Connection) -> bool {
    ["organizations", "users"].iter().any(|t| {
        conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {t})"), [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|n| n != 0)
        .unwrap_or(false)
    })
}

async fn run_blocking(
    work: impl FnOnce() -> Result<(), BackupError> + Send + 'static,
) -> Result<(), BackupError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| BackupError::Tool("sqlite", e.to_string()))?
}

async fn pg_connect(url: &str) -> Result<sqlx::PgConnection, BackupError> {
    Ok(sqlx::PgConnection::connect(url)
        .await
        .map_err(StoreError::from)?)
}

/// The server's major version (`server_version_num` 150020 gives 15).
async fn server_major(url: &str) -> Result<u32, BackupError> {
    let mut conn = pg_connect(url).await?;
    let num: String = sqlx::query_scalar("SHOW server_version_num")
        .fetch_one(&mut conn)
        .await
        .map_err(StoreError::from)?;
    let _ = conn.close().await;
    num.trim()
        .parse::<u32>()
        .map(|n| n / 10_000)
        .map_err(|_| BackupError::Tool("postgres", format!("unexpected version: {num}")))
}

/// Tables in the public schema, and other sessions connected to the same database.
async fn pg_state(url: &str) -> Result<(i64, i64), BackupError> {
    let mut conn = pg_connect(url).await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(StoreError::from)?;
    let sessions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid()",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(StoreError::from)?;
    let _ = conn.close().await;
    Ok((tables, sessions))
}
