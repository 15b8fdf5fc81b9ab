//! What every store test starts from: a fresh store on each configured database (or on each
//! path a sale can take) with a manual clock, an organization's scope, new organizations.

#![allow(dead_code)]

use halles_core::accounts::Lang;
use halles_core::coupons::ReportPeriod;
use halles_core::organizations::OrgKind;
use halles_core::{Clock, ManualClock, OrgId};
use halles_store::coupons::ProgramInput;
use halles_store::testing::TestDb;
use halles_store::{Actor, Backend, Store, TenantScope};
use jiff::Timestamp;
use jiff::civil::date;
use std::future::Future;
use std::sync::Arc;

/// An organization's tenant scope, as the system.
pub fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// A new organization of `kind` named `name`.
pub async fn org(store: &Store, kind: OrgKind, name: &str) -> OrgId {
    store
        .create_organization(Actor::system(), kind, name, Lang::Fr)
        .await
        .unwrap()
        .id
}

/// The season most programs run: June to October, reconciled by month, nothing optional.
pub fn season() -> ProgramInput {
    ProgramInput {
        name: "Bonne Bouffe 2026".into(),
        public_name: String::new(),
        starts_on: date(2026, 6, 1),
        ends_on: date(2026, 10, 31),
        report_period: ReportPeriod::Month,
        anonymous: false,
        pin_required: false,
        off_platform: false,
    }
}

/// An instant written as RFC 3339.
pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Runs `body` on a fresh store per configured database (SQLite, and PostgreSQL when
/// `HALLES_TEST_POSTGRES_URL` is set), its clock at `start`.
pub async fn on_every_db<F, Fut>(start: Timestamp, body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: Future<Output = ()>,
{
    run(TestDb::all().await, start, body).await;
}

/// Runs `body` on every path a sale can take: SQLite with the in-place sale path, SQLite
/// without it, and PostgreSQL when configured.
pub async fn on_every_sale_path<F, Fut>(start: Timestamp, body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: Future<Output = ()>,
{
    run(TestDb::every_sale_path().await, start, body).await;
}

async fn run<F, Fut>(dbs: Vec<TestDb>, start: Timestamp, body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: Future<Output = ()>,
{
    for db in dbs {
        let clock = Arc::new(ManualClock::new(start));
        let store = db.store(clock.clone() as Arc<dyn Clock>).await.unwrap();
        eprintln!("running on {}", db.label);
        let in_place = db.options.sqlite_in_place && store.backend() == Backend::Sqlite;
        assert_eq!(store.sells_in_place(), in_place, "on {}", db.label);
        body(store.clone(), clock).await;
        store.close().await;
        db.cleanup().await;
    }
}

/// A vegetable grown in Québec in the Montérégie, sold in `unit`, of tax class `tax`.
pub fn product(
    name: &str,
    unit: halles_core::catalog::SaleUnit,
    tax: halles_core::taxes::TaxClass,
) -> halles_store::hub::catalog::ProductInput {
    halles_store::testing::billing_week::product(name, unit, tax)
}

/// Checks that `r` is the refusal `code`, as a rule or on a field.
pub fn refused<T: std::fmt::Debug>(
    r: Result<T, halles_store::StoreError>,
    code: halles_core::refusals::Refusal,
) {
    use halles_store::StoreError;
    match r {
        Err(StoreError::Refused(c)) if c == code => {}
        Err(StoreError::Invalid(f)) if f.iter().any(|e| e.code == code.code()) => {}
        other => panic!("expected {code}, got {other:?}"),
    }
}

/// A table of `docs/coupons-cards.md`: the lines between `<!-- {name} -->` and
/// `<!-- /{name} -->`, each split into its cells, header and separator left out.
pub fn doc_table(name: &str) -> Vec<Vec<String>> {
    let doc = include_str!("../../../../docs/coupons-cards.md");
    let open = format!("<!-- {name} -->");
    let close = format!("<!-- /{name} -->");
    let start = doc.find(&open).expect("table start") + open.len();
    let end = doc.find(&close).expect("table end");
    doc[start..end]
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}
