//! The background worker: claims due jobs and runs them, and delivers domain events when no
//! job is due and at least every half second while jobs are queued. Runs inside `serve`, or alone as
//! `halles worker` for larger deployments; several workers can share one database.

use crate::jobs::{self, JobContext};
use crate::mailer::Mailer;
use halles_store::Store;
use std::time::Duration;
use tokio::sync::watch;

/// Runs one due job or, when none is due, delivers a batch of undelivered domain events.
/// Returns whether there was anything to do.
pub async fn tick(store: &Store, mailer: &Mailer, base_url: &str) -> bool {
    let job = match store.claim_job().await {
        Ok(Some(job)) => job,
        Ok(None) => return deliver_events(store, base_url).await,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim a job");
            return false;
        }
    };
    let ctx = JobContext {
        store,
        mailer,
        base_url,
        job: &job,
    };
    let outcome = jobs::run(&ctx).await;
    let recorded = match &outcome {
        Ok(()) => store.complete_job(job.id).await,
        Err(e) => {
            let message = e.to_string();
            tracing::warn!(job = %job.id, kind = %job.kind, error = %message, "job failed");
            store.fail_job(&job, &message).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(job = %job.id, error = %e, "could not record a job's outcome");
    }
    true
}

/// Delivers a batch of the oldest undelivered domain events; whether there was one.
async fn deliver_events(store: &Store, base_url: &str) -> bool {
    match jobs::deliver_event::deliver_pending(store, base_url).await {
        Ok(taken) => taken > 0,
        Err(e) => {
            tracing::warn!(error = %e, "could not deliver events");
            false
        }
    }
}

/// Work that falls due with time rather than by a job: order cycles open and close on time,
/// purchase orders go out after the cut-off, producers that posted nothing are reminded before
/// it, coupon funds load and expire.
/// Every step is a conditional update, so several workers running it at once change nothing twice.
pub async fn on_time(store: &Store, base_url: &str) {
    match store.advance_cycles().await {
        Ok(moved) => {
            for (hub, cycle, status) in moved {
                tracing::info!(%hub, %cycle, status = status.code(), "order cycle moved on time");
                if status == halles_core::ordering::CycleStatus::Open {
                    standing_orders(store, hub, cycle).await;
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not advance order cycles"),
    }
    // Past the cut-off, each producer gets its purchase order (each cycle once, and again if
    // its cut-off moves later); the events tell them.
    match store.issue_due_purchase_orders().await {
        Ok(issued) => {
            for (hub, cycle, pos) in issued.iter().filter(|(_, _, p)| !p.is_empty()) {
                tracing::info!(%hub, %cycle, n = pos.len(), "purchase orders issued");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not issue purchase orders"),
    }
    // Producers that posted nothing as a cut-off nears: one reminder job each, once.
    match crate::jobs::availability_reminder::enqueue_due(store).await {
        Ok(n) if n > 0 => tracing::info!(n, "availability reminders queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not queue availability reminders"),
    }
    // Overdue invoices: one reminder job per invoice and week overdue, once.
    match crate::jobs::invoice_reminder::enqueue_due(store).await {
        Ok(n) if n > 0 => tracing::info!(n, "invoice reminders queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not queue invoice reminders"),
    }
    if let Err(e) = store.purge_throttles().await {
        tracing::warn!(error = %e, "could not purge old throttles");
    }
    // The planner's statistics, once an hour per process (see `Store::refresh_statistics`).
    if statistics_due()
        && let Err(e) = store.refresh_statistics().await
    {
        tracing::warn!(error = %e, "could not refresh the planner's statistics");
    }
    // Coupon funds: loads due today (each exactly once, by a unique key), then expiry.
    let today = halles_core::coupons::local_date(store.now());
    match store.run_due_loads(today).await {
        Ok(run) if run.loaded + run.no_card + run.unused > 0 => {
            tracing::info!(
                loaded = run.loaded,
                cents = run.loaded_cents,
                no_card = run.no_card,
                "coupon loads"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not run coupon loads"),
    }
    match store.deactivate_ended_allowances(today).await {
        Ok(n) if n > 0 => tracing::info!(
            n,
            "off-platform participants past their end date deactivated"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not deactivate ended allowances"),
    }
    match halles_web::mail::expiry_notices(store, base_url).await {
        Ok(n) if n > 0 => tracing::info!(n, "expiry notices queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not queue expiry notices"),
    }
    match store.run_expiry().await {
        Ok(cents) if cents > 0 => tracing::info!(cents, "coupon funds expired"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not expire coupon funds"),
    }
    match halles_web::mail::schedule_end_notices(store, base_url).await {
        Ok(n) if n > 0 => tracing::info!(n, "schedule end notices queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not queue schedule end notices"),
    }
    match halles_web::mail::balance_statements(store, base_url).await {
        Ok(n) if n > 0 => tracing::info!(n, "monthly balance statements queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not queue balance statements"),
    }
    // Coupon programs' monthly reports, from the 1st for the month before: once each.
    match crate::jobs::monthly_report::enqueue_due(store).await {
        Ok(n) if n > 0 => tracing::info!(n, "monthly program reports queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not queue monthly program reports"),
    }
}

/// Whether an hour passed since this process last refreshed the planner's statistics (the
/// first call says yes); marks it done.
fn statistics_due() -> bool {
    static LAST: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);
    let Ok(mut last) = LAST.lock() else {
        return false;
    };
    let due = last.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600));
    if due {
        *last = Some(std::time::Instant::now());
    }
    due
}

/// Turns the standing orders of a cycle that just opened into orders; the store records each
/// run's event, whose delivery tells the buyer.
pub async fn standing_orders(store: &Store, hub: halles_core::OrgId, cycle: halles_core::CycleId) {
    let scope = halles_store::TenantScope::checked(hub, halles_store::Actor::system());
    let ran = match store.own_hub(&scope).await {
        Ok(hs) => store.run_standing_orders(&hs, cycle).await,
        Err(e) => Err(e),
    };
    if let Err(e) = ran {
        tracing::warn!(%hub, %cycle, error = %e, "could not run standing orders");
    }
}

/// How often [`on_time`] runs.
const ON_TIME_EVERY: Duration = Duration::from_secs(20);

/// How long a backlog of jobs may hold back the delivery of domain events at most.
const EVENTS_EVERY: Duration = Duration::from_millis(500);

/// Runs jobs until `shutdown` turns true, pausing when the queue is empty.
pub async fn run_until(
    store: Store,
    mailer: Mailer,
    base_url: String,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(smtp = mailer.sends(), "worker started");
    let mut last_on_time: Option<std::time::Instant> = None;
    let mut last_events = std::time::Instant::now();
    loop {
        if *shutdown.borrow() {
            break;
        }
        if last_on_time.is_none_or(|t| t.elapsed() >= ON_TIME_EVERY) {
            on_time(&store, &base_url).await;
            last_on_time = Some(std::time::Instant::now());
        }
        // A long queue of jobs (a month of statements) must not hold back order confirmations.
        if last_events.elapsed() >= EVENTS_EVERY {
            deliver_events(&store, &base_url).await;
            last_events = std::time::Instant::now();
        }
        if tick(&store, &mailer, &base_url).await {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("worker stopped");
}
