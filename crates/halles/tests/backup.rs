//! `halles backup` and `halles restore` with the real binary, on SQLite and PostgreSQL: a backup
//! taken while registers sell holds every sale acknowledged before it began and a consistent
//! ledger; a backup restored into an empty database gives identical tables, table by table.

mod support;

use halles_core::SystemClock;
use halles_store::Store;
use halles_store::testing::TestDb;
use sqlx::Row;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use support::TestApp;
use support::load::{self, table_rows};

const BIN: &str = env!("CARGO_BIN_EXE_halles");

fn halles(db_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the halles binary runs")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn fresh(label: &str) -> TestDb {
    if label == "postgres" {
        TestDb::postgres().await.unwrap()
    } else {
        TestDb::sqlite()
    }
}

async fn redemption_ids(url: &str) -> Vec<i64> {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let ids = sqlx::query("SELECT id FROM redemptions")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<i64, _>("id"))
        .collect();
    let _ = conn.close().await;
    ids
}

#[tokio::test]
async fn a_backup_under_load_keeps_every_acknowledged_sale_and_restores_identical_tables() {
    for app in TestApp::on_every_db().await {
        let label = app.label();
        let w = load::seed(&app.store, 40, 100_000, 0, 10).await;
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("halles-backup-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let under_load = dir.join("sous-charge.backup");

        // Eight registers sell without pause; every acknowledged sale's id is kept.
        let acked = Arc::new(Mutex::new(Vec::<i64>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for r in 0..8usize {
            let (acked, stop, w) = (acked.clone(), stop.clone(), w.clone());
            let url = app.at(&load::redemptions_path(w.market));
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut k = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let card = &w.cards[(r * 7 + k) % w.cards.len()].0;
                    let body = load::redemption_body(card, w.registers[r % 4], w.fruits, 50);
                    let res = http
                        .post(&url)
                        .bearer_auth(&w.market_token)
                        .header("Idempotency-Key", format!("b{r}-{k}"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 201);
                    let sale: serde_json::Value = res.json().await.unwrap();
                    acked.lock().unwrap().push(sale["id"].as_i64().unwrap());
                    k += 1;
                }
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let before: Vec<i64> = acked.lock().unwrap().clone();
        let url = app.db_url().to_owned();
        let file = under_load.to_string_lossy().into_owned();
        let out = tokio::task::spawn_blocking(move || halles(&url, &["backup", &file]))
            .await
            .unwrap();
        let during = acked.lock().unwrap().len() - before.len();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
        assert!(ok(&out).contains("Backup written"));
        assert!(
            !before.is_empty() && during > 0,
            "sales ran during the backup"
        );
        let all: Vec<i64> = acked.lock().unwrap().clone();
        eprintln!(
            "{label}: {} sales before the backup, {during} while it ran, {} in all",
            before.len(),
            all.len()
        );

        // A backup never overwrites a file.
        let again = halles(app.db_url(), &["backup", &under_load.to_string_lossy()]);
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

        // Restored into an empty database: every sale acknowledged before the backup began,
        // only sales that were made, and ledger = balances = lots.
        let copy = fresh(label).await;
        ok(&halles(
            &copy.url,
            &["restore", &under_load.to_string_lossy()],
        ));
        let ids = redemption_ids(&copy.url).await;
        for id in &before {
            assert!(
                ids.contains(id),
                "{label}: sale {id} acknowledged before the backup"
            );
        }
        for id in &ids {
            assert!(
                all.contains(id),
                "{label}: sale {id} in the copy was acknowledged"
            );
        }
        let store = Store::connect(&copy.url, Arc::new(SystemClock))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let (ledger, cached, lots) = store.ledger_check(w.program).await.unwrap();
        assert_eq!(
            (ledger, ledger),
            (cached, lots),
            "{label}: the copy's ledger"
        );
        store.close().await;
        copy.cleanup().await;

        // Quiet now: a backup restored into an empty database is the same, table by table.
        let quiet = dir.join("calme.backup");
        ok(&halles(app.db_url(), &["backup", &quiet.to_string_lossy()]));
        let copy = fresh(label).await;
        ok(&halles(&copy.url, &["restore", &quiet.to_string_lossy()]));
        let source = table_rows(app.db_url()).await;
        assert!(source["redemptions"].len() == all.len());
        assert_eq!(
            source.keys().collect::<Vec<_>>(),
            table_rows(&copy.url).await.keys().collect::<Vec<_>>()
        );
        assert!(
            source == table_rows(&copy.url).await,
            "{label}: identical tables"
        );

        // A database that holds data is replaced only with --force; a running server's neither.
        let refused = halles(&copy.url, &["restore", &under_load.to_string_lossy()]);
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("--force"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        ok(&halles(
            &copy.url,
            &["restore", "--force", &quiet.to_string_lossy()],
        ));
        assert!(
            source == table_rows(&copy.url).await,
            "{label}: forced restore"
        );
        let live = halles(app.db_url(), &["restore", &quiet.to_string_lossy()]);
        assert!(!live.status.success());
        assert!(String::from_utf8_lossy(&live.stderr).contains("--force"));
        copy.cleanup().await;
        let _ = std::fs::remove_dir_all(&dir);
        app.stop().await;
    }
}
