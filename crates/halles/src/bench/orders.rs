//! `halles bench orders`: many buyers place orders at once through the HTTP API on contested
//! stock. Prints throughput, latency and oversold units (which must be 0).

use crate::app::start;
use anyhow::Context;
use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Scope};
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_core::{OrgId, SystemClock};
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::{Actor, Store, TenantScope};
use halles_web::WebConfig;
use rand::Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Settings of the order benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct OrdersBench {
    /// Concurrent buyers, each with its own API token.
    #[arg(long, default_value_t = 200)]
    pub buyers: usize,
    /// Orders each buyer attempts.
    #[arg(long, default_value_t = 25)]
    pub orders_per_buyer: usize,
    /// Products on offer (each order takes 1 to 3 of them).
    #[arg(long, default_value_t = 20)]
    pub products: usize,
    /// Units of each product: small enough that buyers run out.
    #[arg(long, default_value_t = 300)]
    pub stock: i64,
}

fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// Runs the benchmark against the database at `url` (created empty by the caller).
pub async fn orders(url: &str, cfg: &OrdersBench) -> anyhow::Result<()> {
    let store = Store::connect(url, Arc::new(SystemClock)).await?;
    store.migrate().await?;
    eprintln!(
        "seeding {} buyers, {} products of {} units…",
        cfg.buyers, cfg.products, cfg.stock
    );
    let hub = store
        .create_organization(
            Actor::system(),
            OrgKind::Hub,
            "Pôle du banc d'essai",
            Lang::Fr,
        )
        .await?
        .id;
    let farm = store
        .create_organization(
            Actor::system(),
            OrgKind::Producer,
            "Ferme du banc d'essai",
            Lang::Fr,
        )
        .await?
        .id;
    let hs = store.own_hub(&scope(hub)).await?;
    store.link_producer(&hs, farm).await?;
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
        .await?;
    let mut products = Vec::new();
    for i in 0..cfg.products {
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
            .await?;
        products.push(p.id);
    }
    let now = store.now();
    let cycle = store
        .create_cycle(
            &hs,
            &CycleInput {
                name: "Banc d'essai".into(),
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
        .await?;
    let entries: Vec<_> = products
        .iter()
        .map(|p| (*p, Some((Qty::units(cfg.stock), Cents(500)))))
        .collect();
    store
        .save_availability(
            &store.hub_scope(&scope(farm), hub).await?,
            cycle,
            farm,
            &entries,
        )
        .await?;
    store.advance_cycles().await?;
    let location = store.cycle(&hs, cycle).await?.locations[0].id;
    let mut buyers = Vec::new();
    for i in 0..cfg.buyers {
        let b = store
            .create_organization(
                Actor::system(),
                OrgKind::Buyer,
                &format!("Acheteur {i}"),
                Lang::Fr,
            )
            .await?
            .id;
        store.link_buyer(&hs, b, BuyerType::Institution).await?;
        let (_, token) = store
            .create_token(&scope(b), "banc", &[Scope::OrdersWrite])
            .await?;
        buyers.push((b, token));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let web = WebConfig {
        base_url: format!("http://{addr}"),
        secure_cookies: false,
        demo: false,
        trust_forwarded_for: false,
        metrics_token: None,
    };
    let running = start(store.clone(), web, listener, None)?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(cfg.buyers)
        .build()?;
    eprintln!(
        "placing {} orders from {} concurrent buyers…",
        cfg.buyers * cfg.orders_per_buyer,
        cfg.buyers
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (buyer, token) in buyers {
        let http = http.clone();
        let url = format!("http://{addr}/api/v1/organizations/{buyer}/orders");
        let products = products.clone();
        let n = cfg.orders_per_buyer;
        tasks.push(tokio::spawn(async move {
            let mut out: Vec<(Duration, u16)> = Vec::with_capacity(n);
            for _ in 0..n {
                let lines: Vec<serde_json::Value> = {
                    let mut rng = rand::rng();
                    let k = rng.random_range(1..=3);
                    let mut chosen = Vec::new();
                    while chosen.len() < k {
                        let p = products[rng.random_range(0..products.len())];
                        if !chosen.contains(&p) {
                            chosen.push(p);
                        }
                    }
                    chosen.iter().map(|p| serde_json::json!({"product_id": p.0, "quantity": rng.random_range(1..=2).to_string()})).collect()
                };
                let body = serde_json::json!({"hub_id": hub.0, "cycle_id": cycle.0, "location_id": location.0, "lines": lines});
                let t = Instant::now();
                let status = match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((t.elapsed(), status));
            }
            out
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.extend(t.await.context("a buyer task failed")?);
    }
    let elapsed = started.elapsed();
    running.stop().await;

    // 201: a new order; 200: lines added to the buyer's open order of the cycle (one order per
    // buyer, cycle and delivery). Both are accepted checkouts.
    let placed = results.iter().filter(|(_, s)| *s == 201).count();
    let added = results.iter().filter(|(_, s)| *s == 200).count();
    let short = results.iter().filter(|(_, s)| *s == 422).count();
    let other = results.len() - placed - added - short;
    let mut lat: Vec<Duration> = results.iter().map(|(d, _)| *d).collect();
    lat.sort();
    let pct = |p: f64| super::percentile(&lat, p);
    // Oversold: for every product, units in placed orders beyond what was offered.
    let totals = store.cycle_totals(&hs, cycle).await?;
    let grid = store.availability_grid(&hs, cycle, farm).await?;
    let mut oversold = 0i64;
    let mut sold = 0i64;
    for g in &grid {
        let ordered = totals
            .by_product
            .iter()
            .find(|t| t.product.id == g.product.id)
            .map(|t| t.quantity.0)
            .unwrap_or(0);
        let offered = g.quantity.map(|q| q.0).unwrap_or(0);
        sold += ordered;
        oversold += (ordered - offered).max(0);
        if g.reserved.0 != ordered {
            anyhow::bail!(
                "availability and order lines disagree for product {}",
                g.product.id
            );
        }
    }
    store.close().await;
    let secs = elapsed.as_secs_f64();
    println!(
        "backend              {}",
        if url.starts_with("postgres") {
            "postgresql"
        } else {
            "sqlite"
        }
    );
    println!("buyers (concurrent)  {}", cfg.buyers);
    println!("requests             {}", results.len());
    println!("orders placed        {placed}");
    println!("added to open order  {added}");
    println!("refused (shortage)   {short}");
    println!("other failures       {other}");
    println!("elapsed              {secs:.2} s");
    println!("requests per second  {:.0}", results.len() as f64 / secs);
    println!("checkouts per second {:.0}", (placed + added) as f64 / secs);
    println!(
        "latency p50          {:.1} ms",
        pct(0.50).as_secs_f64() * 1000.0
    );
    println!(
        "latency p99          {:.1} ms",
        pct(0.99).as_secs_f64() * 1000.0
    );
    println!(
        "units sold           {} of {}",
        Qty(sold).plain(),
        cfg.stock * cfg.products as i64
    );
    println!("oversold units       {}", Qty(oversold).plain());
    if oversold != 0 || other != 0 {
        anyhow::bail!("the benchmark found oversold units or failed requests");
    }
    Ok(())
}
