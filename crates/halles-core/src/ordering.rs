//! Order cycles and orders: their states and what may change when.

use crate::catalog::coded_enum;
use crate::limits::{
    MAX_DELIVERY_DAYS, MAX_DELIVERY_DAYS_AHEAD, MAX_ORDER_LINES, MAX_ORDER_NOTE, MAX_PO_NUMBER,
};
use crate::organizations::UnknownCode;
use crate::refusals::Refusal;
use crate::validation::Validator;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

coded_enum!(
    /// The life of an order cycle.
    CycleStatus {
        /// Being prepared: producers may post availability, buyers cannot order yet.
        Draft => "draft",
        /// Buyers order until the cut-off.
        Open => "open",
        /// Past the cut-off: the hub prepares purchase orders.
        Closed => "closed",
        /// Delivered and done.
        Completed => "completed",
    }
);

/// The rule for an order cycle's name, one for the page and the API: required, at most 120
/// characters of clean text.
pub fn check_cycle_name(v: &mut Validator, field: &str, name: &str) {
    if v.required(field, name) {
        v.max_len(field, name, 120);
    }
}

/// The day of an instant in Montréal, where the hubs deliver.
pub fn local_day(t: Timestamp) -> Date {
    let tz = jiff::tz::TimeZone::get("America/Toronto").unwrap_or(jiff::tz::TimeZone::UTC);
    t.to_zoned(tz).date()
}

/// A cycle's delivery days as kept: in order, each once.
pub fn delivery_days(mut days: Vec<Date>) -> Vec<Date> {
    days.sort();
    days.dedup();
    days
}

/// The rule for a cycle's times: the cut-off (`closes_at`) comes after the opening.
pub fn check_cycle_times(v: &mut Validator, opens_at: Timestamp, closes_at: Timestamp) {
    if closes_at <= opens_at {
        v.refuse("closes_at", Refusal::ClosesBeforeOpening);
    }
}

/// The rule for a cycle's delivery days (on `field`): at least one, at most
/// [`MAX_DELIVERY_DAYS`], the last not before the cut-off's day (an earlier one may stay, for
/// the orders of a cut-off moved later), none more than [`MAX_DELIVERY_DAYS_AHEAD`] days after it.
pub fn check_delivery_days(v: &mut Validator, field: &str, closes_at: Timestamp, days: &[Date]) {
    let days = delivery_days(days.to_vec());
    if days.is_empty() {
        v.refuse(field, Refusal::DeliveryDaysRequired);
        return;
    }
    if days.len() > MAX_DELIVERY_DAYS {
        v.refuse(field, Refusal::DeliveryDaysTooMany);
    }
    let first = local_day(closes_at);
    if days.last().is_some_and(|d| *d < first) {
        v.refuse(field, Refusal::DeliveryDayBeforeCutOff);
    }
    let last = first
        .checked_add(jiff::Span::new().days(MAX_DELIVERY_DAYS_AHEAD))
        .unwrap_or(Date::MAX);
    if days.iter().any(|d| *d > last) {
        v.refuse(field, Refusal::DeliveryDayTooFar);
    }
}

/// The whole rule of a cycle as the hub sets it, one for the page, the API and the store:
/// its name, its times and its delivery days.
pub fn check_cycle(
    v: &mut Validator,
    name: &str,
    opens_at: Timestamp,
    closes_at: Timestamp,
    delivery_days: &[Date],
) {
    check_cycle_name(v, "name", name);
    check_cycle_times(v, opens_at, closes_at);
    check_delivery_days(v, "delivery_days", closes_at, delivery_days);
}

/// The rule for what a buyer types around an order's lines, one for orders and standing
/// orders, pages and API: the purchase-order number and the note within their lengths, at most
/// [`MAX_ORDER_LINES`] lines (`lines` counts them as submitted, repeats included).
pub fn check_order_details(v: &mut Validator, po_number: &str, note: &str, lines: usize) {
    v.max_len("po_number", po_number, MAX_PO_NUMBER);
    v.max_len("note", note, MAX_ORDER_NOTE);
    if lines > MAX_ORDER_LINES {
        v.refuse("lines", Refusal::TooManyLines);
    }
}

/// The delivery day of an order: the one asked for, which must be one of the cycle's, or the
/// cycle's only one. `None` when the cycle has none (a cycle made before delivery days).
pub fn order_delivery_day(
    cycle_days: &[Date],
    asked: Option<Date>,
) -> Result<Option<Date>, Refusal> {
    match (asked, cycle_days) {
        (Some(d), days) if days.contains(&d) => Ok(Some(d)),
        (Some(_), _) => Err(Refusal::UnknownDeliveryDay),
        (None, [only]) => Ok(Some(*only)),
        (None, []) => Ok(None),
        (None, _) => Err(Refusal::DeliveryDayRequired),
    }
}

impl CycleStatus {
    /// Whether a move to `to` is allowed (by hand or on time).
    pub fn can_become(self, to: CycleStatus) -> bool {
        use CycleStatus::*;
        matches!(
            (self, to),
            (Draft, Open) | (Open, Closed) | (Closed, Open) | (Closed, Completed)
        )
    }

    /// The status a cycle should have at `now`, moving only forward on time:
    /// a draft opens at its opening time, an open cycle closes at its cut-off.
    pub fn due(self, opens_at: Timestamp, closes_at: Timestamp, now: Timestamp) -> CycleStatus {
        match self {
            CycleStatus::Draft if now >= closes_at => CycleStatus::Closed,
            CycleStatus::Draft if now >= opens_at => CycleStatus::Open,
            CycleStatus::Open if now >= closes_at => CycleStatus::Closed,
            other => other,
        }
    }
}

coded_enum!(
    /// The life of an order.
    OrderStatus {
        /// Placed by the buyer (or the hub for the buyer); changeable until the cut-off.
        Placed => "placed",
        /// Cancelled; its reserved quantities went back to availability.
        Cancelled => "cancelled",
    }
);

impl OrderStatus {
    /// Whether the order's lines may change while its cycle is in `cycle`.
    pub fn editable(self, cycle: CycleStatus) -> bool {
        self == OrderStatus::Placed && cycle == CycleStatus::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_cycle_opens_and_closes_on_time_and_only_forward() {
        let (o, c) = (t("2026-11-30T12:00:00Z"), t("2026-12-03T22:00:00Z"));
        use CycleStatus::*;
        assert_eq!(Draft.due(o, c, t("2026-11-29T00:00:00Z")), Draft);
        assert_eq!(Draft.due(o, c, t("2026-12-01T00:00:00Z")), Open);
        assert_eq!(Open.due(o, c, t("2026-12-03T22:00:00Z")), Closed);
        assert_eq!(Draft.due(o, c, t("2026-12-05T00:00:00Z")), Closed);
        assert_eq!(
            Closed.due(o, c, t("2026-12-01T00:00:00Z")),
            Closed,
            "a hand-closed cycle stays closed"
        );
        assert!(Draft.can_become(Open));
        assert!(Closed.can_become(Open), "the hub may reopen by hand");
        assert!(!Completed.can_become(Open));
        assert!(!Draft.can_become(Completed));
    }

    #[test]
    fn a_cycle_follows_one_rule_for_its_name_times_and_delivery_days() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        // Cut-off Thursday 3 December 17:00 in Montréal.
        let (o, c) = (t("2026-11-30T12:00:00Z"), t("2026-12-03T22:00:00Z"));
        let codes = |name: &str, o, c, days: &[Date]| {
            let mut v = Validator::new();
            check_cycle(&mut v, name, o, c, days);
            v.into_errors()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert!(codes("Semaine 1", o, c, &[d("2026-12-04"), d("2026-12-03")]).is_empty());
        assert_eq!(
            codes(" ", c, o, &[]),
            vec![
                ("name".into(), "required"),
                ("closes_at".into(), "closes_before_opening"),
                ("delivery_days".into(), "delivery_days_required"),
            ]
        );
        assert_eq!(
            codes("S", o, c, &[d("2026-12-02")]),
            vec![("delivery_days".into(), "delivery_day_before_cut_off")]
        );
        assert_eq!(
            codes("S", o, c, &[d("2028-01-01")]),
            vec![("delivery_days".into(), "delivery_day_too_far")]
        );
        let many: Vec<Date> = (4..20).map(|n| d(&format!("2026-12-{n:02}"))).collect();
        assert_eq!(
            codes("S", o, c, &many),
            vec![("delivery_days".into(), "delivery_days_too_many")]
        );
        // 23:30 in Montréal is already the next day in UTC: the local day counts.
        assert_eq!(local_day(t("2026-12-04T04:30:00Z")), d("2026-12-03"));
    }

    #[test]
    fn an_order_takes_the_day_asked_or_the_only_one() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let (a, b) = (d("2026-12-04"), d("2026-12-05"));
        assert_eq!(order_delivery_day(&[a], None), Ok(Some(a)));
        assert_eq!(order_delivery_day(&[a, b], Some(b)), Ok(Some(b)));
        assert_eq!(
            order_delivery_day(&[a, b], None),
            Err(Refusal::DeliveryDayRequired)
        );
        assert_eq!(
            order_delivery_day(&[a], Some(b)),
            Err(Refusal::UnknownDeliveryDay)
        );
        assert_eq!(order_delivery_day(&[], None), Ok(None));
    }

    #[test]
    fn orders_change_only_while_the_cycle_is_open() {
        assert!(OrderStatus::Placed.editable(CycleStatus::Open));
        assert!(!OrderStatus::Placed.editable(CycleStatus::Closed));
        assert!(!OrderStatus::Cancelled.editable(CycleStatus::Open));
    }
}
