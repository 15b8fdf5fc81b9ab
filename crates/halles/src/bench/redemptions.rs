//! `halles bench redemptions`: many registers redeem cards at once through the HTTP API, each
//! request with an `Idempotency-Key`, a few cards hot and nearly empty so that registers race
//! for their last cents. Prints throughput, latency and overspent cents (which must be 0).

use crate::app::start;
use anyhow::Context;
use halles_core::accounts::Lang;
use halles_core::coupons::{ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Scope};
use halles_core::{CardId, OrgId, SystemClock};
use halles_store::coupons::{ParticipantInput, ProgramInput};
use halles_store::{Actor, Store, TenantScope};
use halles_web::WebConfig;
use rand::Rng;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Settings of the redemption benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct RedemptionsBench {
    /// Concurrent registers (spread over four markets, one API token per market).
    #[arg(long, default_value_t = 64)]
    pub registers: usize,
    /// Cards, each assigned to a participant and loaded.
    #[arg(long, default_value_t = 10_000)]
    pub cards: usize,
    /// Redemptions each register attempts.
    #[arg(long, default_value_t = 250)]
    pub per_register: usize,
    /// Cents loaded on each card.
    #[arg(long, default_value_t = 5_000)]
    pub balance: i64,
    /// Hot cards holding only this many cents, which one request in ten targets.
    #[arg(long, default_value_t = 2_000)]
    pub hot_balance: i64,
    /// Send no `Idempotency-Key` (to measure what the key costs).
    #[arg(long)]
    pub no_idempotency: bool,
}

fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

const MARKETS: usize = 4;
const HOT: usize = 10;

/// Runs the benchmark against the database at `url` (created empty by the caller).
pub async fn redemptions(url: &str, cfg: &RedemptionsBench) -> anyhow::Result<()> {
    let store = Store::connect(url, Arc::new(SystemClock)).await?;
    store.migrate().await?;
    eprintln!(
        "seeding {} cards and {} registers…",
        cfg.cards, cfg.registers
    );
    let org = |kind, name: String| {
        let store = store.clone();
        async move {
            anyhow::Ok(
                store
                    .create_organization(Actor::system(), kind, &name, Lang::Fr)
                    .await?
                    .id,
            )
        }
    };
    let operator = org(OrgKind::ProgramOperator, "Opérateur du banc d'essai".into()).await?;
    let partner = org(OrgKind::PartnerOrg, "Organisme du banc d'essai".into()).await?;
    let op = scope(operator);
    let today = halles_core::coupons::local_date(store.now());
    let program = store
        .create_program(
            &op,
            &ProgramInput {
                name: "Banc d'essai".into(),
                public_name: String::new(),
                starts_on: today,
                ends_on: today,
                report_period: ReportPeriod::Month,
                anonymous: true,
                pin_required: false,
                off_platform: false,
            },
        )
        .await?;
    store
        .add_program_member(
            &store.program_access(&op, program).await?,
            partner,
            ProgramRole::Partner,
        )
        .await?;
    let mut markets = Vec::new();
    for i in 0..MARKETS {
        let m = org(OrgKind::Market, format!("Marché {i}")).await?;
        store
            .add_program_member(
                &store.program_access(&op, program).await?,
                m,
                ProgramRole::Market,
            )
            .await?;
        let (_, token) = store
            .create_token(&scope(m), "banc", &[Scope::RedemptionsWrite])
            .await?;
        let mut registers = Vec::new();
        for r in 0..cfg.registers.div_ceil(MARKETS) {
            registers.push(
                store
                    .create_register(&scope(m), &format!("Caisse {r}"))
                    .await?,
            );
        }
        markets.push((m, token, registers));
    }
    let groups = store.product_groups(program).await?;
    let types = store.participant_types(program).await?;
    let fruits = groups[0].id;
    let mut cards: Vec<(CardId, String, i64)> = Vec::with_capacity(cfg.cards);
    let mut left = cfg.cards;
    while left > 0 {
        let n = left.min(5000);
        store
            .create_card_batch(&store.program_access(&op, program).await?, n as u32)
            .await?;
        left -= n;
    }
    let ps = scope(partner);
    for i in 0..cfg.cards {
        let p = store
            .create_participant(
                &store.program_access(&ps, program).await?,
                &ParticipantInput {
                    participant_type: Some(types[i % types.len()].id),
                    consent_on: Some(today),
                    consent_purpose: "banc d'essai".into(),
                    ..ParticipantInput::default()
                },
            )
            .await?;
        let card = store
            .assign_card(&store.program_access(&ps, program).await?, p.id, None)
            .await?;
        let balance = if i < HOT {
            cfg.hot_balance
        } else {
            cfg.balance
        };
        let opg = store
            .program_access(&op, store.card(&op, card.id).await?.program)
            .await?;
        // The bench's money comes from the program's reserve, funded for it.
        store.fund_reserve(&opg, Cents(balance)).await?;
        store
            .adjust_funds(
                &opg,
                card.id,
                fruits,
                Cents(balance),
                Some(halles_store::coupons::FundSource::Reserve),
                "banc d'essai",
            )
            .await?;
        cards.push((card.id, card.number.as_str().to_owned(), balance));
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
        .pool_max_idle_per_host(cfg.registers)
        .build()?;
    eprintln!(
        "redeeming {} times from {} concurrent registers…",
        cfg.registers * cfg.per_register,
        cfg.registers
    );
    let cards = Arc::new(cards);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for r in 0..cfg.registers {
        let (market, token, registers) = markets[r % MARKETS].clone();
        let register = registers[(r / MARKETS) % registers.len()];
        let http = http.clone();
        let url = format!("http://{addr}/api/v1/organizations/{market}/redemptions");
        let cards = cards.clone();
        let n = cfg.per_register;
        let keyed = !cfg.no_idempotency;
        tasks.push(tokio::spawn(async move {
            let mut out: Vec<(Duration, u16, usize, i64)> = Vec::with_capacity(n);
            for k in 0..n {
                let (i, amount) = {
                    let mut rng = rand::rng();
                    let i = if rng.random_range(0..10) == 0 {
                        rng.random_range(0..HOT.min(cards.len()))
                    } else {
                        rng.random_range(0..cards.len())
                    };
                    (i, rng.random_range(1..=14) * 50)
                };
                let body = serde_json::json!({
                    "card": cards[i].1,
                    "register_id": register.0,
                    "lines": [{"product_group_id": fruits.0, "amount_cents": amount}],
                });
                let t = Instant::now();
                let mut req = http.post(&url).bearer_auth(&token).json(&body);
                if keyed {
                    req = req.header("Idempotency-Key", format!("r{r}-{k}"));
                }
                let status = match req.send().await {
                    Ok(res) => res.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((t.elapsed(), status, i, amount));
            }
            out
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.extend(t.await.context("a register task failed")?);
    }
    let elapsed = started.elapsed();
    running.stop().await;

    let accepted = results.iter().filter(|r| r.1 == 201).count();
    let refused = results.iter().filter(|r| r.1 == 422).count();
    let other = results.len() - accepted - refused;
    let mut lat: Vec<Duration> = results.iter().map(|r| r.0).collect();
    lat.sort();
    // Overspent: per card, accepted amounts beyond what it held; and the database's own view.
    let mut spent: HashMap<usize, i64> = HashMap::new();
    for r in results.iter().filter(|r| r.1 == 201) {
        *spent.entry(r.2).or_default() += r.3;
    }
    let mut overspent = 0i64;
    let mut mismatched = 0usize;
    for (i, (card, _, balance)) in cards.iter().enumerate() {
        let s = spent.get(&i).copied().unwrap_or(0);
        overspent += (s - balance).max(0);
        let left: i64 = store
            .card_balances(*card)
            .await?
            .iter()
            .map(|b| b.balance.0)
            .sum();
        if left != balance - s {
            mismatched += 1;
        }
    }
    let (ledger, cached, lots) = store.ledger_check(program).await?;
    store.close().await;
    let secs = elapsed.as_secs_f64();
    let cents_total: i64 = cards.iter().map(|c| c.2).sum();
    println!(
        "backend                  {}",
        if url.starts_with("postgres") {
            "postgresql"
        } else {
            "sqlite"
        }
    );
    println!("registers (concurrent)   {}", cfg.registers);
    println!(
        "idempotency keys         {}",
        if cfg.no_idempotency { "no" } else { "yes" }
    );
    println!("cards                    {}", cfg.cards);
    println!("requests                 {}", results.len());
    println!("redemptions accepted     {accepted}");
    println!("refused (balance)        {refused}");
    println!("other failures           {other}");
    println!("elapsed                  {secs:.2} s");
    println!(
        "requests per second      {:.0}",
        results.len() as f64 / secs
    );
    println!("redemptions per second   {:.0}", accepted as f64 / secs);
    println!(
        "latency p50              {:.1} ms",
        super::percentile(&lat, 0.50).as_secs_f64() * 1000.0
    );
    println!(
        "latency p99              {:.1} ms",
        super::percentile(&lat, 0.99).as_secs_f64() * 1000.0
    );
    println!("overspent cents          {overspent}");
    println!("cards off their ledger   {mismatched}");
    println!(
        "ledger / cached / lots   {} / {} / {} (of {} loaded)",
        ledger.0, cached.0, lots.0, cents_total
    );
    if overspent != 0 || mismatched != 0 || other != 0 || ledger != cached || ledger != lots {
        anyhow::bail!("the benchmark found overspending, a ledger mismatch or failed requests");
    }
    Ok(())
}
