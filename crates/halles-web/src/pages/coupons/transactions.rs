//! A program's transaction log (every movement of the ledger, filtered, with CSV and XLSX
//! downloads) and the balance of every card.

use crate::AppState;
use crate::ctx::{Ctx, Member};
use crate::errors::{PageError, render};
use crate::pages::coupons::programs::{ProgramView, view};
use crate::pages::coupons::reports::FormatQuery;
use crate::pages::download;
use crate::pages::paths;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::ProgramId;
use halles_core::coupons::{EntryKind, ProgramRole};
use halles_core::money::Cents;
use halles_core::{OrgId, ProductGroupId};
use halles_docs::{Cell, Table};
use halles_store::coupons::{CardBalance, Transaction, TransactionFilter};
use jiff::civil::Date;
use serde::Deserialize;

/// Rows on one page of the log.
const PAGE: i64 = 200;
/// Rows in a download, at most.
const DOWNLOAD: i64 = 100_000;

/// Every kind of movement, in the filter's order.
const KINDS: [EntryKind; 7] = [
    EntryKind::Load,
    EntryKind::Spend,
    EntryKind::Refund,
    EntryKind::Expire,
    EntryKind::Adjust,
    EntryKind::TransferOut,
    EntryKind::TransferIn,
];

/// The log's filters, as in the address.
#[derive(Debug, Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    market: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    card: String,
    #[serde(default)]
    before: String,
    #[serde(default)]
    format: String,
}

impl LogQuery {
    fn filter(&self) -> TransactionFilter {
        let id = |s: &str| s.parse::<i64>().ok().filter(|v| *v > 0);
        let card: String = self.card.chars().filter(char::is_ascii_digit).collect();
        TransactionFilter {
            from: self
                .from
                .parse::<Date>()
                .ok()
                .map(halles_core::coupons::start_of),
            until: self
                .to
                .parse::<Date>()
                .ok()
                .and_then(|d| d.tomorrow().ok())
                .map(halles_core::coupons::start_of),
            kind: self.kind.parse().ok(),
            market: id(&self.market).map(OrgId),
            partner: id(&self.partner).map(OrgId),
            group: id(&self.group).map(ProductGroupId),
            card: (!card.is_empty()).then_some(card),
            before: id(&self.before),
        }
    }

    /// The address of these filters, without the page or the format.
    fn query_string(&self) -> String {
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("market", &self.market),
            ("partner", &self.partner),
            ("group", &self.group),
            ("card", &self.card),
        ];
        let kept: Vec<(&str, &String)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "transactions.html")]
struct LogPage {
    page: Ctx,
    v: ProgramView,
    q: LogQuery,
    kinds: Vec<EntryKind>,
    markets: Vec<(i64, String)>,
    partners: Vec<(i64, String)>,
    rows: Vec<Transaction>,
    /// The address of the next (older) page, if there is one.
    older: Option<String>,
}

impl LogPage {
    fn group(&self, id: &ProductGroupId) -> String {
        self.v.group_name(self.page.i18n.lang.code(), *id)
    }
    fn selected(&self, field: &str, value: &str) -> bool {
        let current = match field {
            "kind" => &self.q.kind,
            "market" => &self.q.market,
            "partner" => &self.q.partner,
            _ => &self.q.group,
        };
        current == value
    }
    fn filters(&self) -> String {
        self.q.query_string()
    }
}

/// The transaction log: every movement the organization may read, newest first, with filters;
/// `format=csv|xlsx` downloads every matching row.
pub async fn log(
    paths::Transactions(_, id): paths::Transactions,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<LogQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let download_it = q.format == "csv" || q.format == "xlsx";
    let limit = if download_it { DOWNLOAD } else { PAGE + 1 };
    let mut rows = state
        .store
        .transactions(&v.scope, &q.filter(), limit)
        .await?;
    if download_it {
        return log_download(&m.ctx, &v, &q, &rows, id);
    }
    let older = if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(|last| {
            let filters = q.query_string();
            let sep = if filters.is_empty() { "" } else { "&" };
            format!("?{filters}{sep}before={}", last.id)
        })
    } else {
        None
    };
    let reads_all = v.is_operator() || v.access_code() == ProgramRole::Funder.code();
    let (markets, partners) = if reads_all {
        let members = state.store.program_members(v.program.id).await?;
        let of = |role| {
            members
                .iter()
                .filter(|p| p.role == role)
                .map(|p| (p.org.0, p.name.clone()))
                .collect::<Vec<_>>()
        };
        (of(ProgramRole::Market), of(ProgramRole::Partner))
    } else {
        (Vec::new(), Vec::new())
    };
    let page = LogPage {
        page: m.ctx,
        v,
        q,
        kinds: KINDS.to_vec(),
        markets,
        partners,
        rows,
        older,
    };
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}

fn log_download(
    p: &Ctx,
    v: &ProgramView,
    q: &LogQuery,
    rows: &[Transaction],
    id: ProgramId,
) -> Result<Response, PageError> {
    let lang = p.i18n.lang.code();
    let mut table = Table::new(
        [
            "log-at",
            "log-kind",
            "field-group",
            "log-amount",
            "log-card",
            "log-participant",
            "field-partner",
            "report-market",
            "log-register",
            "log-sale",
            "field-reason",
            "log-actor",
        ]
        .iter()
        .map(|k| p.t(k))
        .collect(),
    );
    for r in rows {
        table.push_cells(vec![
            Cell::datetime(
                halles_core::coupons::local_datetime(r.at),
                p.i18n.datetime(&r.at),
            ),
            Cell::text(p.label("log-kind", r.kind.code())),
            Cell::text(v.group_name(lang, r.group)),
            Cell::money(r.amount),
            Cell::text(r.card.clone()),
            Cell::text(r.participant.clone().unwrap_or_default()),
            Cell::text(r.partner.clone().unwrap_or_default()),
            Cell::text(r.market.clone().unwrap_or_default()),
            Cell::text(r.register.clone().unwrap_or_default()),
            Cell::text(r.redemption.map(|s| s.to_string()).unwrap_or_default()),
            Cell::text(r.reason.clone()),
            Cell::text(r.actor.clone().unwrap_or_default()),
        ]);
    }
    download(
        p,
        table.with_total(p.t("report-total")),
        &q.format,
        &p.t("log-title"),
        &format!("mouvements-{id}"),
    )
}

#[derive(Template)]
#[template(path = "balances.html")]
struct BalancesPage {
    page: Ctx,
    v: ProgramView,
    rows: Vec<CardBalance>,
    total: Cents,
}

impl BalancesPage {
    fn group(&self, id: &ProductGroupId) -> String {
        self.v.group_name(self.page.i18n.lang.code(), *id)
    }
}

/// The balance of every card that holds money (the operator; a partner for its participants'
/// cards); `format=csv|xlsx` downloads it, one column per product group.
pub async fn balances(
    paths::Balances(_, id): paths::Balances,
    State(state): State<AppState>,
    m: Member,
    Query(f): Query<FormatQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let rows = state
        .store
        .card_balance_report(&m.scope, v.program.id)
        .await?;
    let total = Cents(rows.iter().map(|r| r.total().0).sum());
    if f.format == "csv" || f.format == "xlsx" {
        let p = &m.ctx;
        let lang = p.i18n.lang.code();
        let mut head: Vec<String> = [
            "log-card",
            "field-status",
            "log-participant",
            "field-partner",
        ]
        .iter()
        .map(|k| p.t(k))
        .collect();
        head.extend(v.groups.iter().map(|g| g.name(lang).to_owned()));
        head.push(p.t("report-total"));
        let mut table = Table::new(head);
        for r in &rows {
            let mut line = vec![
                Cell::text(r.card.clone()),
                Cell::text(p.label("card-status", r.status.code())),
                Cell::text(r.participant.clone().unwrap_or_default()),
                Cell::text(r.partner.clone().unwrap_or_default()),
            ];
            line.extend(v.groups.iter().map(|g| {
                Cell::money(
                    r.balances
                        .iter()
                        .find(|(id, _)| *id == g.id)
                        .map(|(_, c)| *c)
                        .unwrap_or(Cents(0)),
                )
            }));
            line.push(Cell::money(r.total()));
            table.push_cells(line);
        }
        return download(
            p,
            table.with_total(p.t("report-total")),
            &f.format,
            &p.t("balances-title"),
            &format!("soldes-{id}"),
        );
    }
    let page = BalancesPage {
        page: m.ctx,
        v,
        rows,
        total,
    };
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}
