//! `halles bench billing`: the fulfilment benchmark's cycle ([`super::fulfilment::seed`]),
//! every stop marked delivered, every order invoiced, every invoice rendered as its PDF, then
//! each producer's statement of the cycle issued and rendered. PDFs are rendered by as many
//! workers as cores, each rendering one document at a time (and reading its next meanwhile)
//! and dropping it once measured (as a server drops it once sent), so memory stays flat
//! whatever the cycle's size.
//! Prints the time of each part, the time per PDF and the peak memory growth (Linux).

use super::fulfilment::{FulfilmentBench, Seeded, grown_since, part_start, peak_mib, seed};
use halles_core::payouts::{ChargedTo, Period};
use halles_core::{InvoiceId, OrderId, StatementId};
use halles_store::TenantScope;
use halles_store::hub::billing::payouts::StatementInput;
use halles_store::hub::billing::settings::BillingSettings;
use halles_store::hub::fulfilment::routes::StopOutcome;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Settings of the billing benchmark: the cycle of the fulfilment benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct BillingBench {
    /// The cycle.
    #[command(flatten)]
    pub cycle: FulfilmentBench,
}

/// A document being read.
type Reading<D> = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<D>> + Send>>;

/// What the workers rendered: documents, bytes, and the longest single render.
#[derive(Default)]
struct Rendered {
    documents: usize,
    bytes: usize,
    slowest: Duration,
}

/// Renders every document of `ids` on as many workers as cores: each worker takes the next
/// id, reads it with `read` and renders it with `render` on a blocking thread, one document
/// at a time, then drops it; it reads its next document while one renders (as a server
/// reads the next request's data while another renders).
async fn render_all<I, D, R, F>(ids: Vec<I>, read: R, render: F) -> anyhow::Result<Rendered>
where
    I: Copy + Send + Sync + 'static,
    D: Send + 'static,
    R: Fn(I) -> Reading<D> + Send + Sync + 'static,
    F: Fn(&D) -> anyhow::Result<Vec<u8>> + Send + Sync + Copy + 'static,
{
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let ids = Arc::new(ids);
    let next = Arc::new(AtomicUsize::new(0));
    let read = Arc::new(read);
    let mut tasks = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (ids, next, read) = (ids.clone(), next.clone(), read.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = Rendered::default();
            let take = || ids.get(next.fetch_add(1, Ordering::Relaxed)).copied();
            let mut doc = match take() {
                Some(id) => Some(read(id).await?),
                None => None,
            };
            while let Some(current) = doc.take() {
                // The next document is read while this one renders: at most two in memory.
                let t = Instant::now();
                let rendering = tokio::task::spawn_blocking(move || {
                    let bytes = render(&current);
                    (bytes, t.elapsed())
                });
                if let Some(id) = take() {
                    doc = Some(read(id).await?);
                }
                let (bytes, took) = rendering.await?;
                let bytes = bytes?;
                done.slowest = done.slowest.max(took);
                done.documents += 1;
                done.bytes += bytes.len();
            }
            anyhow::Ok(done)
        }));
    }
    let mut all = Rendered::default();
    for t in tasks {
        let r = t.await??;
        all.documents += r.documents;
        all.bytes += r.bytes;
        all.slowest = all.slowest.max(r.slowest);
    }
    Ok(all)
}

/// Runs the benchmark against the database at `url` (created empty by the caller).
pub async fn billing(url: &str, cfg: &BillingBench) -> anyhow::Result<()> {
    let Seeded {
        store,
        hs,
        cycle,
        day,
        producers,
        lines,
        ..
    } = seed(url, &cfg.cycle).await?;
    let settings = BillingSettings {
        legal_name: "Pôle du banc d'essai inc.".into(),
        address: "1 rue du Marché, Montréal QC H2X 1A1".into(),
        registered: true,
        gst_number: "123456789RT0001".into(),
        qst_number: "1234567890TQ0001".into(),
        invoice_prefix: "F".into(),
        auto_issue: false,
        ..BillingSettings::default()
    };
    store.set_billing_settings(&hs, settings).await?;
    let mut stops = Vec::new();
    for route in store.routes(&hs).await? {
        stops.extend(store.stops(&hs, cycle, Some(day), route.id).await?);
    }

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
    let delivered = StopOutcome::Delivered {
        recipient: "Réception".into(),
        note: String::new(),
    };
    for s in &stops {
        store.mark_stop(&hs, s.id, &delivered).await?;
    }
    let deliver_time = t.elapsed();
    let deliver_mem = part(m);

    let t = Instant::now();
    let m = part_start();
    let orders: Vec<OrderId> = stops.iter().map(|s| s.order).collect();
    let invoices = store.issue_invoices(&hs, &orders).await?;
    let issue_time = t.elapsed();
    let issue_mem = part(m);

    let t = Instant::now();
    let m = part_start();
    let tenant: TenantScope = *hs.tenant();
    let reader = store.clone();
    let scope = tenant;
    let pdfs = render_all(
        invoices,
        move |id: InvoiceId| {
            let store = reader.clone();
            Box::pin(async move { Ok(store.invoice(&scope, id).await?) }) as Reading<_>
        },
        |inv| Ok(halles_web::pages::hub::billing::invoice_pdf(inv)?),
    )
    .await?;
    let pdf_time = t.elapsed();
    let pdf_mem = part(m);

    let t = Instant::now();
    let m = part_start();
    let mut statements: Vec<StatementId> = Vec::with_capacity(producers.len());
    for producer in &producers {
        let input = StatementInput {
            producer: *producer,
            period: Period::Cycle { cycle },
            losses_charged_to: ChargedTo::Producer,
        };
        statements.push(store.issue_statement(&hs, input).await?);
    }
    let statements_time = t.elapsed();
    let statements_mem = part(m);

    let t = Instant::now();
    let m = part_start();
    let reader = store.clone();
    let scope = tenant;
    let statement_pdfs = render_all(
        statements,
        move |id: StatementId| {
            let store = reader.clone();
            Box::pin(async move { Ok(store.producer_statement(&scope, id).await?) }) as Reading<_>
        },
        |s| Ok(halles_web::pages::hub::billing::producer_statement_pdf(s)?),
    )
    .await?;
    let statement_pdf_time = t.elapsed();
    let statement_pdf_mem = part(m);
    let total = all.elapsed();
    store.close().await;

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let per = |d: Duration, n: usize| ms(d) / n.max(1) as f64;
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
        cfg.cycle.orders,
        lines,
        producers.len()
    );
    println!(
        "workers                      {}",
        std::thread::available_parallelism().map_or(2, |n| n.get())
    );
    println!(
        "deliveries                   {:.0} ms, {} stops{deliver_mem}",
        ms(deliver_time),
        stops.len()
    );
    println!(
        "invoices issued              {:.0} ms, {} invoices{issue_mem}",
        ms(issue_time),
        orders.len()
    );
    println!(
        "invoice PDFs                 {:.0} ms, {} documents, {:.1} ms each, slowest {:.0} ms, {:.0} KiB{pdf_mem}",
        ms(pdf_time),
        pdfs.documents,
        per(pdf_time, pdfs.documents),
        ms(pdfs.slowest),
        kib(pdfs.bytes)
    );
    println!(
        "producer statements issued   {:.0} ms, {} statements{statements_mem}",
        ms(statements_time),
        producers.len()
    );
    println!(
        "producer statement PDFs      {:.0} ms, {} documents, {:.1} ms each, {:.0} KiB{statement_pdf_mem}",
        ms(statement_pdf_time),
        statement_pdfs.documents,
        per(statement_pdf_time, statement_pdfs.documents),
        kib(statement_pdfs.bytes)
    );
    println!(
        "issue, render and state      {:.0} ms (deliveries aside: {:.0} ms)",
        ms(total),
        ms(total - deliver_time)
    );
    match (before, peak) {
        (Some(b), Some(p)) => println!(
            "memory before → peak         {b:.0} MiB → {p:.0} MiB (+{:.0} MiB)",
            p - b
        ),
        _ => println!("memory                       not measured on this system"),
    }
    Ok(())
}
