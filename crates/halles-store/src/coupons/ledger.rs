//! The funds ledger: entries, lots and balances, the helpers every movement shares, expiry and
//! transfers between cards.

use super::instant_opt;
use crate::db::{Backend, ms};
use crate::{Actor, Store, StoreError, StoreResult};
use halles_core::coupons::{CardStatus, EntryKind};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{
    CardId, OrgId, ParticipantId, ParticipantTypeId, ProductGroupId, ProgramId, RegisterId,
    ScheduleId,
};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A card's balance in one product group.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Balance {
    /// The group.
    pub group: ProductGroupId,
    /// What can be spent in it now.
    pub balance: Cents,
    /// When the next part of it expires, if it does.
    pub next_expiry: Option<Timestamp>,
}

/// How the store reads a card's attachments: by id inside the store, or by what a register
/// typed or scanned for a sale. A sale names its card by [`super::CardLookup`] only.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CardRef<'a> {
    /// A known card.
    Id(CardId),
    /// A typed number or a scanned QR value, looked up with the sale.
    Lookup(&'a super::CardLookup),
}

/// What a card's ledger entries are attached to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CardDims {
    pub operator: OrgId,
    pub program: ProgramId,
    pub card: CardId,
    pub status: CardStatus,
    pub partner: Option<OrgId>,
    pub participant: Option<ParticipantId>,
    pub participant_type: Option<ParticipantTypeId>,
}

/// One ledger entry to write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub dims: &'a CardDims,
    pub group: ProductGroupId,
    pub line_group: Option<ProductGroupId>,
    pub lot: Option<i64>,
    pub kind: EntryKind,
    pub amount: Cents,
    pub schedule: Option<ScheduleId>,
    pub market: Option<OrgId>,
    pub register: Option<RegisterId>,
    pub redemption: Option<i64>,
    pub refund: Option<i64>,
    pub reason: &'a str,
    pub actor: Actor,
}

impl<'a> Entry<'a> {
    /// An entry with no optional dimension set.
    pub fn new(dims: &'a CardDims, group: ProductGroupId, kind: EntryKind, amount: Cents) -> Self {
        Entry {
            dims,
            group,
            line_group: None,
            lot: None,
            kind,
            amount,
            schedule: None,
            market: None,
            register: None,
            redemption: None,
            refund: None,
            reason: "",
            actor: Actor::system(),
        }
    }
}

impl Entry<'_> {
    /// The values of [`INSERT_ENTRY`], in order.
    pub(super) fn params(&self, at: Timestamp) -> [Param<'_>; 20] {
        use Param::{Int, Text};
        [
            Int(Some(self.dims.operator.0)),
            Int(Some(self.dims.program.0)),
            Int(Some(self.dims.card.0)),
            Int(Some(self.group.0)),
            Int(self.line_group.map(|g| g.0)),
            Int(self.lot),
            Text(self.kind.code()),
            Int(Some(self.amount.0)),
            Int(self.dims.partner.map(|o| o.0)),
            Int(self.dims.participant.map(|p| p.0)),
            Int(self.dims.participant_type.map(|t| t.0)),
            Int(self.schedule.map(|s| s.0)),
            Int(self.market.map(|m| m.0)),
            Int(self.register.map(|r| r.0)),
            Int(self.redemption),
            Int(self.refund),
            Text(self.reason),
            Int(self.actor.user.map(|u| u.0)),
            Int(self.actor.token.map(|t| t.0)),
            Int(Some(ms(at))),
        ]
    }
}

/// The values bound by either driver (kept in `db`, which the platform's events share).
pub(super) use crate::db::{Param, bound};

/// Appends an entry to the ledger.
pub(super) const INSERT_ENTRY: &str = "INSERT INTO fund_entries (organization_id, program_id, card_id, \
     product_group_id, line_group_id, lot_id, kind, amount_cents, partner_id, participant_id, participant_type_id, \
     schedule_id, market_id, register_id, redemption_id, refund_id, reason, actor_user_id, actor_token_id, at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

/// Appends an entry to the ledger.
pub(crate) async fn insert_entry(
    tx: &mut AnyConnection,
    e: &Entry<'_>,
    at: Timestamp,
) -> StoreResult<()> {
    bound(INSERT_ENTRY, &e.params(at)).execute(tx).await?;
    Ok(())
}

/// Reads what entries of a card are attached to.
pub(crate) async fn card_dims(tx: &mut AnyConnection, card: CardId) -> StoreResult<CardDims> {
    Ok(read_dims(tx, CardRef::Id(card)).await?.0)
}

/// A card's attachments, found by id, number or QR token, and whether its holder wants e-mailed
/// receipts.
pub(super) async fn read_dims(
    tx: &mut AnyConnection,
    card: CardRef<'_>,
) -> StoreResult<(CardDims, bool)> {
    let (sql, q) = dims_query(card);
    let r = match q {
        Key::Id(id) => sqlx::query(&sql).bind(id).fetch_optional(tx).await?,
        Key::Text(t) => sqlx::query(&sql).bind(t).fetch_optional(tx).await?,
    }
    .ok_or(StoreError::NotFound)?;
    let dims = DimsRow::from_row(&r)?;
    // `receipts` is a flag (INTEGER on SQLite, BOOLEAN on PostgreSQL), read apart.
    let notify = match &dims.email {
        Some(e) if !e.is_empty() => crate::db::flag(&r, "receipts")?,
        _ => false,
    };
    Ok((dims.try_into()?, notify))
}

/// The statement that reads a card's attachments (columns in [`DimsRow`]'s order, then
/// `receipts`), and what it looks the card up by.
pub(super) fn dims_query(card: CardRef<'_>) -> (String, Key) {
    const SELECT: &str = "SELECT c.id, c.organization_id, c.program_id, c.status, c.participant_id, \
         p.organization_id AS partner, p.participant_type_id, p.email, p.receipts \
         FROM cards c LEFT JOIN participants p ON p.id = c.participant_id";
    match card {
        CardRef::Id(id) => (format!("{SELECT} WHERE c.id = $1"), Key::Id(id.0)),
        CardRef::Lookup(super::CardLookup::Number(n)) => (
            format!("{SELECT} WHERE c.number = $1"),
            Key::Text(n.as_str().to_owned()),
        ),
        CardRef::Lookup(super::CardLookup::Token(t)) => {
            (format!("{SELECT} WHERE c.token = $1"), Key::Text(t.clone()))
        }
    }
}

/// What [`read_dims`] looks a card up by.
pub(super) enum Key {
    /// Its id.
    Id(i64),
    /// Its number or QR token.
    Text(String),
}

/// A row of [`dims_query`]'s statement.
#[derive(FromRow)]
struct DimsRow {
    id: i64,
    organization_id: i64,
    program_id: i64,
    status: String,
    participant_id: Option<i64>,
    partner: Option<i64>,
    participant_type_id: Option<i64>,
    email: Option<String>,
}

impl TryFrom<DimsRow> for CardDims {
    type Error = StoreError;
    fn try_from(r: DimsRow) -> StoreResult<CardDims> {
        Ok(CardDims {
            operator: OrgId(r.organization_id),
            program: ProgramId(r.program_id),
            card: CardId(r.id),
            status: r
                .status
                .parse()
                .map_err(|_| StoreError::Corrupt("card_status"))?,
            partner: r.partner.map(OrgId),
            participant: r.participant_id.map(ParticipantId),
            participant_type: r.participant_type_id.map(ParticipantTypeId),
        })
    }
}

/// Adds a lot of funds to a card and its balance.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_lot(
    tx: &mut AnyConnection,
    operator: OrgId,
    card: CardId,
    group: ProductGroupId,
    amount: Cents,
    load: Option<i64>,
    envelope: Option<i64>,
    schedule: Option<ScheduleId>,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> StoreResult<i64> {
    sqlx::query(
        "INSERT INTO card_funds (organization_id, card_id, product_group_id, balance_cents) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organization_id, card_id, product_group_id) \
         DO UPDATE SET balance_cents = card_funds.balance_cents + excluded.balance_cents",
    )
    .bind(operator.0)
    .bind(card.0)
    .bind(group.0)
    .bind(amount.0)
    .execute(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO fund_lots (organization_id, card_id, product_group_id, load_id, envelope_id, schedule_id, \
         amount_cents, remaining_cents, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id",
    )
    .bind(operator.0)
    .bind(card.0)
    .bind(group.0)
    .bind(load)
    .bind(envelope)
    .bind(schedule.map(|s| s.0))
    .bind(amount.0)
    .bind(expires_at.map(ms))
    .bind(ms(now))
    .fetch_one(&mut *tx)
    .await?;
    Ok(id)
}

/// Takes `amount` off a card's balance in a group, only if that much is there. The database
/// decides: a conditional update and a CHECK on the balance.
pub(super) async fn take_balance(
    tx: &mut AnyConnection,
    card: CardId,
    group: ProductGroupId,
    amount: Cents,
) -> StoreResult<bool> {
    if amount.0 == 0 {
        return Ok(true);
    }
    let n = sqlx::query(
        "UPDATE card_funds SET balance_cents = balance_cents - $1 WHERE card_id = $2 AND product_group_id = $3 \
         AND balance_cents >= $1",
    )
    .bind(amount.0)
    .bind(card.0)
    .bind(group.0)
    .execute(tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Removes what is left of a lot (expiry or replacement): the balance first, then the lot, then
/// an `expire` entry; money from an envelope goes back to it. Returns the cents removed.
pub(crate) async fn expire_lot(
    tx: &mut AnyConnection,
    lot: i64,
    reason: &str,
    now: Timestamp,
) -> StoreResult<i64> {
    expire_lot_by(tx, lot, reason, Actor::system(), now).await
}

/// [`expire_lot`], by `actor` (named on the ledger entry).
pub(crate) async fn expire_lot_by(
    tx: &mut AnyConnection,
    lot: i64,
    reason: &str,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<i64> {
    let r = sqlx::query_as::<_, LotLeft>(
        "SELECT card_id, product_group_id, remaining_cents, envelope_id, schedule_id FROM fund_lots WHERE id = $1",
    )
    .bind(lot)
    .fetch_one(&mut *tx)
    .await?;
    let left = r.remaining_cents;
    if left <= 0 {
        return Ok(0);
    }
    let card = CardId(r.card_id);
    let group = ProductGroupId(r.product_group_id);
    if !take_balance(&mut *tx, card, group, Cents(left)).await? {
        return Err(StoreError::Corrupt("card_funds"));
    }
    let n = sqlx::query(
        "UPDATE fund_lots SET remaining_cents = 0 WHERE id = $1 AND remaining_cents = $2",
    )
    .bind(lot)
    .bind(left)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(StoreError::Refused(Refusal::ConcurrentUpdate));
    }
    let dims = card_dims(&mut *tx, card).await?;
    // Money from an envelope goes back to it; money from the program's reserve to the reserve.
    super::reserve::give_back(&mut *tx, dims.program, r.envelope_id, left).await?;
    let mut e = Entry::new(&dims, group, EntryKind::Expire, Cents(-left));
    e.lot = Some(lot);
    e.reason = reason;
    e.schedule = r.schedule_id.map(ScheduleId);
    e.actor = actor;
    insert_entry(tx, &e, now).await?;
    Ok(left)
}

/// A lot's row, as expiry reads it.
#[derive(FromRow)]
struct LotLeft {
    card_id: i64,
    product_group_id: i64,
    remaining_cents: i64,
    envelope_id: Option<i64>,
    schedule_id: Option<i64>,
}

/// A lot's row, as a transfer to a new card reads it.
#[derive(FromRow)]
struct LotToMove {
    id: i64,
    product_group_id: i64,
    remaining_cents: i64,
    load_id: Option<i64>,
    envelope_id: Option<i64>,
    schedule_id: Option<i64>,
    expires_at: Option<i64>,
    use_days: Option<i64>,
}

/// A card's balance in one group, as summed from its lots.
#[derive(FromRow)]
struct BalanceRow {
    product_group_id: i64,
    balance: i64,
    next_expiry: Option<i64>,
}

impl Store {
    /// On PostgreSQL, locks every balance row of a card, in one order, so that concurrent
    /// movements on the same card queue instead of deadlocking. SQLite's single writer already
    /// serializes them.
    pub(crate) async fn lock_card(&self, tx: &mut AnyConnection, card: CardId) -> StoreResult<()> {
        if self.backend() == Backend::Postgres {
            sqlx::query(
                "SELECT product_group_id FROM card_funds WHERE card_id = $1 ORDER BY product_group_id FOR UPDATE",
            )
            .bind(card.0)
            .fetch_all(tx)
            .await?;
        }
        Ok(())
    }

    /// Expires a card's lots that are past their date (before it spends, and from the job).
    async fn expire_card(
        &self,
        tx: &mut AnyConnection,
        card: CardId,
        now: Timestamp,
    ) -> StoreResult<i64> {
        let lots: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM fund_lots WHERE card_id = $1 AND remaining_cents > 0 AND expires_at IS NOT NULL \
             AND expires_at <= $2",
        )
        .bind(card.0)
        .bind(ms(now))
        .fetch_all(&mut *tx)
        .await?;
        let mut total = 0;
        for l in lots {
            total += expire_lot(&mut *tx, l, "expired", now).await?;
        }
        Ok(total)
    }

    /// Moves every lot left on `from` to `to` (same groups, same expiry), with a pair of
    /// transfer entries per lot. Used when a lost card is replaced.
    pub(crate) async fn move_funds(
        &self,
        tx: &mut AnyConnection,
        from: &CardDims,
        to: &CardDims,
        actor: Actor,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.expire_card(&mut *tx, from.card, now).await?;
        let lots = sqlx::query_as::<_, LotToMove>(
            "SELECT id, product_group_id, remaining_cents, load_id, envelope_id, schedule_id, expires_at, use_days \
             FROM fund_lots WHERE card_id = $1 AND remaining_cents > 0 ORDER BY id",
        )
        .bind(from.card.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut moved = 0;
        for l in lots {
            let lot = l.id;
            let group = ProductGroupId(l.product_group_id);
            let left = Cents(l.remaining_cents);
            if !take_balance(&mut *tx, from.card, group, left).await? {
                return Err(StoreError::Corrupt("card_funds"));
            }
            let n = sqlx::query(
                "UPDATE fund_lots SET remaining_cents = 0 WHERE id = $1 AND remaining_cents = $2",
            )
            .bind(lot)
            .bind(left.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Refused(Refusal::ConcurrentUpdate));
            }
            let schedule = l.schedule_id.map(ScheduleId);
            let new_lot = add_lot(
                &mut *tx,
                to.operator,
                to.card,
                group,
                left,
                l.load_id,
                l.envelope_id,
                schedule,
                instant_opt(l.expires_at)?,
                now,
            )
            .await?;
            // Funds still waiting for their first use keep waiting on the new card.
            if let Some(days) = l.use_days {
                sqlx::query("UPDATE fund_lots SET use_days = $1 WHERE id = $2")
                    .bind(days)
                    .bind(new_lot)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut out = Entry::new(from, group, EntryKind::TransferOut, Cents(-left.0));
            out.lot = Some(lot);
            out.schedule = schedule;
            out.actor = actor;
            insert_entry(&mut *tx, &out, now).await?;
            let mut inn = Entry::new(to, group, EntryKind::TransferIn, left);
            inn.lot = Some(new_lot);
            inn.schedule = schedule;
            inn.actor = actor;
            insert_entry(&mut *tx, &inn, now).await?;
            moved += left.0;
        }
        Ok(moved)
    }

    /// A card's balances per group (expired lots not counted even if the job has not run yet).
    pub async fn card_balances(&self, card: CardId) -> StoreResult<Vec<Balance>> {
        let now = ms(self.now());
        let rows = sqlx::query_as::<_, BalanceRow>(
            "SELECT product_group_id, CAST(SUM(remaining_cents) AS BIGINT) AS balance, MIN(expires_at) AS next_expiry FROM fund_lots \
             WHERE card_id = $1 AND remaining_cents > 0 AND (expires_at IS NULL OR expires_at > $2) \
             GROUP BY product_group_id ORDER BY product_group_id",
        )
        .bind(card.0)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Balance {
                    group: ProductGroupId(r.product_group_id),
                    balance: Cents(r.balance),
                    next_expiry: instant_opt(r.next_expiry)?,
                })
            })
            .collect()
    }

    /// Expires every lot past its date, card by card, each card in its own transaction, and
    /// every paper coupon past its date. Returns the cents expired.
    pub async fn run_expiry(&self) -> StoreResult<i64> {
        let now = self.now();
        // Paper coupons past their date give their value back too.
        let paper = self.expire_paper(now).await?;
        let cards: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT card_id FROM fund_lots WHERE expires_at IS NOT NULL AND expires_at <= $1 \
             AND remaining_cents > 0",
        )
        .bind(ms(now))
        .fetch_all(&self.pool)
        .await?;
        let mut total = paper;
        for card in cards {
            let mut tx = self.write_tx().await?;
            self.lock_card(&mut tx, CardId(card)).await?;
            total += self.expire_card(&mut tx, CardId(card), now).await?;
            tx.commit().await?;
        }
        Ok(total)
    }

    /// The sum of a program's card entries in the ledger, and of its cached balances: they must
    /// be equal (paper coupons' entries are checked by [`Store::funds_check`]).
    pub async fn ledger_check(&self, program: ProgramId) -> StoreResult<(Cents, Cents, Cents)> {
        let ledger: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(amount_cents) AS BIGINT) AS s FROM fund_entries WHERE program_id = $1 \
             AND card_id IS NOT NULL",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        let cached: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(f.balance_cents) AS BIGINT) AS s FROM card_funds f JOIN cards c ON c.id = f.card_id WHERE c.program_id = $1",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        let lots: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(l.remaining_cents) AS BIGINT) AS s FROM fund_lots l JOIN cards c ON c.id = l.card_id WHERE c.program_id = $1",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        Ok((
            Cents(ledger.unwrap_or(0)),
            Cents(cached.unwrap_or(0)),
            Cents(lots.unwrap_or(0)),
        ))
    }
}
