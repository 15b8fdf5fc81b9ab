//! Order cycles and orders: their states and what may change when.

use crate::catalog::coded_enum;
use crate::organizations::UnknownCode;
use jiff::Timestamp;
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
pub fn check_cycle_name(v: &mut crate::validation::Validator, field: &str, name: &str) {
    if v.required(field, name) {
        v.max_len(field, name, 120);
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
    fn orders_change_only_while_the_cycle_is_open() {
        assert!(OrderStatus::Placed.editable(CycleStatus::Open));
        assert!(!OrderStatus::Placed.editable(CycleStatus::Closed));
        assert!(!OrderStatus::Cancelled.editable(CycleStatus::Open));
    }
}
