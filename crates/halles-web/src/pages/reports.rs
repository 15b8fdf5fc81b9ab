//! Food-coupon reports in the web UI: totals by dimension, reach, envelopes, with CSV and XLSX
//! downloads.

use super::programs::{ProgramView, view};
use crate::AppState;
use crate::ctx::{Ctx, Member};
use crate::errors::{PageError, render};
use crate::pages::download;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use halles_core::money::Cents;
use halles_core::{ParticipantTypeId, ProductGroupId};
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
    rows: Vec<ReportRow>,
    totals: Totals,
    reach: Option<Reach>,
    envelopes: Vec<halles_store::coupons::EnvelopeRow>,
}

impl ReportPage {
    fn label(&self, r: &ReportRow) -> String {
        let lang = self.page.i18n.lang.code();
        match (self.by.as_str(), r.key) {
            (_, None) => self.page.t("report-none"),
            ("product_group", Some(k)) => self.v.group_name(lang, ProductGroupId(k)),
            ("participant_type", Some(k)) => self.v.type_name(lang, ParticipantTypeId(k)),
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
    }
}

/// The program's report: totals by a dimension over a period; `format=csv|xlsx` downloads it.
pub async fn report(
    State(state): State<AppState>,
    m: Member,
    Path((_, id)): Path<(i64, i64)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let by = Dimension::parse(&q.by).unwrap_or(Dimension::ProductGroup);
    let filter = filter_of(&q);
    let rows = state
        .store
        .report(&m.scope, v.program.id, Some(by), filter)
        .await?;
    let totals = state
        .store
        .report_totals(&m.scope, v.program.id, filter)
        .await?;
    let reach = if v.is_market() {
        None
    } else {
        Some(state.store.reach(&m.scope, v.program.id, filter).await?)
    };
    let envelopes = if v.is_market() {
        Vec::new()
    } else {
        state.store.envelope_report(&m.scope, v.program.id).await?
    };
    let page = ReportPage {
        page: m.ctx,
        v,
        by: by.code().to_owned(),
        from: q.from.clone(),
        to: q.to.clone(),
        dimensions: Dimension::ALL.to_vec(),
        rows,
        totals,
        reach,
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
            &format!("rapport-{id}-{}", page.by),
        );
    }
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}
