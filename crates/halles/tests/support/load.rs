//! A world under load, for the backup and crash tests: a coupon program with a market, its API
//! token, registers and loaded cards, and a hub with an open cycle, products on contested
//! stock and buyers with their tokens; plus the request bodies those clients send.

use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::coupons::{ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Scope};
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_core::{OrgId, ProductGroupId, ProgramId};
use halles_store::coupons::{ParticipantInput, ProgramInput};
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::{Actor, Store, TenantScope};
use serde_json::{Value, json};

fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// What [`seed`] created.
#[derive(Debug, Clone)]
pub struct World {
    /// The coupon program.
    pub program: ProgramId,
    /// The market selling with coupons.
    pub market: OrgId,
    /// The market's API token (`redemptions:write`).
    pub market_token: String,
    /// The market's registers.
    pub registers: Vec<i64>,
    /// The product group sales spend.
    pub fruits: ProductGroupId,
    /// Each card's number and the cents loaded on it.
    pub cards: Vec<(String, i64)>,
    /// The hub.
    pub hub: OrgId,
    /// Its open cycle and pickup point.
    pub cycle: i64,
    /// The pickup point.
    pub location: i64,
    /// Products on offer, `stock` units each.
    pub products: Vec<i64>,
    /// Units of each product.
    pub stock: i64,
    /// Buyers and their tokens (`orders:write`).
    pub buyers: Vec<(OrgId, String)>,
}

/// Seeds the world on a migrated database.
pub async fn seed(store: &Store, cards: usize, balance: i64, buyers: usize, stock: i64) -> World {
    let org = |kind, name: String| {
        let store = store.clone();
        async move {
            store
                .create_organization(Actor::system(), kind, &name, Lang::Fr)
                .await
                .unwrap()
                .id
        }
    };
    let operator = org(OrgKind::ProgramOperator, "Opérateur".into()).await;
    let partner = org(OrgKind::PartnerOrg, "Organisme".into()).await;
    let market = org(OrgKind::Market, "Marché".into()).await;
    let op = scope(operator);
    let today = halles_core::coupons::local_date(store.now());
    let program = store
        .create_program(
            &op,
            &ProgramInput {
                name: "Charge".into(),
                public_name: String::new(),
                starts_on: today,
                ends_on: today,
                report_period: ReportPeriod::Month,
                anonymous: true,
                pin_required: false,
                off_platform: false,
            },
        )
        .await
        .unwrap();
    let opg = store.operated_program(&op, program).await.unwrap();
    for (o, role) in [
        (partner, ProgramRole::Partner),
        (market, ProgramRole::Market),
    ] {
        store.add_program_member(&opg, o, role).await.unwrap();
    }
    let (_, market_token) = store
        .create_token(&scope(market), "charge", &[Scope::RedemptionsWrite])
        .await
        .unwrap();
    let mut registers = Vec::new();
    for r in 0..4 {
        registers.push(
            store
                .create_register(&scope(market), &format!("Caisse {r}"))
                .await
                .unwrap()
                .0,
        );
    }
    let fruits = store.product_groups(program).await.unwrap()[0].id;
    let types = store.participant_types(program).await.unwrap();
    store.create_card_batch(&opg, cards as u32).await.unwrap();
    let ps = store
        .program_access(&scope(partner), program)
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for i in 0..cards {
        let p = store
            .create_participant(
                &ps,
                &ParticipantInput {
                    participant_type: Some(types[i % types.len()].id),
                    consent_on: Some(today),
                    consent_purpose: "charge".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        let card = store.assign_card(&ps, p.id, None).await.unwrap();
        store.fund_reserve(&opg, Cents(balance)).await.unwrap();
        store
            .adjust_funds(
                &opg,
                card.id,
                fruits,
                Cents(balance),
                Some(halles_store::coupons::FundSource::Reserve),
                "charge",
            )
            .await
            .unwrap();
        numbers.push((card.number.as_str().to_owned(), balance));
    }

    let hub = org(OrgKind::Hub, "Pôle".into()).await;
    let farm = org(OrgKind::Producer, "Ferme".into()).await;
    let hs = store.own_hub(&scope(hub)).await.unwrap();
    store.link_producer(&hs, farm).await.unwrap();
    store
        .add_price_rule(
            &hs,
            &PriceRule {
                buyer_type: None,
                buyer: None,
                product: None,
                margin: MarginBp(2000),
            },
        )
        .await
        .unwrap();
    let mut products = Vec::new();
    for i in 0..5 {
        let p = store
            .create_product(
                &scope(farm),
                &ProductInput {
                    name_fr: format!("Produit {i}"),
                    name_en: String::new(),
                    category: Category::Vegetables,
                    description: String::new(),
                    unit: SaleUnit::Each,
                    unit_detail: String::new(),
                    catch_weight: false,
                    est_weight_g: None,
                    tax_class: TaxClass::ZeroRated,
                    origin: Origin::QuebecGrown,
                    region: String::new(),
                    certifications: vec![],
                    organic_certifier: String::new(),
                    active: true,
                    details: Default::default(),
                },
            )
            .await
            .unwrap();
        products.push(p.id);
    }
    let now = store.now();
    let cycle = store
        .create_cycle(
            &hs,
            &CycleInput {
                name: "Semaine".into(),
                opens_at: now - jiff::SignedDuration::from_mins(1),
                closes_at: now + jiff::SignedDuration::from_hours(24),
                delivery_days: vec![halles_core::ordering::local_day(
                    now + jiff::SignedDuration::from_hours(48),
                )],
                delivery_note: String::new(),
                order_fee: Cents(0),
                producers: vec![farm],
                locations: vec![LocationInput {
                    kind: "pickup".into(),
                    name: "Entrepôt".into(),
                    fee: Cents(0),
                    min_order: Cents(0),
                }],
            },
        )
        .await
        .unwrap();
    let entries: Vec<_> = products
        .iter()
        .map(|p| (*p, Some((Qty::units(stock), Cents(500)))))
        .collect();
    store
        .save_availability(
            &store.hub_scope(&scope(farm), hub).await.unwrap(),
            cycle,
            farm,
            &entries,
        )
        .await
        .unwrap();
    store.advance_cycles().await.unwrap();
    let location = store.cycle(&hs, cycle).await.unwrap().locations[0].id;
    let mut buyer_tokens = Vec::new();
    for i in 0..buyers {
        let b = org(OrgKind::Buyer, format!("Acheteur {i}")).await;
        store
            .link_buyer(&hs, b, BuyerType::Institution)
            .await
            .unwrap();
        let (_, token) = store
            .create_token(&scope(b), "charge", &[Scope::OrdersWrite])
            .await
            .unwrap();
        buyer_tokens.push((b, token));
    }
    World {
        program,
        market,
        market_token,
        registers,
        fruits,
        cards: numbers,
        hub,
        cycle: cycle.0,
        location: location.0,
        products: products.iter().map(|p| p.0).collect(),
        stock,
        buyers: buyer_tokens,
    }
}

/// The body of a sale at a register: the card as the cashier typed or scanned it. The one place
/// that knows the redemption API's body.
pub fn redemption_body(card: &str, register: i64, group: ProductGroupId, cents: i64) -> Value {
    json!({
        "card": card,
        "register_id": register,
        "lines": [{"product_group_id": group.0, "amount_cents": cents}],
    })
}

/// The path of a market's sales.
pub fn redemptions_path(market: OrgId) -> String {
    format!("/api/v1/organizations/{market}/redemptions")
}

/// The body of an order of `quantity` units of one product at the world's hub.
pub fn order_body(w: &World, product: i64, quantity: i64) -> Value {
    json!({
        "hub_id": w.hub.0,
        "cycle_id": w.cycle,
        "location_id": w.location,
        "lines": [{"product_id": product, "quantity": quantity.to_string()}],
    })
}

/// The path of a buyer's orders.
pub fn orders_path(buyer: OrgId) -> String {
    format!("/api/v1/organizations/{buyer}/orders")
}

/// Every table's rows, each row as text, sorted: two databases with equal maps hold the same
/// data. Tables are read in one transaction, so a live database gives one instant.
pub async fn table_rows(url: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let postgres = url.starts_with("postgres");
    let mut tx = conn.begin().await.unwrap();
    if postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let list = if postgres {
        "SELECT CAST(table_name AS TEXT) AS t FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    } else {
        "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let tables: Vec<String> = sqlx::query(list)
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("t"))
        .collect();
    let mut out = std::collections::BTreeMap::new();
    for t in tables {
        let query = if postgres {
            format!("SELECT CAST(x AS TEXT) AS r FROM \"{t}\" AS x")
        } else {
            let cols: Vec<String> = sqlx::query(&format!(
                "SELECT name AS c FROM pragma_table_info('{t}') ORDER BY cid"
            ))
            .fetch_all(&mut *tx)
            .await
            .unwrap()
            .iter()
            .map(|r| format!("quote(\"{}\")", r.get::<String, _>("c")))
            .collect();
            format!("SELECT {} AS r FROM \"{t}\"", cols.join(" || '|' || "))
        };
        let mut rows: Vec<String> = sqlx::query(&query)
            .fetch_all(&mut *tx)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("r"))
            .collect();
        rows.sort();
        out.insert(t, rows);
    }
    tx.rollback().await.unwrap();
    let _ = conn.close().await;
    out
}
