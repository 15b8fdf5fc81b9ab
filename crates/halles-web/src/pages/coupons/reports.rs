//! Food-coupon reports in the web UI: totals by dimension, reach, envelopes, with CSV and XLSX
//! downloads.

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
use halles_docs::Table;
use halles_store::coupons::{Dimension, Reach, ReportFilter, ReportRow, Totals};
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
        reach,
        partner_reach,
        envelopes,
    };
    if q.format == "csv" || q.format == "xlsx" {
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
            ]
            .iter()
            .map(|k| p.t(k))
            .collect(),
        );
        let cents = |c: Cents| c.plain();
        for r in page.rows.iter() {
            let t = &r.totals;
            table.push(vec![
                page.label(r),
                cents(t.loaded),
                cents(t.adjusted),
                cents(t.spent),
                cents(t.refunded),
                cents(t.expired),
                cents(t.remaining()),
                cents(t.net_spent()),
            ]);
        }
        let t = &page.totals;
        table.push(vec![
            p.t("report-total"),
            cents(t.loaded),
            cents(t.adjusted),
            cents(t.spent),
            cents(t.refunded),
            cents(t.expired),
            cents(t.remaining()),
            cents(t.net_spent()),
        ]);
        return download(
            p,
            table,
            &q.format,
            &p.t("report-title"),
            &format!("rapport-{id}-{}{}", page.by, market_suffix(filter.market)),
        );
    }
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}
