//! A cycle's lists as tables for CSV and XLSX downloads: orders, lines, and totals by product,
//! by producer and by buyer. The pages and the API build their downloads here, so both give the
//! same columns in the reader's language. Amounts and quantities are plain numbers (`12.50`,
//! `2.5`) that a spreadsheet adds up.

use crate::i18n::I18n;
use halles_docs::Table;
use halles_store::hub::HubScope;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::orders::{CycleTotals, Order};
use halles_store::{Store, StoreResult};
use serde::Deserialize;

/// A list of a cycle that downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CycleList {
    /// One row per order.
    Orders,
    /// One row per order line.
    Lines,
    /// Totals by product.
    Products,
    /// Totals by producer.
    Producers,
    /// Totals by buyer and pickup point or delivery zone.
    Buyers,
}

impl CycleList {
    /// Every list, in the order the page offers them.
    pub const ALL: [CycleList; 5] = [
        CycleList::Orders,
        CycleList::Lines,
        CycleList::Products,
        CycleList::Producers,
        CycleList::Buyers,
    ];

    /// The code in paths and translation keys.
    pub fn code(self) -> &'static str {
        match self {
            CycleList::Orders => "orders",
            CycleList::Lines => "lines",
            CycleList::Products => "products",
            CycleList::Producers => "producers",
            CycleList::Buyers => "buyers",
        }
    }

    /// The list named by a code.
    pub fn from_code(code: &str) -> Option<CycleList> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The sheet name and file name (without extension) of this list of a cycle.
    pub fn file_name(self, i18n: &I18n, cycle: &Cycle) -> (String, String) {
        let sheet = i18n.t(&format!("cycle-export-{}", self.code()));
        (sheet, format!("cycle-{}-{}", cycle.id, self.code()))
    }
}

fn header(i18n: &I18n, keys: &[&str]) -> Table {
    Table::new(
        keys.iter()
            .map(|k| i18n.t(&format!("cycle-col-{k}")))
            .collect(),
    )
}

fn location_name(cycle: &Cycle, o: &Order) -> String {
    o.location
        .and_then(|id| cycle.locations.iter().find(|l| l.id == id))
        .map(|l| l.input.name.clone())
        .unwrap_or_default()
}

/// What every list of a cycle is built from: its orders (every status) with their lines, read
/// once, and the totals of the placed ones computed from that one load.
pub async fn cycle_lists(
    store: &Store,
    hs: &HubScope,
    cycle: &Cycle,
) -> StoreResult<(Vec<Order>, CycleTotals)> {
    let orders = store
        .cycle_orders(hs, cycle.id, &Default::default())
        .await?;
    let totals = CycleTotals::of(cycle, &orders);
    Ok((orders, totals))
}

/// A delivery day as a spreadsheet reads it (YYYY-MM-DD; empty for orders kept from before
/// delivery days).
fn day_cell(day: Option<jiff::civil::Date>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// The table of one list of a cycle, from its orders (every status) and its totals.
pub fn cycle_table(
    i18n: &I18n,
    list: CycleList,
    cycle: &Cycle,
    orders: &[Order],
    totals: &CycleTotals,
) -> Table {
    let label = |prefix: &str, code: &str| i18n.t(&format!("{prefix}-{code}"));
    match list {
        CycleList::Orders => {
            let mut t = header(
                i18n,
                &[
                    "order",
                    "buyer",
                    "status",
                    "location",
                    "delivery_day",
                    "po",
                    "note",
                    "subtotal",
                    "fees",
                    "gst",
                    "qst",
                    "total",
                    "placed",
                ],
            );
            for o in orders {
                let taxes = o.taxes();
                t.push(vec![
                    o.id.to_string(),
                    o.buyer_name.clone(),
                    label("order-status", o.status.code()),
                    location_name(cycle, o),
                    day_cell(o.delivery_day),
                    o.po_number.clone(),
                    o.note.clone(),
                    o.subtotal().plain(),
                    o.fees.plain(),
                    taxes.gst.plain(),
                    taxes.qst.plain(),
                    o.total().plain(),
                    i18n.datetime(&o.created_at),
                ]);
            }
            t
        }
        CycleList::Lines => {
            let mut t = header(
                i18n,
                &[
                    "order",
                    "buyer",
                    "status",
                    "location",
                    "delivery_day",
                    "product",
                    "producer",
                    "quantity",
                    "unit",
                    "unit_price",
                    "line_total",
                    "tax_class",
                ],
            );
            for o in orders {
                for l in &o.lines {
                    t.push(vec![
                        o.id.to_string(),
                        o.buyer_name.clone(),
                        label("order-status", o.status.code()),
                        location_name(cycle, o),
                        day_cell(o.delivery_day),
                        l.name(i18n.lang).to_owned(),
                        l.product.producer_name.clone(),
                        l.quantity.plain(),
                        label("unit-short", l.product.unit.code()),
                        l.unit_price.plain(),
                        l.total().plain(),
                        label("tax", l.tax_class.code()),
                    ]);
                }
            }
            t
        }
        CycleList::Products => {
            let mut t = header(
                i18n,
                &[
                    "product",
                    "producer",
                    "quantity",
                    "unit",
                    "producer_amount",
                    "buyer_amount",
                ],
            );
            for p in &totals.by_product {
                t.push(vec![
                    p.name(i18n.lang).to_owned(),
                    p.product.producer_name.clone(),
                    p.quantity.plain(),
                    label("unit-short", p.product.unit.code()),
                    p.producer_amount.plain(),
                    p.buyer_amount.plain(),
                ]);
            }
            t
        }
        CycleList::Producers => {
            let mut t = header(i18n, &["producer", "producer_amount", "buyer_amount"]);
            for p in &totals.by_producer {
                t.push(vec![
                    p.name.clone(),
                    p.producer_amount.plain(),
                    p.buyer_amount.plain(),
                ]);
            }
            t
        }
        CycleList::Buyers => {
            let mut t = header(
                i18n,
                &[
                    "buyer",
                    "delivery_day",
                    "location",
                    "orders",
                    "subtotal",
                    "fees",
                    "taxes",
                    "total",
                ],
            );
            for b in &totals.by_buyer {
                t.push(vec![
                    b.name.clone(),
                    day_cell(b.delivery_day),
                    b.location_name.clone(),
                    b.orders.to_string(),
                    b.subtotal.plain(),
                    b.fees.plain(),
                    b.taxes.plain(),
                    b.total.plain(),
                ]);
            }
            t
        }
    }
}

/// The download's format, `csv` (the default) or `xlsx`.
#[derive(Debug, Default, Deserialize)]
pub struct FormatQuery {
    #[serde(default)]
    format: String,
}

/// Downloads one list of a cycle as CSV or XLSX (`?format=xlsx`), in the viewer's language.
pub async fn download(
    crate::pages::paths::CycleExport(_, halles_core::CycleId(id), list): crate::pages::paths::CycleExport,
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    m: crate::ctx::Member,
    axum::extract::Query(q): axum::extract::Query<FormatQuery>,
) -> Result<axum::response::Response, crate::errors::PageError> {
    let list = CycleList::from_code(&list).ok_or_else(|| {
        crate::errors::PageError::new(
            axum::http::StatusCode::NOT_FOUND,
            m.ctx.i18n.lang,
            "err-not-found",
        )
    })?;
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, halles_core::CycleId(id)).await?;
    let (orders, totals) = cycle_lists(&state.store, &hs, &cycle).await?;
    let table = cycle_table(&m.ctx.i18n, list, &cycle, &orders, &totals);
    let (sheet, name) = list.file_name(&m.ctx.i18n, &cycle);
    crate::pages::download(&m.ctx, table, &q.format, &sheet, &name)
}
