//! Typed identifiers: an organization id can never be passed where a user id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

id_type!(
    /// A user account.
    UserId,
    /// An organization (tenant).
    OrgId,
    /// A membership of a user in an organization.
    MembershipId,
    /// An invitation to join an organization.
    InvitationId,
    /// An API token.
    TokenId,
    /// An audit log entry.
    AuditId,
    /// A background job.
    JobId,
    /// An e-mail in the outbox.
    EmailId,
    /// A product of a producer's catalog.
    ProductId,
    /// An order cycle of a hub.
    CycleId,
    /// A pickup point or delivery zone of a cycle.
    LocationId,
    /// An order.
    OrderId,
    /// A line of an order.
    OrderLineId,
    /// A pricing rule of a hub.
    PriceRuleId,
    /// A standing order.
    StandingOrderId,
    /// A revision of a producer's purchase order.
    PurchaseOrderId,
    /// A lot received at a hub.
    LotId,
    /// An entry of a hub's stock ledger.
    MovementId,
    /// A packed case of an order.
    CaseId,
    /// A delivery route of a hub.
    RouteId,
    /// A stop of a route: one order delivered.
    StopId,
    /// An issued invoice of a hub.
    InvoiceId,
    /// An issued credit note of a hub (a correction of an invoice).
    CreditNoteId,
    /// A payment a buyer made to a hub.
    PaymentId,
    /// A producer's statement issued by a hub.
    StatementId,
    /// A food-coupon program.
    ProgramId,
    /// A product group of a program (fruits and vegetables, dairy...).
    ProductGroupId,
    /// A participant type of a program (household-size tier).
    ParticipantTypeId,
    /// An allocation schedule.
    ScheduleId,
    /// A budget envelope (partner organization and schedule).
    EnvelopeId,
    /// An enrolled participant.
    ParticipantId,
    /// A coupon card.
    CardId,
    /// A batch of cards.
    CardBatchId,
    /// A batch of paper coupons.
    PaperBatchId,
    /// A paper coupon.
    PaperCouponId,
    /// A market's cash register.
    RegisterId,
    /// A group of a program's markets, with a managing market.
    MarketGroupId,
    /// A redemption (a sale paid with coupon funds).
    RedemptionId,
    /// A refund of (part of) a redemption.
    RefundId,
    /// One scheduled load of funds for a participant.
    LoadId,
    /// A market's reimbursement claim for a reconciliation period.
    ClaimId,
    /// A payment batch of approved reimbursement claims.
    PaymentBatchId,
);
