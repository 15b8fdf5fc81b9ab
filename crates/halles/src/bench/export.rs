//! `halles bench export`: a cycle of many orders with many lines each, then its lists read and
//! built as the export builds them (orders with their lines, totals, the table of lines).
//! Prints the time of one export.

use anyhow::Context;
use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_core::{OrgId, SystemClock};
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::hub::orders::OrderInput;
use halles_store::{Actor, Store, TenantScope};
use halles_web::i18n::I18n;
use halles_web::pages::hub::exports::{CycleList, cycle_lists, cycle_table};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Settings of the export benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportBench {
    /// Orders in the cycle, one per buyer.
    #[arg(long, default_value_t = 200)]
    pub orders: usize,
    /// Lines in each order (one per product).
    #[arg(long, default_value_t = 20)]
    pub lines: usize,
    /// Exports timed.
    #[arg(long, default_value_t = 10)]
    pub rounds: usize,
}

fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

async fn org(store: &Store, kind: OrgKind, name: &str) -> anyhow::Result<OrgId> {
    Ok(store
        .create_organization(Actor::system(), kind, name, Lang::Fr)
        .await?
        .id)
}

/// Runs the benchmark against the database at `url` (created empty by the caller).
pub async fn export(url: &str, cfg: &ExportBench) -> anyhow::Result<()> {
    let store = Store::connect(url, Arc::new(SystemClock)).await?;
    store.migrate().await?;
    eprintln!("seeding {} orders of {} lines…", cfg.orders, cfg.lines);
    let hub = org(&store, OrgKind::Hub, "Pôle du banc d'essai").await?;
    let farm = org(&store, OrgKind::Producer, "Ferme du banc d'essai").await?;
    let hs = store.own_hub(&scope(hub)).await?;
    store.link_producer(&hs, farm).await?;
    let mut products = Vec::new();
    for i in 0..cfg.lines {
        let input = ProductInput {
            name_fr: format!("Produit {i}"),
            name_en: format!("Product {i}"),
            category: Category::Vegetables,
            description: String::new(),
            unit: SaleUnit::Kg,
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
        };
        products.push(store.create_product(&scope(farm), &input).await?.id);
    }
    let now = store.now();
    let cycle = store
        .create_cycle(
            &hs,
            &CycleInput {
                delivery_days: vec![halles_core::ordering::local_day(
                    now + jiff::SignedDuration::from_hours(24)
                        + jiff::SignedDuration::from_hours(24),
                )],
                name: "Banc d'essai".into(),
                opens_at: now - jiff::SignedDuration::from_mins(1),
                closes_at: now + jiff::SignedDuration::from_hours(24),
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
        .await?;
    let entries: Vec<_> = products
        .iter()
        .map(|p| (*p, Some((Qty::units(100_000), Cents(500)))))
        .collect();
    let fs = store.hub_scope(&scope(farm), hub).await?;
    store.save_availability(&fs, cycle, farm, &entries).await?;
    store.advance_cycles().await?;
    let location = store.cycle(&hs, cycle).await?.locations[0].id;
    for i in 0..cfg.orders {
        let buyer = org(&store, OrgKind::Buyer, &format!("Acheteur {i}")).await?;
        store.link_buyer(&hs, buyer, BuyerType::Institution).await?;
        let input = OrderInput {
            delivery_day: None,
            buyer,
            location: Some(location),
            po_number: String::new(),
            note: String::new(),
            lines: products.iter().map(|p| (*p, Qty::units(2))).collect(),
        };
        let bs = store.hub_scope(&scope(buyer), hub).await?;
        store
            .place_order(&bs, cycle, &input)
            .await
            .with_context(|| format!("order {i}"))?;
    }
    let c = store.cycle(&hs, cycle).await?;
    let i18n = I18n::new(Lang::Fr);
    let mut times: Vec<Duration> = Vec::with_capacity(cfg.rounds);
    let mut rows = 0;
    for _ in 0..cfg.rounds {
        let t = Instant::now();
        let (orders, totals) = cycle_lists(&store, &hs, &c).await?;
        rows = cycle_table(&i18n, CycleList::Lines, &c, &orders, &totals)
            .rows
            .len();
        times.push(t.elapsed());
    }
    store.close().await;
    times.sort();
    println!(
        "backend              {}",
        if url.starts_with("postgres") {
            "postgresql"
        } else {
            "sqlite"
        }
    );
    println!("orders × lines       {} × {}", cfg.orders, cfg.lines);
    println!("rows in the export   {rows}");
    println!(
        "export, median       {:.1} ms",
        super::percentile(&times, 0.5).as_secs_f64() * 1000.0
    );
    println!(
        "export, fastest      {:.1} ms",
        times.first().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    Ok(())
}
