//! Domain events: what happened, written by the store in the same transaction as the change,
//! beside its audit record ([`record`]). Recording an event also enqueues, in that transaction,
//! the [`DELIVER_EVENT_JOB`] job that hands it to its subscribers (e-mail today, webhooks
//! next), so an event is delivered if and only if its change committed.
//!
//! Secrets an e-mail must carry (invitation, password reset and e-mail change links) travel in
//! the payload, as they already travelled in the outbox body; the database keeps only their
//! hashes elsewhere.

use crate::db::{Param, bound, ms, ts, ts_opt};
use crate::{Store, StoreError, StoreResult};
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::organizations::Role;
use halles_core::quantity::Qty;
use halles_core::{
    CardId, ClaimId, CycleId, InvitationId, OrderId, OrgId, PaymentBatchId, ProductGroupId,
    ProductId, ProgramId, RedemptionId, RefundId, RegisterId, StandingOrderId, UserId,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The job that delivers one event to every subscriber.
pub const DELIVER_EVENT_JOB: &str = "deliver_event";

/// An event's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub i64);

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Something that happened, one variant per kind; its serde tag is the stored `kind`.
/// Adding an event (a load run next) is one variant here and one `record` call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A buyer's order was placed (on the shop, through the API, or by a standing order).
    OrderPlaced {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The cycle.
        cycle: CycleId,
        /// The order.
        order: OrderId,
        /// The person who placed it (none: an API token or a standing order).
        placed_by: Option<UserId>,
    },
    /// An order's lines or details changed.
    OrderChanged {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The order.
        order: OrderId,
    },
    /// An order was cancelled.
    OrderCancelled {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The order.
        order: OrderId,
    },
    /// An order cycle opened (by hand or on time).
    CycleOpened {
        /// The hub.
        hub: OrgId,
        /// The cycle.
        cycle: CycleId,
    },
    /// An order cycle closed (by hand or on time).
    CycleClosed {
        /// The hub.
        hub: OrgId,
        /// The cycle.
        cycle: CycleId,
    },
    /// A standing order ran in a cycle that opened: placed, skipped or failed.
    StandingOrderRan {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The standing order.
        standing: StandingOrderId,
        /// The cycle.
        cycle: CycleId,
        /// The order it became, if any.
        order: Option<OrderId>,
        /// `placed`, `skipped` or `failed`.
        outcome: String,
        /// Products short: id, wanted, got.
        shortages: Vec<(ProductId, Qty, Qty)>,
    },
    /// The operator approved or refused a market's reimbursement claim.
    ClaimDecided {
        /// The operator.
        operator: OrgId,
        /// The program.
        program: ProgramId,
        /// The claim.
        claim: ClaimId,
        /// The market that claimed.
        market: OrgId,
        /// Approved (true) or refused.
        approved: bool,
    },
    /// The operator marked a payment batch paid; its claims are paid.
    BatchPaid {
        /// The operator.
        operator: OrgId,
        /// The program.
        program: ProgramId,
        /// The batch.
        batch: PaymentBatchId,
    },
    /// Someone was invited to join an organization (or to manage one of its programs).
    InvitationSent {
        /// The organization.
        org: OrgId,
        /// The invitation.
        invitation: InvitationId,
        /// The address invited.
        email: String,
        /// The role offered.
        role: Role,
        /// The program, for a program manager.
        program: Option<ProgramId>,
        /// When the link expires.
        expires_at: Timestamp,
        /// Who invited: a person's name or a token's.
        inviter: String,
        /// The link's secret (only its hash is kept with the invitation).
        secret: String,
    },
    /// A password reset was asked for an enabled account.
    PasswordResetAsked {
        /// The account.
        user: UserId,
        /// The link's secret (only its hash is kept with the reset).
        secret: String,
    },
    /// A change of e-mail address was asked.
    EmailChangeAsked {
        /// The account.
        user: UserId,
        /// The new address.
        new_email: String,
        /// The link's secret (only its hash is kept with the change).
        secret: String,
    },
    /// A market sold for coupon funds (a register, a kiosk or the API); recorded in the sale's
    /// transaction on both of its paths.
    SaleMade {
        /// The program's operator.
        operator: OrgId,
        /// The program.
        program: ProgramId,
        /// The market that sold.
        market: OrgId,
        /// The register, if known.
        register: Option<RegisterId>,
        /// The card.
        card: CardId,
        /// The sale.
        redemption: RedemptionId,
        /// Amount per product group.
        lines: Vec<(ProductGroupId, Cents)>,
        /// Total paid.
        total: Cents,
        /// When.
        at: Timestamp,
        /// Whether the card's holder gave an e-mail and wanted receipts when the sale was made.
        receipt: bool,
    },
    /// A market refunded part or all of one of its sales.
    RefundMade {
        /// The program's operator.
        operator: OrgId,
        /// The program.
        program: ProgramId,
        /// The market that refunded (the one that sold).
        market: OrgId,
        /// The card.
        card: CardId,
        /// The sale refunded.
        redemption: RedemptionId,
        /// The refund.
        refund: RefundId,
        /// Amount per product group.
        lines: Vec<(ProductGroupId, Cents)>,
        /// Total refunded.
        total: Cents,
    },
}

impl Event {
    /// The event with its link secrets blanked: what is kept once every subscriber had it
    /// (the database otherwise keeps only the secrets' hashes).
    pub fn without_secrets(mut self) -> Event {
        match &mut self {
            Event::InvitationSent { secret, .. }
            | Event::PasswordResetAsked { secret, .. }
            | Event::EmailChangeAsked { secret, .. } => secret.clear(),
            _ => {}
        }
        self
    }

    /// The stable kind, as stored (the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::OrderPlaced { .. } => "order_placed",
            Event::OrderChanged { .. } => "order_changed",
            Event::OrderCancelled { .. } => "order_cancelled",
            Event::CycleOpened { .. } => "cycle_opened",
            Event::CycleClosed { .. } => "cycle_closed",
            Event::StandingOrderRan { .. } => "standing_order_ran",
            Event::ClaimDecided { .. } => "claim_decided",
            Event::BatchPaid { .. } => "batch_paid",
            Event::InvitationSent { .. } => "invitation_sent",
            Event::PasswordResetAsked { .. } => "password_reset_asked",
            Event::EmailChangeAsked { .. } => "email_change_asked",
            Event::SaleMade { .. } => "sale_made",
            Event::RefundMade { .. } => "refund_made",
        }
    }

    /// The event of a cycle moving to `to`, when that move has one (opening, closing).
    pub fn cycle_moved(hub: OrgId, cycle: CycleId, to: CycleStatus) -> Option<Event> {
        match to {
            CycleStatus::Open => Some(Event::CycleOpened { hub, cycle }),
            CycleStatus::Closed => Some(Event::CycleClosed { hub, cycle }),
            CycleStatus::Draft | CycleStatus::Completed => None,
        }
    }

    /// The organization it belongs to; `None` for account events.
    pub fn organization(&self) -> Option<OrgId> {
        match self {
            Event::OrderPlaced { hub, .. }
            | Event::OrderChanged { hub, .. }
            | Event::OrderCancelled { hub, .. }
            | Event::CycleOpened { hub, .. }
            | Event::CycleClosed { hub, .. }
            | Event::StandingOrderRan { hub, .. } => Some(*hub),
            Event::ClaimDecided { operator, .. }
            | Event::BatchPaid { operator, .. }
            | Event::SaleMade { operator, .. }
            | Event::RefundMade { operator, .. } => Some(*operator),
            Event::InvitationSent { org, .. } => Some(*org),
            Event::PasswordResetAsked { .. } | Event::EmailChangeAsked { .. } => None,
        }
    }
}

/// The payload of the [`DELIVER_EVENT_JOB`] job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverEvent {
    /// The event to deliver.
    pub event_id: EventId,
}

/// An event as stored.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Its id.
    pub id: EventId,
    /// What happened.
    pub event: Event,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// When every subscriber had it.
    pub delivered_at: Option<Timestamp>,
}

impl StoredEvent {
    fn from_row(r: &AnyRow) -> StoreResult<Self> {
        let payload: String = r.try_get("payload")?;
        Ok(StoredEvent {
            id: EventId(r.try_get("id")?),
            event: serde_json::from_str(&payload)
                .map_err(|_| StoreError::Corrupt("events.payload"))?,
            created_at: ts(r, "created_at")?,
            delivered_at: ts_opt(r, "delivered_at")?,
        })
    }
}

const COLUMNS: &str = "id, payload, created_at, delivered_at";

/// Writes an event (the values of [`Recording::params`]); returns its id.
pub(crate) const INSERT_EVENT: &str = "INSERT INTO events (organization_id, kind, payload, created_at) \
     VALUES ($1, $2, $3, $4) RETURNING id";
/// Enqueues an event's delivery job (the values of [`Delivery::params`]), as
/// `jobs::enqueue_on` would: nothing when its de-duplication key is there.
pub(crate) const ENQUEUE_DELIVERY: &str = "INSERT INTO jobs (kind, payload, organization_id, status, \
     max_attempts, run_at, dedupe_key, created_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6, $5) \
     ON CONFLICT (dedupe_key) DO NOTHING";

/// An event ready to be written in its change's transaction: the values of [`INSERT_EVENT`],
/// then of [`ENQUEUE_DELIVERY`], built once and bound by either driver (sqlx here and for
/// every change; `rusqlite` for the SQLite sale in place).
pub(crate) struct Recording {
    org: Option<i64>,
    kind: &'static str,
    payload: String,
    at: i64,
}

impl Recording {
    /// The values that record `event` at `at`.
    pub(crate) fn new(event: &Event, at: Timestamp) -> StoreResult<Recording> {
        Ok(Recording {
            org: event.organization().map(|o| o.0),
            kind: event.kind(),
            payload: serde_json::to_string(event)
                .map_err(|_| StoreError::Corrupt("events.payload"))?,
            at: ms(at),
        })
    }

    /// The values of [`INSERT_EVENT`].
    pub(crate) fn params(&self) -> [Param<'_>; 4] {
        [
            Param::Int(self.org),
            Param::Text(self.kind),
            Param::Text(&self.payload),
            Param::Int(Some(self.at)),
        ]
    }

    /// The delivery job of the event once written under `id`.
    pub(crate) fn delivery(&self, id: EventId) -> StoreResult<Delivery> {
        Ok(Delivery {
            payload: serde_json::to_string(&DeliverEvent { event_id: id })
                .map_err(|_| StoreError::Corrupt("jobs.payload"))?,
            org: self.org,
            dedupe_key: format!("event:{id}"),
            at: self.at,
        })
    }
}

/// The values of an event's delivery job (a [`DELIVER_EVENT_JOB`], de-duplicated by the
/// event's id, due at once).
pub(crate) struct Delivery {
    payload: String,
    org: Option<i64>,
    dedupe_key: String,
    at: i64,
}

impl Delivery {
    /// The values of [`ENQUEUE_DELIVERY`].
    pub(crate) fn params(&self) -> [Param<'_>; 6] {
        [
            Param::Text(DELIVER_EVENT_JOB),
            Param::Text(&self.payload),
            Param::Int(self.org),
            Param::Int(Some(8)),
            Param::Int(Some(self.at)),
            Param::Text(&self.dedupe_key),
        ]
    }
}

/// Records an event on the connection (inside the change's transaction) and enqueues its
/// delivery there too.
pub async fn record(conn: &mut AnyConnection, event: Event, at: Timestamp) -> StoreResult<EventId> {
    insert(conn, &Recording::new(&event, at)?).await
}

/// Writes an event whose values are built, and its delivery job, on the caller's transaction.
pub(crate) async fn insert(conn: &mut AnyConnection, rec: &Recording) -> StoreResult<EventId> {
    let row = bound(INSERT_EVENT, &rec.params())
        .fetch_one(&mut *conn)
        .await?;
    let id = EventId(row.try_get("id")?);
    bound(ENQUEUE_DELIVERY, &rec.delivery(id)?.params())
        .execute(conn)
        .await?;
    Ok(id)
}

/// The name an e-mail gives the actor of a change: the person's, the API token's, or the
/// platform's for the system.
pub async fn actor_name(conn: &mut AnyConnection, actor: crate::Actor) -> StoreResult<String> {
    let row = match (actor.user, actor.token) {
        (Some(u), _) => {
            sqlx::query("SELECT name FROM users WHERE id = $1")
                .bind(u.0)
                .fetch_optional(conn)
                .await?
        }
        (None, Some(t)) => {
            sqlx::query("SELECT name FROM api_tokens WHERE id = $1")
                .bind(t.0)
                .fetch_optional(conn)
                .await?
        }
        (None, None) => None,
    };
    Ok(match row {
        Some(r) => r.try_get("name")?,
        None => "Halles".to_owned(),
    })
}

/// Claims one subscriber's delivery of an event, on the caller's transaction: false when that
/// subscriber had it already.
pub(crate) async fn claim_delivery(
    conn: &mut AnyConnection,
    event: EventId,
    subscriber: &str,
    at: Timestamp,
) -> StoreResult<bool> {
    let n = sqlx::query(
        "INSERT INTO event_deliveries (event_id, subscriber, delivered_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(event.0)
    .bind(subscriber)
    .bind(ms(at))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

impl Store {
    /// One event.
    pub async fn event(&self, id: EventId) -> StoreResult<StoredEvent> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        StoredEvent::from_row(&row)
    }

    /// Recent events, newest first, optionally of one kind.
    pub async fn events(&self, kind: Option<&str>, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM events WHERE ($1 IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(kind)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(StoredEvent::from_row).collect()
    }

    /// Marks an event delivered to every subscriber.
    pub async fn mark_event_delivered(&self, id: EventId) -> StoreResult<()> {
        // A delivered event keeps no link secret: the e-mail that carried it is sent.
        let payload = serde_json::to_string(&self.event(id).await?.event.without_secrets())
            .map_err(|_| StoreError::Corrupt("events.payload"))?;
        sqlx::query(
            "UPDATE events SET delivered_at = $1, payload = $2 WHERE id = $3 \
             AND delivered_at IS NULL",
        )
        .bind(ms(self.now()))
        .bind(payload)
        .bind(id.0)
        .execute(self.writes())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Event;
    use halles_core::ordering::CycleStatus;
    use halles_core::{CycleId, OrgId, UserId};

    #[test]
    fn the_stored_kind_is_the_serde_tag_and_the_payload_reads_back() {
        let events = [
            Event::cycle_moved(OrgId(1), CycleId(2), CycleStatus::Open),
            Event::cycle_moved(OrgId(1), CycleId(2), CycleStatus::Closed),
            Some(Event::PasswordResetAsked {
                user: UserId(3),
                secret: "s".into(),
            }),
        ];
        for event in events.into_iter().flatten() {
            let json: serde_json::Value = serde_json::to_value(&event).unwrap();
            assert_eq!(json["kind"], event.kind());
            assert_eq!(serde_json::from_value::<Event>(json).unwrap(), event);
        }
        assert_eq!(
            Event::cycle_moved(OrgId(1), CycleId(2), CycleStatus::Completed),
            None
        );
    }
}
