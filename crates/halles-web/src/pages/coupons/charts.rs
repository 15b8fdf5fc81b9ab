//! Charts of the reports page: spending (sales less refunds) by month, by market and by product
//! group, drawn as SVG on the server (no script, no external asset). Each chart has a title
//! and a description for assistive technology, and the page puts its figures in a table beside
//! it. The geometry is computed here; the template only writes the elements.

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::PageError;
use crate::pages::coupons::programs::ProgramView;
use halles_core::ProductGroupId;
use halles_core::money::Cents;
use halles_store::coupons::{Dimension, ReportFilter, ReportRow};

/// Width of the drawing, in SVG units.
pub const WIDTH: i64 = 640;
/// Where bars start (labels end just before).
const BAR_X: i64 = 210;
/// The longest bar.
const BAR_MAX: i64 = 300;
/// Height of one bar's row.
const ROW: i64 = 28;
/// Characters of a label drawn in the chart (the table beside has it whole).
const LABEL_CHARS: usize = 30;

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Its label, whole.
    pub label: String,
    /// Its label as drawn (shortened).
    pub short: String,
    /// The amount, formatted for the viewer.
    pub amount: String,
    /// Top of the bar.
    pub y: i64,
    /// Baseline of its texts.
    pub text_y: i64,
    /// Its length (zero for nothing or a net refund).
    pub width: i64,
    /// Where the amount is written, after the bar.
    pub value_x: i64,
}

/// A bar chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The element id prefix (`freport-chart-month`...).
    pub id: &'static str,
    /// Its title.
    pub title: String,
    /// What it shows, for assistive technology.
    pub desc: String,
    /// Its bars, top to bottom.
    pub bars: Vec<Bar>,
    /// Height of the drawing.
    pub height: i64,
    /// The header of the label column of its table.
    pub column: String,
}

impl Chart {
    /// A chart of `(label, amount)`, bars scaled to the largest amount.
    pub fn new(
        p: &Ctx,
        id: &'static str,
        title: String,
        column: String,
        data: Vec<(String, Cents)>,
    ) -> Chart {
        let max = data.iter().map(|(_, c)| c.0).max().unwrap_or(0).max(1);
        let bars: Vec<Bar> = data
            .into_iter()
            .enumerate()
            .map(|(i, (label, c))| {
                let i = i64::try_from(i).unwrap_or(i64::MAX / ROW - 1);
                let width =
                    i64::try_from(i128::from(c.0.max(0)) * i128::from(BAR_MAX) / i128::from(max))
                        .unwrap_or(BAR_MAX);
                let short = if label.chars().count() > LABEL_CHARS {
                    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
                    format!("{cut}…")
                } else {
                    label.clone()
                };
                Bar {
                    short,
                    label,
                    amount: p.money(c),
                    y: i * ROW + 5,
                    text_y: i * ROW + 19,
                    width,
                    value_x: BAR_X + width + 6,
                }
            })
            .collect();
        let height = (i64::try_from(bars.len()).unwrap_or(0) * ROW).max(ROW) + 6;
        let desc = p.ta(
            "freport-chart-desc",
            [("n", bars.len().to_string()), ("title", title.clone())],
        );
        Chart {
            id,
            title,
            desc,
            bars,
            height,
            column,
        }
    }

    /// Where bars start, for the template.
    pub fn bar_x(&self) -> i64 {
        BAR_X
    }

    /// Where labels end, for the template.
    pub fn label_x(&self) -> i64 {
        BAR_X - 8
    }

    /// The drawing's width, for the template.
    pub fn width(&self) -> i64 {
        WIDTH
    }
}

/// Spending net of refunds of each row, without the rows of entries that have no key (loads
/// have no market).
fn spending(rows: &[ReportRow], label: impl Fn(&ReportRow, i64) -> String) -> Vec<(String, Cents)> {
    rows.iter()
        .filter_map(|r| r.key.map(|k| (label(r, k), r.totals.net_spent())))
        .collect()
}

/// The three charts of the reports page over the report's period and market.
pub(crate) async fn spending_charts(
    state: &AppState,
    p: &Ctx,
    v: &ProgramView,
    filter: ReportFilter,
) -> Result<Vec<Chart>, PageError> {
    let lang = p.i18n.lang.code();
    let months = state.store.report_by_month(&v.scope, filter).await?;
    let markets = state
        .store
        .report(&v.scope, Some(Dimension::Market), filter)
        .await?;
    let groups = state
        .store
        .report(&v.scope, Some(Dimension::ProductGroup), filter)
        .await?;
    Ok(vec![
        Chart::new(
            p,
            "freport-chart-month",
            p.t("freport-chart-month"),
            p.t("freport-month"),
            spending(&months, |r, _| {
                r.period_start
                    .map(|d| p.i18n.month(d))
                    .unwrap_or_else(|| r.label.clone())
            }),
        ),
        Chart::new(
            p,
            "freport-chart-market",
            p.t("freport-chart-market"),
            p.t("report-market"),
            spending(&markets, |r, _| r.label.clone()),
        ),
        Chart::new(
            p,
            "freport-chart-group",
            p.t("freport-chart-group"),
            p.t("field-group"),
            spending(&groups, |_, k| v.group_name(lang, ProductGroupId(k))),
        ),
    ])
}
