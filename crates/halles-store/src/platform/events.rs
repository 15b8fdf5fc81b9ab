//! Domain events: what happened, written by the store in the same transaction as the change,
//! beside its audit record ([`record`]), so an event exists if and only if its change
//! committed. Recording writes the event row and nothing else: no job per event.
//!
//! The worker delivers them: when no job is due it reads the oldest undelivered events
//! ([`Store::undelivered_events`], in id order, [`DELIVERY_BATCH`] at a time, through a partial
//! index on the undelivered ones), hands each to its subscribers, and marks the batch delivered
//! ([`Store::mark_events_delivered`]). A crash between the change's commit and delivery loses
//! nothing: the event is still undelivered and the next poll takes it. Each subscriber's output
//! is written once (`event_deliveries`), so two workers taking the same batch, or a delivery
//! repeated after a crash, send nothing twice. An event whose delivery fails is handed to its
//! own [`DELIVER_EVENT_JOB`] job ([`Store::defer_event_delivery`]): the job queue's retries with
//! back-off, failed list and retry by hand; the poll skips it from then on.
//!
//! Secrets an e-mail must carry (invitation, password reset and e-mail change links) travel in
//! the payload, as they already travelled in the outbox body; the database keeps only their
//! hashes elsewhere, and a delivered event keeps none.

use crate::db::{Param, bound, ms, ts, ts_opt};
use crate::platform::jobs::{NewJob, backoff, enqueue_on};
use crate::{Store, StoreError, StoreResult};
use halles_core::StatementId;
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::organizations::Role;
use halles_core::quantity::Qty;
use halles_core::{
    CardId, ClaimId, CreditNoteId, CycleId, InvitationId, InvoiceId, LoadId, OrderId, OrgId,
    ParticipantId, PaymentBatchId, PaymentId, ProductGroupId, ProductId, ProgramId,
    PurchaseOrderId, RedemptionId, RefundId, RegisterId, ScheduleId, StandingOrderId, UserId,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The job that delivers one event whose delivery by the worker's poll failed.
pub const DELIVER_EVENT_JOB: &str = "deliver_event";

/// How many events the worker delivers at a time.
pub const DELIVERY_BATCH: i64 = 100;

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
/// Adding an event is one variant here and one `record` call.
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
    /// The hub changed an order cycle's terms (name, dates, delivery days, locations, fees).
    CycleChanged {
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
    /// A revision of a producer's purchase order was issued (at the cut-off, or after a change).
    PurchaseOrderIssued {
        /// The hub.
        hub: OrgId,
        /// The cycle.
        cycle: CycleId,
        /// The producer.
        producer: OrgId,
        /// The revision.
        purchase_order: PurchaseOrderId,
        /// Its number: 1 for the first.
        revision: i64,
        /// The delivery day.
        delivery_day: Option<Date>,
    },
    /// After the cut-off the hub lowered, replaced or took out lines of an order it could not
    /// fill as ordered.
    OrderAdjusted {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The order.
        order: OrderId,
    },
    /// An order was delivered (its stop marked delivered, with who received it).
    OrderDelivered {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The order.
        order: OrderId,
    },
    /// A hub issued an invoice for a delivered order.
    InvoiceIssued {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The order.
        order: OrderId,
        /// The invoice.
        invoice: InvoiceId,
    },
    /// A hub issued a credit note correcting an invoice.
    CreditNoteIssued {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The invoice it corrects.
        invoice: InvoiceId,
        /// The credit note.
        credit_note: CreditNoteId,
    },
    /// A hub recorded a buyer's payment (allocated to invoices or not).
    PaymentRecorded {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The payment.
        payment: PaymentId,
        /// Its amount.
        amount: Cents,
    },
    /// A hub voided a payment recorded by mistake (its allocations released).
    PaymentVoided {
        /// The hub.
        hub: OrgId,
        /// The buyer.
        buyer: OrgId,
        /// The payment.
        payment: PaymentId,
        /// Its amount.
        amount: Cents,
    },
    /// A hub issued a producer's statement.
    StatementIssued {
        /// The hub.
        hub: OrgId,
        /// The producer.
        producer: OrgId,
        /// The statement.
        statement: StatementId,
    },
    /// A hub paid a producer's statement.
    PayoutMade {
        /// The hub.
        hub: OrgId,
        /// The producer.
        producer: OrgId,
        /// The statement paid.
        statement: StatementId,
        /// What was paid.
        amount: Cents,
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
    /// A schedule's load due on a date ran for one participant, in the load's transaction:
    /// funds put on their card, or none (no card, or the card unused since the last load).
    LoadRun {
        /// The program's operator.
        operator: OrgId,
        /// The program.
        program: ProgramId,
        /// The allocation schedule.
        schedule: ScheduleId,
        /// The load.
        load: LoadId,
        /// The participant.
        participant: ParticipantId,
        /// The date it was due.
        due_on: Date,
        /// `loaded`, `no_card` or `unused`.
        outcome: String,
        /// The card credited, when funds were loaded.
        card: Option<CardId>,
        /// Total credited (zero when nothing was loaded).
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
            Event::CycleChanged { .. } => "cycle_changed",
            Event::StandingOrderRan { .. } => "standing_order_ran",
            Event::PurchaseOrderIssued { .. } => "purchase_order_issued",
            Event::OrderAdjusted { .. } => "order_adjusted",
            Event::OrderDelivered { .. } => "order_delivered",
            Event::InvoiceIssued { .. } => "invoice_issued",
            Event::CreditNoteIssued { .. } => "credit_note_issued",
            Event::PaymentRecorded { .. } => "payment_recorded",
            Event::PaymentVoided { .. } => "payment_voided",
            Event::StatementIssued { .. } => "statement_issued",
            Event::PayoutMade { .. } => "payout_made",
            Event::ClaimDecided { .. } => "claim_decided",
            Event::BatchPaid { .. } => "batch_paid",
            Event::InvitationSent { .. } => "invitation_sent",
            Event::PasswordResetAsked { .. } => "password_reset_asked",
            Event::EmailChangeAsked { .. } => "email_change_asked",
            Event::SaleMade { .. } => "sale_made",
            Event::RefundMade { .. } => "refund_made",
            Event::LoadRun { .. } => "load_run",
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
            | Event::CycleChanged { hub, .. }
            | Event::StandingOrderRan { hub, .. }
            | Event::PurchaseOrderIssued { hub, .. }
            | Event::OrderAdjusted { hub, .. }
            | Event::OrderDelivered { hub, .. }
            | Event::InvoiceIssued { hub, .. }
            | Event::CreditNoteIssued { hub, .. }
            | Event::PaymentRecorded { hub, .. }
            | Event::PaymentVoided { hub, .. } => Some(*hub),
            Event::StatementIssued { hub, .. } | Event::PayoutMade { hub, .. } => Some(*hub),
            Event::ClaimDecided { operator, .. }
            | Event::BatchPaid { operator, .. }
            | Event::SaleMade { operator, .. }
            | Event::RefundMade { operator, .. }
            | Event::LoadRun { operator, .. } => Some(*operator),
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
/// An event ready to be written in its change's transaction: the values of [`INSERT_EVENT`],
/// built once and bound by either driver (sqlx here and for every change; `rusqlite` for the
/// SQLite sale in place).
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
}

/// Records an event on the connection, inside the change's transaction.
pub async fn record(conn: &mut AnyConnection, event: Event, at: Timestamp) -> StoreResult<EventId> {
    insert(conn, &Recording::new(&event, at)?).await
}

/// Writes an event whose values are built, on the caller's transaction.
pub(crate) async fn insert(conn: &mut AnyConnection, rec: &Recording) -> StoreResult<EventId> {
    let row = bound(INSERT_EVENT, &rec.params()).fetch_one(conn).await?;
    Ok(EventId(row.try_get("id")?))
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
        self.mark_events_delivered(&[self.event(id).await?]).await
    }

    /// The oldest undelivered events, in id order, at most `limit`: those the worker's poll
    /// delivers. An event handed to its own delivery job is left to that job.
    pub async fn undelivered_events(&self, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM events e WHERE delivered_at IS NULL AND NOT EXISTS \
             (SELECT 1 FROM jobs j WHERE j.dedupe_key = 'event:' || CAST(e.id AS TEXT)) \
             ORDER BY id LIMIT $1"
        ))
        .bind(limit.clamp(1, DELIVERY_BATCH))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(StoredEvent::from_row).collect()
    }

    /// Marks events delivered to every subscriber, in one transaction. A delivered event
    /// keeps no link secret: the e-mail that carried it is sent.
    pub async fn mark_events_delivered(&self, events: &[StoredEvent]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let at = ms(self.now());
        let mut tx = self.write_tx().await?;
        for e in events {
            let kept = e.event.clone().without_secrets();
            if kept != e.event {
                let payload = serde_json::to_string(&kept)
                    .map_err(|_| StoreError::Corrupt("events.payload"))?;
                sqlx::query(
                    "UPDATE events SET payload = $1 WHERE id = $2 AND delivered_at IS NULL",
                )
                .bind(payload)
                .bind(e.id.0)
                .execute(&mut *tx)
                .await?;
            }
        }
        let ids: Vec<String> = (0..events.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "UPDATE events SET delivered_at = $1 WHERE delivered_at IS NULL AND id IN ({})",
            ids.join(", ")
        );
        let update = events
            .iter()
            .fold(sqlx::query(&sql).bind(at), |q, e| q.bind(e.id.0));
        update.execute(&mut *tx).await?;
        tx.commit().await
    }

    /// Hands an event whose delivery failed to its own [`DELIVER_EVENT_JOB`] job, due after
    /// the queue's first back-off; the poll skips it from then on. Nothing when it has one.
    pub async fn defer_event_delivery(&self, event: &StoredEvent) -> StoreResult<()> {
        let payload = serde_json::to_string(&DeliverEvent { event_id: event.id })
            .map_err(|_| StoreError::Corrupt("jobs.payload"))?;
        let now = self.now();
        let job = NewJob {
            kind: DELIVER_EVENT_JOB,
            payload,
            org: event.event.organization(),
            run_at: now + backoff(1),
            max_attempts: 8,
            dedupe_key: Some(format!("event:{}", event.id)),
        };
        enqueue_on(&mut *self.writes().acquire().await?, job, now).await?;
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
