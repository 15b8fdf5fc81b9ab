//! The crash test (ignored by `cargo test`, run by `.ci/run`): the real server binary takes
//! sales and orders from many clients at once, each request with an `Idempotency-Key`, and is
//! killed with SIGKILL in the middle. Restarted, it must hold every request it acknowledged,
//! no balance below zero, ledger = balances = lots, no stock sold beyond what was offered, and
//! every request left without an answer must complete when retried with its key.
//!
//! It runs on every path a sale can take ([`TestDb::every_sale_path`]): SQLite with the
//! in-place sale path on, SQLite with it off (`--sqlite-in-place off`), and PostgreSQL.
//!
//! `cargo test -p halles --test crash -- --ignored --nocapture`, with
//! `HALLES_TEST_POSTGRES_URL` for the PostgreSQL run.

mod support;

use halles_core::SystemClock;
use halles_store::testing::TestDb;
use serde_json::Value;
use sqlx::{Connection, Row};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use support::load::{self, World};

const BIN: &str = env!("CARGO_BIN_EXE_halles");

/// The server binary, and the address it printed.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on the test database, with the store options it was made for.
fn serve(db: &TestDb) -> Server {
    let in_place = if db.options.sqlite_in_place {
        "on"
    } else {
        "off"
    };
    let mut child = Command::new(BIN)
        .args(["serve", "--no-worker", "--bind", "127.0.0.1:0"])
        .args(["--sqlite-in-place", in_place])
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut url = None;
    while url.is_none() && Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(at) = line.find("http://") {
            url = Some(line[at..].trim().to_owned());
        }
    }
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Server {
        child,
        url: url.expect("the server printed its address"),
    }
}

/// One request a client sent, and what came back.
#[derive(Debug, Clone)]
struct Sent {
    path: String,
    token: String,
    key: String,
    body: Value,
    /// `Some((status, id))` when the server answered; `None` when the connection died.
    answer: Option<(u16, Option<i64>)>,
}

impl Sent {
    fn is_order(&self) -> bool {
        self.path.ends_with("/orders")
    }
}

async fn send(http: &reqwest::Client, base: &str, s: &Sent) -> Option<(u16, Option<i64>, Value)> {
    let res = http
        .post(format!("{base}{}", s.path))
        .bearer_auth(&s.token)
        .header("Idempotency-Key", &s.key)
        .json(&s.body)
        .send()
        .await
        .ok()?;
    let status = res.status().as_u16();
    let body: Value = res.json().await.ok()?;
    Some((status, body["id"].as_i64(), body))
}

/// Registers and buyers send until the server stops answering; every request is kept.
async fn fire(base: &str, w: &World, dead: Arc<AtomicBool>) -> Vec<Sent> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    let clients = 16usize;
    for c in 0..clients {
        let (http, base, w, dead) = (http.clone(), base.to_owned(), w.clone(), dead.clone());
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            let mut k = 0usize;
            while !dead.load(Ordering::Relaxed) {
                let s = if c % 2 == 0 {
                    let card = &w.cards[(c * 13 + k * 7) % w.cards.len()].0;
                    let cents = 50 * (1 + (k % 9) as i64);
                    Sent {
                        path: load::redemptions_path(w.market),
                        token: w.market_token.clone(),
                        key: format!("vente-{c}-{k}"),
                        body: load::redemption_body(card, w.registers[c % 4], w.fruits, cents),
                        answer: None,
                    }
                } else {
                    let (buyer, token) = &w.buyers[(c / 2) % w.buyers.len()];
                    let product = w.products[(c + k) % w.products.len()];
                    Sent {
                        path: load::orders_path(*buyer),
                        token: token.clone(),
                        key: format!("commande-{c}-{k}"),
                        body: load::order_body(&w, product, 1 + (k % 3) as i64),
                        answer: None,
                    }
                };
                let mut s = s;
                s.answer = send(&http, &base, &s).await.map(|(st, id, _)| (st, id));
                let died = s.answer.is_none();
                sent.push(s);
                if died {
                    break;
                }
                k += 1;
            }
            sent
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

async fn ids(conn: &mut sqlx::AnyConnection, table: &str) -> Vec<i64> {
    sqlx::query(&format!("SELECT id FROM {table}"))
        .fetch_all(conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<i64, _>("id"))
        .collect()
}

async fn scalar(conn: &mut sqlx::AnyConnection, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(conn)
        .await
        .unwrap()
        .get::<i64, _>(0)
}

#[tokio::test]
#[ignore = "kills a server binary under load; run by .ci/run"]
async fn a_server_killed_under_load_keeps_every_acknowledged_request() {
    for db in TestDb::every_sale_path().await {
        let label = db.label;
        let store = db.store(Arc::new(SystemClock)).await.unwrap();
        let w = load::seed(&store, 300, 2_000, 8, 400).await;
        store.close().await;

        // Load, then kill -9 while requests are in flight.
        let mut server = serve(&db);
        let dead = Arc::new(AtomicBool::new(false));
        let firing = {
            let (base, w, dead) = (server.url.clone(), w.clone(), dead.clone());
            tokio::spawn(async move { fire(&base, &w, dead).await })
        };
        tokio::time::sleep(Duration::from_millis(2500)).await;
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        dead.store(true, Ordering::Relaxed);
        let sent = firing.await.unwrap();
        drop(server);

        let acked = |order: bool| -> Vec<i64> {
            sent.iter()
                .filter(|s| s.is_order() == order)
                // An order added to the buyer's open order of the cycle answers 200.
                .filter_map(|s| match s.answer {
                    Some((201, Some(id))) => Some(id),
                    Some((200, Some(id))) if order => Some(id),
                    _ => None,
                })
                .collect()
        };
        let (sales, orders) = (acked(false), acked(true));
        let unanswered: Vec<&Sent> = sent.iter().filter(|s| s.answer.is_none()).collect();
        let errors: Vec<&Sent> = sent
            .iter()
            .filter(|s| matches!(s.answer, Some((st, _)) if st >= 500))
            .collect();
        eprintln!(
            "{label}: {} requests, {} sales and {} orders acknowledged, {} refused, {} unanswered at the kill",
            sent.len(),
            sales.len(),
            orders.len(),
            sent.iter()
                .filter(|s| matches!(s.answer, Some((st, _)) if st != 201 && st != 200))
                .count(),
            unanswered.len()
        );
        assert!(
            errors.is_empty(),
            "{label}: server errors before the kill: {errors:?}"
        );
        assert!(
            !sales.is_empty() && !orders.is_empty(),
            "{label}: the load ran"
        );

        // Restart on the same database: every acknowledged request is there.
        let server = serve(&db);
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        let in_db = ids(&mut conn, "redemptions").await;
        let lost: Vec<_> = sales.iter().filter(|id| !in_db.contains(id)).collect();
        assert!(
            lost.is_empty(),
            "{label}: acknowledged sales lost: {lost:?}"
        );
        let in_db = ids(&mut conn, "orders").await;
        let lost: Vec<_> = orders.iter().filter(|id| !in_db.contains(id)).collect();
        assert!(
            lost.is_empty(),
            "{label}: acknowledged orders lost: {lost:?}"
        );

        // Orders the dead server committed without answering (the idempotency middleware
        // stores an order's response after the order's own transaction). A buyer's second
        // checkout in a cycle is added to its open order, so several answers may name one order.
        let answered: std::collections::BTreeSet<i64> = orders.iter().copied().collect();
        let orphans =
            scalar(&mut conn, "SELECT COUNT(*) FROM orders").await - answered.len() as i64;

        // A key the killed server left in progress: its 60-second lease has to run out before
        // a retry may claim it; move those claims a lease back instead of waiting.
        let stuck = scalar(
            &mut conn,
            "SELECT COUNT(*) FROM idempotency_keys WHERE status_code IS NULL",
        )
        .await;
        sqlx::query(
            "UPDATE idempotency_keys SET created_at = created_at - 61000 \
             WHERE status_code IS NULL",
        )
        .execute(&mut conn)
        .await
        .unwrap();

        // Every request left without an answer completes when retried with its key (a sale
        // the dead server committed is replayed, not spent twice), and again replays.
        let http = reqwest::Client::new();
        let (mut sale_ids, mut order_ids) = (sales.clone(), orders.clone());
        for s in &unanswered {
            let (status, id, body) = send(&http, &server.url, s).await.expect("an answer");
            if let (200 | 201, Some(id)) = (status, id) {
                if s.is_order() {
                    order_ids.push(id);
                } else {
                    sale_ids.push(id);
                }
            }
            assert!(
                status == 201
                    || (status == 200 && s.is_order())
                    || ((status == 422 || status == 409)
                        && body["code"] != "idempotency_key_in_progress"),
                "{label}: retry of {}: {status} {body}",
                s.key
            );
            let (again, _, replayed) = send(&http, &server.url, s).await.expect("an answer");
            assert_eq!((again, &replayed), (status, &body), "{label}: {}", s.key);
        }
        eprintln!(
            "{label}: {stuck} keys were left in progress, {orphans} orders committed without an \
             answer; {} unanswered requests retried",
            unanswered.len()
        );
        // Nothing was done twice: every sale and order in the database is one a client was
        // told about, once.
        for (table, answered) in [("redemptions", &mut sale_ids), ("orders", &mut order_ids)] {
            answered.sort_unstable();
            answered.dedup();
            let in_db = ids(&mut conn, table).await;
            let unanswered: Vec<_> = in_db.iter().filter(|i| !answered.contains(i)).collect();
            assert!(
                unanswered.is_empty() && in_db.len() == answered.len(),
                "{label}: {table} in the database that no client was answered (done twice?): \
                 {unanswered:?}"
            );
        }

        // Money: no balance below zero; ledger = balances = lots; each card's ledger is what
        // was loaded less its sales.
        assert_eq!(
            scalar(
                &mut conn,
                "SELECT COUNT(*) FROM card_funds WHERE balance_cents < 0"
            )
            .await,
            0
        );
        let store = db.store(Arc::new(SystemClock)).await.unwrap();
        let (ledger, cached, lots) = store.ledger_check(w.program).await.unwrap();
        assert_eq!((ledger, ledger), (cached, lots), "{label}: ledger");
        let loaded: i64 = w.cards.iter().map(|c| c.1).sum();
        let spent = scalar(
            &mut conn,
            "SELECT CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) FROM redemptions",
        )
        .await;
        assert_eq!(ledger.0, loaded - spent, "{label}: loaded less sold");

        // Stock: what was offered = what remains + what orders hold; nothing below zero.
        for p in &w.products {
            let remaining = scalar(
                &mut conn,
                &format!("SELECT remaining FROM availability WHERE product_id = {p}"),
            )
            .await;
            let ordered = scalar(
                &mut conn,
                &format!(
                    "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines \
                     WHERE product_id = {p}"
                ),
            )
            .await;
            assert!(remaining >= 0, "{label}: product {p}");
            assert_eq!(
                remaining + ordered,
                halles_core::quantity::Qty::units(w.stock).0,
                "{label}: product {p} offered = remaining + ordered"
            );
        }
        let _ = conn.close().await;
        store.close().await;
        drop(server);
        db.cleanup().await;
    }
}
