//! `halles bench fulfilment`: a closed cycle of many orders from many producers, received and
//! packed (one case per order), every order a stop on one of ten routes; then its documents
//! made as the pages make them: every producer's purchase order, the pick list, the packing
//! lists, the case labels (PDF and ZPL) and the producers' product labels, one per lot (PDF
//! and ZPL). Prints the time of each and the peak memory of that
//! part (the peak is reset after seeding, on Linux), so runs of 500, 1,000 and 2,000 orders
//! show how it grows.

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
use halles_store::hub::fulfilment::receiving::{Receipt, ReceiptLine};
use halles_store::hub::orders::OrderInput;
use halles_store::{Actor, Store, TenantScope};
use halles_web::i18n::I18n;
use halles_web::pages::hub::fulfilment::documents;
use std::sync::Arc;
use std::time::Instant;

/// Settings of the fulfilment benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct FulfilmentBench {
    /// Orders in the cycle, one per buyer.
    #[arg(long, default_value_t = 2000)]
    pub orders: usize,
    /// Lines in each order.
    #[arg(long, default_value_t = 15)]
    pub lines: usize,
    /// Producers in the cycle (three products each).
    #[arg(long, default_value_t = 100)]
    pub producers: usize,
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

/// The peak resident memory of the process so far, in MiB (Linux; `None` elsewhere).
pub(crate) fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak to the memory held now (Linux), so the next peak is the timed part's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// How much a part grew the memory: its peak above what was held when it started, in MiB.
pub(crate) fn grown_since(start: Option<f64>) -> String {
    match (start, peak_mib()) {
        (Some(s), Some(p)) => format!(", +{:.0} MiB", p - s),
        _ => String::new(),
    }
}

/// Resets the peak and returns the memory held now, the start of a part.
pub(crate) fn part_start() -> Option<f64> {
    reset_peak();
    peak_mib()
}

/// A closed cycle seeded for a benchmark: received, packed, every order a stop on a route.
pub(crate) struct Seeded {
    /// The store, migrated.
    pub store: Store,
    /// The hub's scope.
    pub hs: halles_store::hub::HubScope,
    /// The cycle.
    pub cycle: halles_core::CycleId,
    /// Its delivery day.
    pub day: jiff::civil::Date,
    /// The producers.
    pub producers: Vec<OrgId>,
    /// Lines in each order.
    pub lines: usize,
}

/// Seeds `cfg.orders` orders of `cfg.lines` lines from `cfg.producers` producers in one cycle
/// on a fresh database, received, packed and planned on ten routes (the fulfilment and billing
/// benchmarks' common set-up).
pub(crate) async fn seed(url: &str, cfg: &FulfilmentBench) -> anyhow::Result<Seeded> {
    let store = Store::connect(url, Arc::new(SystemClock)).await?;
    store.migrate().await?;
    eprintln!(
        "seeding {} orders of {} lines from {} producers…",
        cfg.orders, cfg.lines, cfg.producers
    );
    let seeded = Instant::now();
    let hub = org(&store, OrgKind::Hub, "Pôle du banc d'essai").await?;
    let hs = store.own_hub(&scope(hub)).await?;
    let mut producers = Vec::new();
    let mut products = Vec::new();
    for p in 0..cfg.producers.max(1) {
        let farm = org(&store, OrgKind::Producer, &format!("Ferme {p}")).await?;
        store.link_producer(&hs, farm).await?;
        let mut mine = Vec::new();
        for i in 0..3 {
            let input = ProductInput {
                name_fr: format!("Légume {p}-{i}"),
                name_en: String::new(),
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
            let id = store.create_product(&scope(farm), &input).await?.id;
            mine.push(id);
            products.push(id);
        }
        producers.push((farm, mine));
    }
    let now = store.now();
    let day = halles_core::ordering::local_day(now + jiff::SignedDuration::from_hours(48));
    let cycle = store
        .create_cycle(
            &hs,
            &CycleInput {
                delivery_days: vec![day],
                name: "Banc d'essai".into(),
                opens_at: now - jiff::SignedDuration::from_mins(1),
                closes_at: now + jiff::SignedDuration::from_hours(24),
                delivery_note: String::new(),
                order_fee: Cents(0),
                producers: producers.iter().map(|(p, _)| *p).collect(),
                locations: vec![LocationInput {
                    kind: "delivery".into(),
                    name: "Montréal".into(),
                    fee: Cents(0),
                    min_order: Cents(0),
                }],
            },
        )
        .await?;
    for (farm, mine) in &producers {
        let entries: Vec<_> = mine
            .iter()
            .map(|p| (*p, Some((Qty::units(100_000), Cents(500)))))
            .collect();
        let fs = store.hub_scope(&scope(*farm), hub).await?;
        store.save_availability(&fs, cycle, *farm, &entries).await?;
    }
    store.advance_cycles().await?;
    let location = store.cycle(&hs, cycle).await?.locations[0].id;
    let lines = cfg.lines.min(products.len()).max(1);
    let mut buyers = Vec::with_capacity(cfg.orders);
    for i in 0..cfg.orders {
        let buyer = org(&store, OrgKind::Buyer, &format!("Acheteur {i}")).await?;
        store.link_buyer(&hs, buyer, BuyerType::Institution).await?;
        buyers.push(buyer);
        // Each order takes `lines` products spread over the producers.
        let picked: Vec<_> = (0..lines)
            .map(|j| products[(i * 7 + j * 13) % products.len()])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|p| (p, Qty::units(1 + (i % 3) as i64)))
            .collect();
        let input = OrderInput {
            delivery_day: None,
            buyer,
            location: Some(location),
            po_number: format!("BC-{i}"),
            note: String::new(),
            lines: picked,
        };
        let bs = store.hub_scope(&scope(buyer), hub).await?;
        store
            .place_order(&bs, cycle, &input)
            .await
            .with_context(|| format!("order {i}"))?;
    }
    store
        .set_cycle_status(&hs, cycle, halles_core::ordering::CycleStatus::Closed)
        .await?;
    store.issue_purchase_orders(&hs, cycle).await?;
    for po in store.purchase_orders(&hs, cycle).await? {
        let receipt = Receipt {
            producer: po.producer,
            delivery_day: po.delivery_day,
            lines: po
                .lines
                .iter()
                .map(|l| ReceiptLine {
                    product: l.product,
                    extra: false,
                    unit: l.unit,
                    quantity: l.quantity,
                    lot_code: String::new(),
                    packed_on: Some(day),
                    best_before: None,
                })
                .collect(),
        };
        store.receive(&hs, cycle, &receipt).await?;
    }
    let orders = store.packing_list(&hs, cycle, Some(day)).await?;
    for o in &orders {
        store.pack_order(&hs, o.order.id, &[]).await?;
    }
    // Ten routes share the buyers, so every label prints its route and stop.
    for (r, chunk) in buyers.chunks(buyers.len().div_ceil(10).max(1)).enumerate() {
        let route = store.create_route(&hs, &format!("Route {}", r + 1)).await?;
        store.set_route_buyers(&hs, route, chunk).await?;
    }
    store.plan_routes(&hs, cycle, Some(day)).await?;
    // As the worker does within the hour (and PostgreSQL's autovacuum when it is on).
    store.refresh_statistics().await?;
    eprintln!("seeded in {:.1} s", seeded.elapsed().as_secs_f64());

    Ok(Seeded {
        store,
        hs,
        cycle,
        day,
        producers: producers.into_iter().map(|(p, _)| p).collect(),
        lines,
    })
}

/// Runs the benchmark against the database at `url` (created empty by the caller).
pub async fn fulfilment(url: &str, cfg: &FulfilmentBench) -> anyhow::Result<()> {
    let Seeded {
        store,
        hs,
        cycle,
        day,
        lines,
        ..
    } = seed(url, cfg).await?;
    let c = store.cycle(&hs, cycle).await?;
    let i18n = I18n::new(Lang::Fr);
    let hub_name = "Pôle du banc d'essai";
    let before = part_start();
    let mut peak = before;
    let mut part = |start: Option<f64>| {
        let grown = grown_since(start);
        peak = match (peak, peak_mib()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        grown
    };
    let all = Instant::now();
    let t = Instant::now();
    let m = part_start();
    let pos = store.purchase_orders(&hs, cycle).await?;
    // Each output is dropped once measured, as a server drops it once sent.
    let po_pdf = halles_docs::documents_pdf(
        pos.iter()
            .map(|po| documents::purchase_order(&i18n, hub_name, &c, po)),
    )?
    .len();
    let po_time = t.elapsed();
    let po_mem = part(m);
    let t = Instant::now();
    let m = part_start();
    let packing = store.packing_list(&hs, cycle, Some(day)).await?;
    let read_time = t.elapsed();
    let read_mem = part(m);
    let t = Instant::now();
    let m = part_start();
    let pick = halles_docs::document_pdf(&documents::pick_list(
        &i18n,
        hub_name,
        &c,
        Some(day),
        &pos,
        &packing,
    ))?
    .len();
    let pick_time = t.elapsed();
    let pick_mem = part(m);
    let t = Instant::now();
    let m = part_start();
    let lists =
        halles_docs::documents_pdf(documents::packing_list(&i18n, hub_name, &c, &packing))?.len();
    let lists_time = t.elapsed();
    let lists_mem = part(m);
    let t = Instant::now();
    let m = part_start();
    let stops = documents::stops_of(&store, &hs, &packing).await?;
    let labels = documents::case_labels(&i18n, hub_name, &packing, &stops);
    let labels_pdf =
        halles_docs::case_labels_pdf(&labels, halles_docs::LabelStock::Letter2x5)?.len();
    let labels_time = t.elapsed();
    let labels_mem = part(m);
    let t = Instant::now();
    let m = part_start();
    let zpl = halles_docs::case_labels_zpl(&labels)?.len();
    let zpl_time = t.elapsed();
    let zpl_mem = part(m);
    let t = Instant::now();
    let m = part_start();
    let labelled = store.product_labels(&hs, cycle, Some(day)).await?;
    let product_labels = documents::product_labels(&i18n, &labelled);
    let product_pdf =
        halles_docs::product_labels_pdf(&product_labels, halles_docs::LabelStock::Letter2x5)?.len();
    let product_zpl = halles_docs::product_labels_zpl(&product_labels)?.len();
    let product_time = t.elapsed();
    let product_mem = part(m);
    let total = all.elapsed();
    store.close().await;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let kib = |n: usize| n as f64 / 1024.0;
    println!(
        "backend                      {}",
        if url.starts_with("postgres") {
            "postgresql"
        } else {
            "sqlite"
        }
    );
    println!(
        "orders × lines, producers    {} × {}, {}",
        cfg.orders,
        lines,
        pos.len()
    );
    println!(
        "purchase orders (PDF)        {:.0} ms, {} documents, {:.0} KiB{po_mem}",
        ms(po_time),
        pos.len(),
        kib(po_pdf)
    );
    println!(
        "packing list read            {:.0} ms{read_mem}",
        ms(read_time)
    );
    println!(
        "pick list (PDF)              {:.0} ms, {:.0} KiB{pick_mem}",
        ms(pick_time),
        kib(pick)
    );
    println!(
        "packing lists (PDF)          {:.0} ms, {} orders, {:.0} KiB{lists_mem}",
        ms(lists_time),
        packing.len(),
        kib(lists)
    );
    println!(
        "case labels (PDF, 2 × 5)     {:.0} ms, {} labels, {:.0} KiB{labels_mem}",
        ms(labels_time),
        labels.len(),
        kib(labels_pdf)
    );
    println!(
        "case labels (ZPL)            {:.0} ms, {:.0} KiB{zpl_mem}",
        ms(zpl_time),
        kib(zpl)
    );
    println!(
        "product labels (PDF and ZPL) {:.0} ms, {} labels, {:.0} + {:.0} KiB{product_mem}",
        ms(product_time),
        product_labels.len(),
        kib(product_pdf),
        kib(product_zpl)
    );
    println!("all documents                {:.0} ms", ms(total));
    match (before, peak) {
        (Some(b), Some(p)) => println!(
            "memory before → peak         {b:.0} MiB → {p:.0} MiB (+{:.0} MiB)",
            p - b
        ),
        _ => println!("memory                       not measured on this system"),
    }
    Ok(())
}
