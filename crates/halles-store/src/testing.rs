//! Test databases: a fresh SQLite file, and a fresh PostgreSQL database when
//! `HALLES_TEST_POSTGRES_URL` names a server. Used by the tests of every crate.
//!
//! [`TestDb::all`] gives one database per backend; [`TestDb::every_sale_path`] adds an SQLite
//! file whose sales take the general path (in place off), for the tests of the coupon store.

pub mod billing_week;

use crate::{Store, StoreOptions, StoreResult};
use halles_core::Clock;
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;

/// The environment variable naming the PostgreSQL server for tests, such as
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_ENV: &str = "HALLES_TEST_POSTGRES_URL";

/// A database made for one test; its files or database are removed by [`TestDb::cleanup`].
#[derive(Debug)]
pub struct TestDb {
    /// The database URL.
    pub url: String,
    /// A label for messages: `sqlite`, `sqlite, in place off` or `postgres`.
    pub label: &'static str,
    /// The options its store is opened with.
    pub options: StoreOptions,
    dir: Option<PathBuf>,
    pg_admin: Option<(String, String)>,
}

fn unique_name() -> String {
    format!(
        "halles_test_{}_{}",
        std::process::id(),
        crate::platform::secrets::new_secret()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(10)
            .collect::<String>()
            .to_lowercase()
    )
}

impl TestDb {
    /// A fresh SQLite file in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique_name());
        let _ = std::fs::create_dir_all(&dir);
        TestDb {
            url: format!("sqlite://{}", dir.join("halles.db").display()),
            label: "sqlite",
            options: StoreOptions::default(),
            dir: Some(dir),
            pg_admin: None,
        }
    }

    /// A fresh SQLite file whose store runs every sale on the general path (no in-place
    /// connections, [`StoreOptions::sqlite_in_place`] off).
    pub fn sqlite_general() -> TestDb {
        TestDb {
            label: "sqlite, in place off",
            options: StoreOptions {
                sqlite_in_place: false,
            },
            ..TestDb::sqlite()
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a note on stderr) when the variable is unset.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            eprintln!("{POSTGRES_ENV} is not set: skipping the PostgreSQL run of this test");
            return None;
        };
        let name = unique_name();
        sqlx::any::install_default_drivers();
        let mut conn = match sqlx::AnyConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) => panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}"),
        };
        if let Err(e) = sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
        {
            panic!("could not create test database {name}: {e}");
        }
        let _ = conn.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or(admin_url.clone());
        Some(TestDb {
            url: format!("{base}/{name}"),
            label: "postgres",
            options: StoreOptions::default(),
            dir: None,
            pg_admin: Some((admin_url, name)),
        })
    }

    /// SQLite always, PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite()];
        if let Some(pg) = TestDb::postgres().await {
            v.push(pg);
        }
        v
    }

    /// Every path a sale can take: SQLite with the in-place path, SQLite without it, and
    /// PostgreSQL when configured.
    pub async fn every_sale_path() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite(), TestDb::sqlite_general()];
        if let Some(pg) = TestDb::postgres().await {
            v.push(pg);
        }
        v
    }

    /// Connects with its options and migrates.
    pub async fn store(&self, clock: Arc<dyn Clock>) -> StoreResult<Store> {
        let store = Store::connect_with(&self.url, clock, self.options).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Removes the database (call after closing the store).
    pub async fn cleanup(self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = &self.pg_admin
            && let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await;
        }
    }
}
