//! The fulfilment documents in the reader's language, built from the store's records and drawn
//! by `halles-docs`: purchase orders, pick lists (by producer, by product), packing lists (by
//! buyer), drivers' manifests, case labels, producers' product labels, and how labels come out
//! (PDF on letter or 4 × 6 in stock, or ZPL). The pages and the API print the same documents.

use crate::i18n::I18n;
use halles_core::catalog::SaleUnit;
use halles_core::quantity::Qty;
use halles_docs::{
    Align, CaseCode, CaseLabel, Column, DocTable, Document, LabelError, LabelStock, LabelText,
    ProductLabel, Section,
};
use halles_store::hub::cycles::Cycle;
use halles_store::hub::fulfilment::labels::LabelledProduct;
use halles_store::hub::fulfilment::packing::PackingOrder;
use halles_store::hub::fulfilment::purchase_orders::PurchaseOrder;
use halles_store::hub::fulfilment::routes::Stop;
use jiff::civil::Date;

fn col(title: String, width: f32, align: Align, checkbox: bool) -> Column {
    Column {
        title,
        width,
        align,
        checkbox,
    }
}

/// The day as the documents print it, or "—" for a cycle without delivery days.
fn day_text(i18n: &I18n, day: Option<Date>) -> String {
    day.map_or_else(|| "—".to_owned(), |d| i18n.day(&d))
}

/// Page numbers and footer, the same on every document.
fn frame(i18n: &I18n, hub: &str, title: String, lines: Vec<String>) -> Document {
    Document {
        title,
        lines,
        sections: Vec::new(),
        footer: hub.to_owned(),
        page_label: i18n.t("doc-page-of"),
    }
}

/// A producer's purchase order: what to harvest and bring, for which day.
pub fn purchase_order(i18n: &I18n, hub: &str, cycle: &Cycle, po: &PurchaseOrder) -> Document {
    let prefix = i18n.t("po-prefix");
    let mut doc = frame(
        i18n,
        hub,
        i18n.ta("po-doc-title", &[("number", po.number(&prefix))]),
        vec![
            i18n.ta("po-doc-producer", &[("producer", po.producer_name.clone())]),
            i18n.ta("po-doc-hub", &[("hub", hub.to_owned())]),
            i18n.ta(
                "po-doc-cycle",
                &[
                    ("cycle", cycle.name.clone()),
                    ("day", day_text(i18n, po.delivery_day)),
                ],
            ),
            match &po.issued {
                Some(i) => i18n.ta(
                    "po-doc-revision",
                    &[
                        ("revision", i.revision.to_string()),
                        ("at", i18n.datetime(&i.issued_at)),
                    ],
                ),
                None => i18n.t("po-doc-not-issued"),
            },
        ],
    );
    let rows = po
        .lines
        .iter()
        .map(|l| {
            vec![
                String::new(),
                l.name(i18n.lang).to_owned(),
                l.unit_detail.clone(),
                i18n.qty_unit(l.quantity, l.unit),
                i18n.money(l.amount),
            ]
        })
        .collect();
    doc.sections.push(Section {
        heading: i18n.t("po-doc-lines"),
        lines: Vec::new(),
        table: Some(DocTable {
            columns: vec![
                col(String::new(), 0.5, Align::Left, true),
                col(i18n.t("col-product"), 4.0, Align::Left, false),
                col(i18n.t("col-unit-detail"), 2.5, Align::Left, false),
                col(i18n.t("col-quantity"), 2.0, Align::Right, false),
                col(i18n.t("col-producer-amount"), 2.0, Align::Right, false),
            ],
            rows,
            totals: Some(vec![
                String::new(),
                i18n.t("col-total"),
                String::new(),
                String::new(),
                i18n.money(po.total()),
            ]),
        }),
    });
    doc
}

/// A product of the pick list: its name, unit, total and one row per order.
type ProductSplit = (
    String,
    halles_core::catalog::SaleUnit,
    halles_core::quantity::Qty,
    Vec<Vec<String>>,
);

/// The pick list of a day: what each producer brings, then each product's total split by
/// buyer.
pub fn pick_list(
    i18n: &I18n,
    hub: &str,
    cycle: &Cycle,
    day: Option<Date>,
    pos: &[PurchaseOrder],
    orders: &[PackingOrder],
) -> Document {
    let mut doc = frame(
        i18n,
        hub,
        i18n.t("pick-doc-title"),
        vec![
            hub.to_owned(),
            i18n.ta(
                "po-doc-cycle",
                &[("cycle", cycle.name.clone()), ("day", day_text(i18n, day))],
            ),
        ],
    );
    for po in pos.iter().filter(|p| p.delivery_day == day) {
        doc.sections.push(Section {
            heading: i18n.ta(
                "pick-doc-producer",
                &[("producer", po.producer_name.clone())],
            ),
            lines: Vec::new(),
            table: Some(DocTable {
                columns: vec![
                    col(String::new(), 0.5, Align::Left, true),
                    col(i18n.t("col-product"), 5.0, Align::Left, false),
                    col(i18n.t("col-quantity"), 2.0, Align::Right, false),
                ],
                rows: po
                    .lines
                    .iter()
                    .map(|l| {
                        vec![
                            String::new(),
                            l.name(i18n.lang).to_owned(),
                            i18n.qty_unit(l.quantity, l.unit),
                        ]
                    })
                    .collect(),
                totals: None,
            }),
        });
    }
    // By product: the total, then how it splits between the orders (grouped in one pass).
    let mut by_product: std::collections::BTreeMap<(String, &'static str), ProductSplit> =
        std::collections::BTreeMap::new();
    for o in orders {
        for l in &o.order.lines {
            let name = l.name(i18n.lang);
            let e = by_product
                .entry((name.to_lowercase(), l.product.unit.code()))
                .or_insert_with(|| {
                    (
                        name.to_owned(),
                        l.product.unit,
                        halles_core::quantity::Qty::ZERO,
                        Vec::new(),
                    )
                });
            e.2 = e.2.checked_add(l.quantity).unwrap_or(e.2);
            e.3.push(vec![
                String::new(),
                o.order.buyer_name.clone(),
                i18n.qty_unit(l.quantity, l.product.unit),
            ]);
        }
    }
    for (_, (name, unit, total, rows)) in by_product {
        doc.sections.push(Section {
            heading: i18n.ta(
                "pick-doc-product",
                &[("product", name), ("total", i18n.qty_unit(total, unit))],
            ),
            lines: Vec::new(),
            table: Some(DocTable {
                columns: vec![
                    col(String::new(), 0.5, Align::Left, true),
                    col(i18n.t("col-buyer"), 5.0, Align::Left, false),
                    col(i18n.t("col-quantity"), 2.0, Align::Right, false),
                ],
                rows,
                totals: None,
            }),
        });
    }
    doc
}

/// The packing list of a day: one document per order, by buyer, with each line's lots and
/// weights.
pub fn packing_list<'a>(
    i18n: &'a I18n,
    hub: &'a str,
    cycle: &'a Cycle,
    orders: &'a [PackingOrder],
) -> impl Iterator<Item = Document> + 'a {
    orders.iter().map(move |o| {
        let mut doc = frame(
            i18n,
            hub,
            i18n.ta(
                "pack-doc-title",
                &[
                    ("buyer", o.order.buyer_name.clone()),
                    ("number", o.order.id.to_string()),
                ],
            ),
            vec![
                hub.to_owned(),
                i18n.ta(
                    "po-doc-cycle",
                    &[
                        ("cycle", cycle.name.clone()),
                        ("day", day_text(i18n, o.order.delivery_day)),
                    ],
                ),
            ],
        );
        if !o.order.note.is_empty() {
            doc.lines
                .push(i18n.ta("pack-doc-note", &[("note", o.order.note.clone())]));
        }
        let rows = o
            .order
            .lines
            .iter()
            .map(|l| {
                let lots = lot_codes(o, l.id);
                let weight = o
                    .weights
                    .get(&l.id)
                    .map(|(w, _)| {
                        w.iter()
                            .map(|g| format!("{g} g"))
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .unwrap_or_default();
                let case = o
                    .cases
                    .iter()
                    .find(|c| c.lines.contains(&l.id))
                    .map(|c| c.number.to_string())
                    .unwrap_or_default();
                vec![
                    String::new(),
                    l.name(i18n.lang).to_owned(),
                    l.product.producer_name.clone(),
                    i18n.qty_unit(l.quantity, l.product.unit),
                    lots,
                    weight,
                    case,
                ]
            })
            .collect();
        doc.sections.push(Section {
            heading: i18n.t("pack-doc-lines"),
            lines: Vec::new(),
            table: Some(DocTable {
                columns: vec![
                    col(String::new(), 0.5, Align::Left, true),
                    col(i18n.t("col-product"), 3.5, Align::Left, false),
                    col(i18n.t("col-producer"), 2.5, Align::Left, false),
                    col(i18n.t("col-quantity"), 1.6, Align::Right, false),
                    col(i18n.t("col-lots"), 2.0, Align::Left, false),
                    col(i18n.t("col-weights"), 2.2, Align::Left, false),
                    col(i18n.t("col-case"), 0.9, Align::Right, false),
                ],
                rows,
                totals: None,
            }),
        });
        doc
    })
}

/// A driver's manifest: the stops in order, with cases, contact and instructions.
pub fn manifest(
    i18n: &I18n,
    hub: &str,
    cycle: &Cycle,
    route: &str,
    day: Option<Date>,
    stops: &[Stop],
) -> Document {
    let mut doc = frame(
        i18n,
        hub,
        i18n.ta("manifest-doc-title", &[("route", route.to_owned())]),
        vec![
            hub.to_owned(),
            i18n.ta(
                "po-doc-cycle",
                &[("cycle", cycle.name.clone()), ("day", day_text(i18n, day))],
            ),
        ],
    );
    let rows = stops
        .iter()
        .map(|s| {
            let mut details = vec![s.details.address.clone()];
            if !s.details.contact.is_empty() {
                details.push(s.details.contact.clone());
            }
            if !s.details.instructions.is_empty() {
                details.push(s.details.instructions.clone());
            }
            if !s.order_note.is_empty() {
                details.push(s.order_note.clone());
            }
            vec![
                s.number.to_string(),
                s.buyer_name.clone(),
                details.join(" — "),
                s.cases.to_string(),
                String::new(),
            ]
        })
        .collect();
    doc.sections.push(Section {
        heading: i18n.t("manifest-doc-stops"),
        lines: Vec::new(),
        table: Some(DocTable {
            columns: vec![
                col(i18n.t("col-stop"), 0.7, Align::Right, false),
                col(i18n.t("col-buyer"), 3.0, Align::Left, false),
                col(i18n.t("col-delivery-details"), 5.0, Align::Left, false),
                col(i18n.t("col-cases"), 1.0, Align::Right, false),
                col(i18n.t("col-received-by"), 2.5, Align::Left, true),
            ],
            rows,
            totals: Some(vec![
                String::new(),
                i18n.t("col-total"),
                String::new(),
                stops.iter().map(|s| s.cases).sum::<i64>().to_string(),
                String::new(),
            ]),
        }),
    });
    doc
}

/// The lot codes set aside for a line, as printed: "CAR-49, L261204-57".
fn lot_codes(o: &PackingOrder, line: halles_core::OrderLineId) -> String {
    o.lots
        .get(&line)
        .map(|v| {
            v.iter()
                .map(|(code, _)| code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// Where an order stops, for its labels: "Route Nord · arrêt 3".
pub type StopOf = std::collections::HashMap<halles_core::OrderId, (String, i64)>;

/// The route and stop of each of these orders that has one, for their labels (pages and API):
/// one read per cycle (they are of one cycle), whatever the number of orders.
pub async fn stops_of(
    store: &halles_store::Store,
    hs: &halles_store::hub::HubScope,
    orders: &[PackingOrder],
) -> halles_store::StoreResult<StopOf> {
    let cycles: std::collections::BTreeSet<_> = orders.iter().map(|o| o.order.cycle).collect();
    let wanted: std::collections::HashSet<_> = orders.iter().map(|o| o.order.id).collect();
    let mut stops = StopOf::new();
    for cycle in cycles {
        let mut of_cycle = store.stops_of_cycle(hs, cycle).await?;
        of_cycle.retain(|order, _| wanted.contains(order));
        stops.extend(of_cycle);
    }
    Ok(stops)
}

/// The labels of every packed case of these orders.
pub fn case_labels(
    i18n: &I18n,
    hub: &str,
    orders: &[PackingOrder],
    stops: &StopOf,
) -> Vec<CaseLabel> {
    let mut out = Vec::new();
    for o in orders {
        for c in &o.cases {
            let lines = o
                .order
                .lines
                .iter()
                .filter(|l| c.lines.contains(&l.id))
                .map(|l| {
                    let lots = lot_codes(o, l.id);
                    let mut text = format!(
                        "{} {}",
                        i18n.qty_unit(l.quantity, l.product.unit),
                        l.name(i18n.lang)
                    );
                    if !lots.is_empty() {
                        text.push_str(&format!(" ({} {lots})", i18n.t("label-lot")));
                    }
                    text
                })
                .collect();
            out.push(CaseLabel {
                hub: hub.to_owned(),
                buyer: o.order.buyer_name.clone(),
                delivery_day: day_text(i18n, o.order.delivery_day),
                route_stop: stops
                    .get(&o.order.id)
                    .map(|(route, n)| {
                        i18n.ta(
                            "label-route-stop",
                            &[("route", route.clone()), ("stop", n.to_string())],
                        )
                    })
                    .unwrap_or_default(),
                case_of: i18n.ta(
                    "label-case-of",
                    &[("n", c.number.to_string()), ("of", c.of.to_string())],
                ),
                lines,
                code: match &c.sscc {
                    Some(s) => CaseCode::Sscc(s.clone()),
                    None => CaseCode::Plain(c.code.clone()),
                },
            });
        }
    }
    out
}

/// Producers' product labels in the reader's language: one per lot received and one per
/// weighed unit (see `halles_store::hub::fulfilment::labels`). The packing day is GS1's (13).
pub fn product_labels(i18n: &I18n, labels: &[LabelledProduct]) -> Vec<ProductLabel> {
    let text = LabelText {
        lot: i18n.t("plabel-lot"),
        packed_on: i18n.t("plabel-packed-on"),
        best_before: i18n.t("plabel-best-before"),
        price_per_kg: i18n.t("plabel-price-per-kg"),
        weight: i18n.t("plabel-weight"),
        price: i18n.t("plabel-price"),
    };
    labels
        .iter()
        .map(|l| ProductLabel {
            name: l.name(i18n.lang).to_owned(),
            producer: l.producer_name.clone(),
            weight: match (l.weight_g, l.quantity) {
                (Some(g), _) => Some(i18n.qty_unit(Qty(g), SaleUnit::Kg)),
                (None, Some((q, unit))) => Some(i18n.qty_unit(q, unit)),
                (None, None) => None,
            },
            price_per_kg: l.kg_price.map(|c| i18n.money(c)),
            price: l.price.map(|c| i18n.money(c)),
            packed_on: i18n.day(&l.packed_on),
            best_before: l.best_before.map(|d| i18n.day(&d)),
            lot: l.lot.clone().unwrap_or_default(),
            gtin: l.gtin.clone(),
            pack_date: Some(l.packed_on),
            labels_text: text.clone(),
        })
        .collect()
}

/// How labels come out: PDF on letter sheets of 2 × 5, PDF of one 4 × 6 in label a page, or
/// ZPL for Zebra printers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelOutput {
    /// PDF, letter sheets of 2 × 5.
    Letter,
    /// PDF, 4 × 6 in.
    Thermal,
    /// ZPL, 4 × 6 in at 203 dpi.
    Zpl,
}

impl LabelOutput {
    /// From a query's `format` (`zpl`) and `stock` (`thermal`, or the pages' `thermique`).
    pub fn of(format: &str, stock: &str) -> LabelOutput {
        match (format, stock) {
            ("zpl", _) => LabelOutput::Zpl,
            (_, "thermal" | "thermique") => LabelOutput::Thermal,
            _ => LabelOutput::Letter,
        }
    }
}

/// Labels drawn: their bytes, content type and file extension.
pub struct Drawn {
    /// `application/pdf` or `text/plain; charset=utf-8` (ZPL).
    pub content_type: &'static str,
    /// The document.
    pub bytes: Vec<u8>,
    /// `pdf` or `zpl`.
    pub extension: &'static str,
}

fn drawn(
    out: LabelOutput,
    pdf: impl FnOnce(LabelStock) -> Result<Vec<u8>, LabelError>,
    zpl: impl FnOnce() -> Result<String, LabelError>,
) -> Result<Drawn, LabelError> {
    Ok(match out {
        LabelOutput::Zpl => Drawn {
            content_type: "text/plain; charset=utf-8",
            bytes: zpl()?.into_bytes(),
            extension: "zpl",
        },
        LabelOutput::Letter | LabelOutput::Thermal => Drawn {
            content_type: "application/pdf",
            bytes: pdf(if out == LabelOutput::Thermal {
                LabelStock::Thermal4x6
            } else {
                LabelStock::Letter2x5
            })?,
            extension: "pdf",
        },
    })
}

/// Case labels as the pages and the API print them.
pub fn draw_case_labels(labels: &[CaseLabel], out: LabelOutput) -> Result<Drawn, LabelError> {
    drawn(
        out,
        |stock| halles_docs::case_labels_pdf(labels, stock),
        || halles_docs::case_labels_zpl(labels),
    )
}

/// Product labels as the pages and the API print them.
pub fn draw_product_labels(labels: &[ProductLabel], out: LabelOutput) -> Result<Drawn, LabelError> {
    drawn(
        out,
        |stock| halles_docs::product_labels_pdf(labels, stock),
        || halles_docs::product_labels_zpl(labels),
    )
}
