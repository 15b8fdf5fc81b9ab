//! Amounts beyond their maximum never reach the ledger, and on SQLite no money or quantity
//! column can hold anything but an integer (migration 0017).

mod support;

use halles_core::coupons::ProgramRole;
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{CardId, Clock, ManualClock, OrgId, ProductGroupId, ProgramId};
use halles_store::coupons::{ParticipantInput, ProgramInput};
use halles_store::testing::TestDb;
use halles_store::{Store, StoreError};
use jiff::civil::date;
use sqlx::{Connection, Row};
use std::sync::Arc;
use support::scope;

/// Manual loads here draw on the program's reserve.
const RESERVE: Option<halles_store::coupons::FundSource> =
    Some(halles_store::coupons::FundSource::Reserve);

/// A program with one partner and a card holding $10 of fruits.
async fn card_with_funds(store: &Store) -> (OrgId, ProgramId, ProductGroupId, CardId) {
    let org = |k, n: &'static str| support::org(store, k, n);
    let operator = org(OrgKind::ProgramOperator, "Collectif").await;
    let partner = org(OrgKind::PartnerOrg, "Entraide").await;
    let program = store
        .create_program(
            &scope(operator),
            &ProgramInput {
                name: "Bonne Bouffe".into(),
                ..support::season()
            },
        )
        .await
        .unwrap();
    let opg = store
        .operated_program(&scope(operator), program)
        .await
        .unwrap();
    store
        .add_program_member(&opg, partner, ProgramRole::Partner)
        .await
        .unwrap();
    let fruits = store.product_groups(program).await.unwrap()[0].id;
    let types = store.participant_types(program).await.unwrap();
    let ppg = store
        .program_access(&scope(partner), program)
        .await
        .unwrap();
    let p = store
        .create_participant(
            &ppg,
            &ParticipantInput {
                participant_type: Some(types[0].id),
                id1: "L-1".into(),
                name: "Personne".into(),
                consent_on: Some(date(2026, 5, 20)),
                consent_purpose: "Programme".into(),
                ..ParticipantInput::default()
            },
        )
        .await
        .unwrap();
    store.create_card_batch(&opg, 1).await.unwrap();
    let card = store.assign_card(&ppg, p.id, None).await.unwrap().id;
    store
        .set_reserve_budget(&opg, Cents(1_000_000_000))
        .await
        .unwrap();
    store
        .adjust_funds(&opg, card, fruits, Cents(1_000), RESERVE, "chargement")
        .await
        .unwrap();
    (operator, program, fruits, card)
}

#[tokio::test]
async fn the_store_refuses_amounts_beyond_their_maximum_and_nothing_changes() {
    for db in TestDb::every_sale_path().await {
        eprintln!("running on {}", db.label);
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
        let store = db.store(clock as Arc<dyn Clock>).await.unwrap();
        let (operator, program, fruits, card) = card_with_funds(&store).await;
        let opg = store
            .operated_program(&scope(operator), program)
            .await
            .unwrap();
        for amount in [i64::MAX, i64::MIN + 1, 10_000_001, -10_000_001] {
            let r = store
                .adjust_funds(&opg, card, fruits, Cents(amount), RESERVE, "énorme")
                .await;
            assert!(
                matches!(r, Err(StoreError::Refused(Refusal::AmountTooLarge))),
                "{amount}: {r:?}"
            );
        }
        // The maximum itself passes.
        store
            .adjust_funds(&opg, card, fruits, Cents(10_000_000), RESERVE, "max")
            .await
            .unwrap();
        let (ledger, cached, lots) = store.ledger_check(program).await.unwrap();
        assert_eq!(
            (ledger, cached, lots),
            (Cents(10_001_000), Cents(10_001_000), Cents(10_001_000))
        );
        store.close().await;
        db.cleanup().await;
    }
}

/// Money and quantity columns by name: `…_cents`, and the quantities and weights.
fn is_money_or_quantity(column: &str) -> bool {
    column.ends_with("_cents")
        || column.ends_with("quantity")
        || column.ends_with("qty")
        || column == "remaining"
        || column.ends_with("_bp")
        || column.ends_with("_g")
}

#[tokio::test]
async fn every_money_and_quantity_column_is_guarded() {
    let db = TestDb::sqlite();
    let store = db
        .store(Arc::new(ManualClock::new(jiff::Timestamp::now())) as Arc<dyn Clock>)
        .await
        .unwrap();
    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    let columns = sqlx::query(
        "SELECT m.name AS tab, p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' ORDER BY 1, 2",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let triggers = sqlx::query("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let mut checked = 0;
    let mut missing = Vec::new();
    for row in &columns {
        let (tab, col): (String, String) = (row.get("tab"), row.get("col"));
        if !is_money_or_quantity(&col) {
            continue;
        }
        checked += 1;
        let guard = format!("typeof(NEW.{col}) NOT IN ('integer', 'null')");
        for event in ["BEFORE INSERT ON", "BEFORE UPDATE OF"] {
            let guarded = triggers.iter().any(|t| {
                let (on, sql): (String, String) = (t.get("tbl_name"), t.get("sql"));
                on == tab && sql.contains(event) && sql.contains(&guard)
            });
            if !guarded {
                missing.push(format!("{tab}.{col} ({event})"));
            }
        }
    }
    assert!(
        checked >= 29,
        "only {checked} money and quantity columns found"
    );
    assert!(
        missing.is_empty(),
        "columns without their guard: {missing:?}"
    );
    conn.close().await.unwrap();
    store.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn a_non_integer_never_lands_in_a_money_column() {
    for db in TestDb::every_sale_path().await {
        eprintln!("running on {}", db.label);
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
        let store = db.store(clock as Arc<dyn Clock>).await.unwrap();
        let (_, program, _, card) = card_with_funds(&store).await;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        // An overflowing sum: SQLite would store a REAL, PostgreSQL raises; both refuse.
        let r = sqlx::query(
            "UPDATE card_funds SET balance_cents = balance_cents + 9223372036854775807 \
             WHERE card_id = $1",
        )
        .bind(card.0)
        .execute(&mut conn)
        .await;
        assert!(r.is_err(), "an overflowing balance was stored");
        if db.label == "sqlite" {
            for sql in [
                "INSERT INTO card_funds (organization_id, card_id, product_group_id, balance_cents) \
                 VALUES (1, 99999, 1, 12.5)",
                "UPDATE card_funds SET balance_cents = 1e19",
                "UPDATE fund_lots SET remaining_cents = 0.5",
            ] {
                let r = sqlx::query(sql).execute(&mut conn).await;
                let Err(e) = r else {
                    panic!("{sql} was accepted");
                };
                assert!(e.to_string().contains("must be integers"), "{sql}: {e}");
            }
        }
        let kinds = sqlx::query("SELECT balance_cents FROM card_funds WHERE card_id = $1")
            .bind(card.0)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(kinds.get::<i64, _>("balance_cents"), 1_000);
        conn.close().await.unwrap();
        let (ledger, cached, lots) = store.ledger_check(program).await.unwrap();
        assert_eq!(
            (ledger, cached, lots),
            (Cents(1_000), Cents(1_000), Cents(1_000))
        );
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_unit_weight_beyond_100_kg_is_refused_by_the_store_and_the_database() {
    for db in TestDb::all().await {
        eprintln!("running on {}", db.label);
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
        let store = db.store(clock as Arc<dyn Clock>).await.unwrap();
        let farm = support::org(&store, OrgKind::Producer, "Ferme").await;
        let mut lamb = support::product(
            "Agneau",
            halles_core::catalog::SaleUnit::Each,
            halles_core::taxes::TaxClass::ZeroRated,
        );
        lamb.catch_weight = true;
        // The attack of the audit: i64::MAX as a unit's weight broke every buyer's catalog.
        for grams in [i64::MAX, 100_001, 0, -1] {
            lamb.est_weight_g = Some(grams);
            let r = store.create_product(&scope(farm), &lamb).await;
            assert!(
                matches!(r, Err(StoreError::Refused(Refusal::WeightInvalid))),
                "{grams}: {r:?}"
            );
        }
        lamb.est_weight_g = Some(100_000);
        let id = store.create_product(&scope(farm), &lamb).await.unwrap().id;
        lamb.est_weight_g = Some(100_001);
        let r = store.update_product(&scope(farm), id, &lamb).await;
        assert!(matches!(
            r,
            Err(StoreError::Refused(Refusal::WeightInvalid))
        ));
        // Below the store, the database refuses it too (trigger on SQLite, CHECK on PostgreSQL).
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        for grams in [100_001_i64, 0] {
            let r = sqlx::query("UPDATE products SET est_weight_g = $1 WHERE id = $2")
                .bind(grams)
                .bind(id.0)
                .execute(&mut conn)
                .await;
            assert!(r.is_err(), "{grams} g was stored");
        }
        conn.close().await.unwrap();
        store.close().await;
        db.cleanup().await;
    }
}
