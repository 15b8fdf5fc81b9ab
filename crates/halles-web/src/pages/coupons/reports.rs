//! Food-coupon reports in the web UI: totals and counts by dimension, reach, envelopes and
//! their history, charts of spending, with CSV and XLSX downloads (typed cells and a total
//! row in workbooks).

use crate::AppState;
use crate::ctx::{Ctx, Member};
use crate::errors::{PageError, render};
use crate::pages::coupons::programs::{ProgramView, view};
use crate::pages::download;
use crate::pages::paths;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::coupons::{ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::{OrgId, ParticipantTypeId, ProductGroupId};
use halles_docs::{Cell, Table};
use halles_store::coupons::{
    Counts, Dimension, EnvelopeMove, HistoryOf, Reach, ReportFilter, ReportRow, Totals,
};
use jiff::civil::Date;
use serde::Deserialize;

// ---------- reports ----------

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: Ctx,
    v: ProgramView,
    by: String,
    from: String,
    to: String,
    dimensions: Vec<Dimension>,
    /// The program's markets, for the market filter (empty for a market, which sees its own).
    markets: Vec<(i64, String)>,
    market: i64,
    rows: Vec<ReportRow>,
    totals: Totals,
    counts: Counts,
    charts: Vec<super::charts::Chart>,
    /// Whether the viewer may receive the monthly report (the operator's and funders' members),
    /// and whether they do.
    monthly: Option<bool>,
    reach: Option<Reach>,
    /// Reach per partner organization (the operator and funders).
    partner_reach: Vec<(String, Reach)>,
    envelopes: Vec<halles_store::coupons::EnvelopeRow>,
}

impl ReportPage {
    fn label(&self, r: &ReportRow) -> String {
        let lang = self.page.i18n.lang.code();
        match (self.by.as_str(), r.key) {
            (_, None) => self.page.t("report-none"),
            ("product_group", Some(k)) => self.v.group_name(lang, ProductGroupId(k)),
            ("participant_type", Some(k)) => self.v.type_name(lang, ParticipantTypeId(k)),
            ("period", Some(_)) => match self.v.program.report_period {
                ReportPeriod::Month => r.label.chars().take(7).collect(),
                ReportPeriod::Week => self.page.ta("report-week-of", [("date", r.label.clone())]),
                ReportPeriod::Day => r.label.clone(),
            },
            _ => r.label.clone(),
        }
    }
}

/// The report's query: dimension, period, format.
#[derive(Debug, Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    by: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    market: String,
    #[serde(default)]
    format: String,
}

/// A download format.
#[derive(Debug, Deserialize, Default)]
pub struct FormatQuery {
    /// `csv` or `xlsx`.
    #[serde(default)]
    pub format: String,
}

fn filter_of(q: &ReportQuery) -> ReportFilter {
    ReportFilter {
        from: q
            .from
            .parse::<Date>()
            .ok()
            .map(halles_core::coupons::start_of),
        until: q
            .to
            .parse::<Date>()
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .map(halles_core::coupons::start_of),
        market: q.market.parse().ok().filter(|m| *m > 0).map(OrgId),
    }
}

/// `-marche-{id}` in a download's name when the report is one market's.
fn market_suffix(market: Option<OrgId>) -> String {
    market.map(|m| format!("-marche-{m}")).unwrap_or_default()
}

/// The program's report: totals by a dimension over a period; `format=csv|xlsx` downloads it.
pub async fn report(
    paths::Report(_, id): paths::Report,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let by = Dimension::parse(&q.by).unwrap_or(Dimension::ProductGroup);
    let filter = filter_of(&q);
    let rows = state.store.report(&v.scope, Some(by), filter).await?;
    let totals = state.store.report_totals(&v.scope, filter).await?;
    let counts = state.store.report_counts(&v.scope, filter).await?;
    let reach = if v.is_market() {
        None
    } else {
        Some(state.store.reach(&v.scope, filter).await?)
    };
    let envelopes = if v.is_market() {
        Vec::new()
    } else {
        state.store.envelope_report(&v.scope).await?
    };
    let partner_reach = if v.is_operator() || v.access_code() == ProgramRole::Funder.code() {
        state.store.reach_by_partner(&v.scope, filter).await?
    } else {
        Vec::new()
    };
    let markets = if v.is_market() {
        Vec::new()
    } else {
        state
            .store
            .program_members(v.program.id)
            .await?
            .into_iter()
            .filter(|p| p.role == ProgramRole::Market)
            .map(|p| (p.org.0, p.name))
            .collect()
    };
    let page = ReportPage {
        page: m.ctx,
        v,
        by: by.code().to_owned(),
        from: q.from.clone(),
        to: q.to.clone(),
        dimensions: Dimension::ALL.to_vec(),
        markets,
        market: filter.market.map(|m| m.0).unwrap_or(0),
        rows,
        totals,
        counts,
        charts: Vec::new(),
        monthly: None,
        reach,
        partner_reach,
        envelopes,
    };
    if q.format == "csv" || q.format == "xlsx" {
        return report_download(&page, &q, id, filter.market);
    }
    let mut page = page;
    page.charts = super::charts::spending_charts(&state, &page.page, &page.v, filter).await?;
    page.monthly = super::monthly::subscribed(&state, &page.v).await?;
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}

/// The report as CSV or XLSX: amounts and counts typed, the total row last.
fn report_download(
    page: &ReportPage,
    q: &ReportQuery,
    id: halles_core::ProgramId,
    market: Option<OrgId>,
) -> Result<Response, PageError> {
    {
        let p = &page.page;
        let mut table = Table::new(
            [
                format!("report-by-{}", page.by).as_str(),
                "report-loaded",
                "report-adjusted",
                "report-spent",
                "report-refunded",
                "report-expired",
                "report-remaining",
                "report-owed",
                "freport-purchases",
                "freport-participants",
                "freport-cards",
                "freport-markets",
                "freport-basket",
            ]
            .iter()
            .map(|k| p.t(k))
            .collect(),
        );
        let line = |label: String, t: &Totals, c: &Counts| {
            vec![
                Cell::text(label),
                Cell::money(t.loaded),
                Cell::money(t.adjusted),
                Cell::money(t.spent),
                Cell::money(t.refunded),
                Cell::money(t.expired),
                Cell::money(t.remaining()),
                Cell::money(t.net_spent()),
                Cell::count(c.purchases),
                Cell::count(c.participants),
                Cell::count(c.cards),
                Cell::count(c.markets),
                Cell::money(c.average_basket(t.spent)),
            ]
        };
        for r in page.rows.iter() {
            table.push_cells(line(page.label(r), &r.totals, &r.counts));
        }
        // Distinct counts and the average do not add up row by row: the total row is the
        // program's own figures.
        table.push_total(line(p.t("report-total"), &page.totals, &page.counts));
        download(
            p,
            table,
            &q.format,
            &p.t("report-title"),
            &format!("rapport-{id}-{}{}", page.by, market_suffix(market)),
        )
    }
}

/// Which history the envelope history page shows, and its download format.
#[derive(Debug, Deserialize, Default)]
pub struct HistoryQuery {
    /// An envelope's id, or `reserve`.
    #[serde(default)]
    envelope: String,
    /// `csv` or `xlsx`.
    #[serde(default)]
    format: String,
}

#[derive(Template)]
#[template(path = "envelope_history.html")]
struct HistoryPage {
    page: Ctx,
    v: ProgramView,
    /// Whose envelope (the partner and the schedule), or the reserve.
    title: String,
    envelope: String,
    moves: Vec<EnvelopeMove>,
}

/// The history of an envelope or of the program's reserve: each funding, load drawn, return
/// and correction with the running balance; `format=csv|xlsx` downloads it.
pub async fn envelope_history(
    paths::EnvelopeHistory(_, id): paths::EnvelopeHistory,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let of = if q.envelope == "reserve" {
        HistoryOf::Reserve
    } else {
        HistoryOf::Envelope(halles_core::EnvelopeId(q.envelope.parse().map_err(
            |_| {
                PageError::new(
                    axum::http::StatusCode::NOT_FOUND,
                    m.ctx.i18n.lang,
                    "err-not-found",
                )
            },
        )?))
    };
    let moves = state.store.envelope_history(&v.scope, of).await?;
    let p = &m.ctx;
    let title = match of {
        HistoryOf::Reserve => p.t("reserve-name"),
        HistoryOf::Envelope(e) => {
            let schedules = state.store.schedules(&v.scope).await?;
            state
                .store
                .envelopes(&v.scope, None)
                .await?
                .into_iter()
                .find(|x| x.id == e)
                .map(|x| {
                    let schedule = schedules
                        .iter()
                        .find(|s| s.id == x.schedule)
                        .map(|s| s.name.clone())
                        .unwrap_or_default();
                    format!("{} · {schedule}", x.partner_name)
                })
                .unwrap_or_default()
        }
    };
    if q.format == "csv" || q.format == "xlsx" {
        let mut table = Table::new(
            [
                "log-at",
                "freport-move",
                "log-amount",
                "freport-entries",
                "freport-balance",
            ]
            .iter()
            .map(|k| p.t(k))
            .collect(),
        );
        for x in &moves {
            table.push_cells(vec![
                Cell::datetime(
                    halles_core::coupons::local_datetime(x.at),
                    p.i18n.datetime(&x.at),
                ),
                Cell::text(p.label("freport-move", x.kind.code())),
                Cell::money(x.amount),
                Cell::count(x.entries),
                Cell::money(x.balance),
            ]);
        }
        let end = moves.last().map(|x| x.balance).unwrap_or(Cents(0));
        table.push_total(vec![
            Cell::text(p.t("report-total")),
            Cell::text(String::new()),
            Cell::money(Cents(moves.iter().map(|x| x.amount.0).sum())),
            Cell::count(moves.iter().map(|x| x.entries).sum()),
            Cell::money(end),
        ]);
        return download(
            p,
            table,
            &q.format,
            &p.t("freport-history-title"),
            &format!("enveloppe-{id}-{}", q.envelope),
        );
    }
    let page = HistoryPage {
        page: m.ctx,
        v,
        title,
        envelope: q.envelope,
        moves,
    };
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}
