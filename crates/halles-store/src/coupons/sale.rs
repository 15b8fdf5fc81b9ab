//! A sale paid with coupon funds: its checks, its write transaction (the general path, on both
//! databases) and the redemptions it records.

use super::instant;
use super::ledger::{
    CardDims, CardRef, Entry, Param, bound, card_dims, expire_lot, insert_entry, read_dims,
    take_balance,
};
use crate::db::ms;
use crate::platform::events::{self, Event, Recording};
use crate::platform::idempotency::Claim;
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::coupons::EntryKind;
use halles_core::limits::{AmountError, Limit};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{CardId, OrgId, ProductGroupId, ProgramId, RedemptionId, RegisterId, ScheduleId};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow, Row};
use std::collections::BTreeMap;

/// An idempotency key for a redemption, and how to render the response kept with it.
pub struct Once {
    /// The API token using the key.
    pub token: halles_core::TokenId,
    /// The key.
    pub key: String,
    /// A hash of the request, so a key reused for another request is refused.
    pub request_hash: String,
    /// The response body (JSON) of a successful redemption, stored with the key.
    pub respond: fn(&Redemption) -> String,
}

/// The outcome of [`Store::redeem_once`].
#[derive(Debug)]
pub enum Redeemed {
    /// Spent now.
    Done(Redemption),
    /// The key was used before: its first outcome (or a mismatch, or still in progress).
    Replay(Claim),
}

/// A sale paid with coupon funds, as a register asks for it.
#[derive(Debug, Clone)]
pub struct RedemptionInput {
    /// The card, as proven by its holder: the typed number or the scanned QR value, never an
    /// internal id (ids are sequential, so an id proves nothing).
    pub card: super::CardLookup,
    /// The register, if known.
    pub register: Option<RegisterId>,
    /// Amount per product group.
    pub lines: Vec<(ProductGroupId, Cents)>,
    /// The card's 4-digit PIN, when its program asks for one.
    pub pin: Option<String>,
}

/// One group of a redemption.
#[derive(Debug, Clone, Serialize)]
pub struct RedemptionLine {
    /// The product group bought.
    pub group: ProductGroupId,
    /// Amount paid.
    pub amount: Cents,
    /// Amount refunded since.
    pub refunded: Cents,
}

/// A redemption as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Redemption {
    /// Its id.
    pub id: RedemptionId,
    /// The program.
    pub program: ProgramId,
    /// The card.
    pub card: CardId,
    /// The market.
    pub market: OrgId,
    /// The register.
    pub register: Option<RegisterId>,
    /// Total paid.
    pub total: Cents,
    /// Total refunded.
    pub refunded: Cents,
    /// Per group.
    pub lines: Vec<RedemptionLine>,
    /// When.
    pub at: Timestamp,
    /// Whether the card holder asked for e-mailed receipts: known when the sale is made, false
    /// when a sale is read back.
    #[serde(skip)]
    pub notify: bool,
}

/// A card's lots of a group that still hold money, soonest expiring first.
pub(super) const USABLE_LOTS: &str = "SELECT id, remaining_cents, expires_at, schedule_id, use_days FROM fund_lots \
     WHERE card_id = $1 AND product_group_id = $2 AND remaining_cents > 0 ORDER BY COALESCE(expires_at, 9000000000000000), id";
/// Takes `$1` off a card's group balance if it is there and the card may spend.
pub(super) const TAKE_SPENDABLE: &str = "UPDATE card_funds SET balance_cents = balance_cents - $1 WHERE card_id = $2 \
     AND product_group_id = $3 AND balance_cents >= $1 \
     AND EXISTS (SELECT 1 FROM cards WHERE id = $2 AND status IN ('assigned', 'gift'))";
/// Takes `$1` off a lot if it is there; a lot waiting for its first use gets its expiry `$3`.
pub(super) const DRAW_LOT: &str = "UPDATE fund_lots SET remaining_cents = remaining_cents - $1, \
     expires_at = COALESCE(expires_at, $3) WHERE id = $2 AND remaining_cents >= $1";
/// Records a sale.
pub(super) const INSERT_REDEMPTION: &str = "INSERT INTO redemptions (organization_id, program_id, card_id, market_id, \
     register_id, total_cents, actor_user_id, actor_token_id, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
/// Says in the audit log who made a sale (the ledger stays the record of the money).
pub(super) const AUDIT_SALE: &str = "INSERT INTO audit_log (organization_id, actor_user_id, actor_token_id, action, \
     entity, entity_id, after_json, at) VALUES ($1, $2, $3, 'create', 'redemption', $4, $5, $6)";
/// Records one group of a sale.
pub(super) const INSERT_LINE: &str = "INSERT INTO redemption_lines (organization_id, redemption_id, product_group_id, \
     amount_cents) VALUES ($1, $2, $3, $4)";
/// Keeps an idempotency key with the sale's response; nothing when the key is already used.
pub(super) const KEEP_KEY: &str = "INSERT INTO idempotency_keys (organization_id, token_id, idem_key, request_hash, \
     created_at, status_code, content_type, response_body) VALUES ($1, $2, $3, $4, $5, 201, 'application/json', $6) \
     ON CONFLICT DO NOTHING";

/// Takes `amount` off a card's balance in a group only if that much is there and the card may
/// spend (its state is checked by the same statement, so a card disabled or reported lost an
/// instant earlier is refused).
async fn take_spendable(
    tx: &mut AnyConnection,
    card: CardId,
    group: ProductGroupId,
    amount: Cents,
) -> StoreResult<bool> {
    let n = bound(
        TAKE_SPENDABLE,
        &[
            Param::Int(Some(amount.0)),
            Param::Int(Some(card.0)),
            Param::Int(Some(group.0)),
        ],
    )
    .execute(tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// A lot that still holds money, as a sale reads it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lot {
    /// Its id.
    id: i64,
    /// What is left on it.
    remaining: i64,
    /// The schedule that loaded it (none for manual and gift funds).
    schedule: Option<ScheduleId>,
    /// For funds that expire after their first use and were never used: when they will
    /// expire if this sale draws on them.
    expires_if_used: Option<i64>,
}

/// The lots of a card's group that still hold money, soonest expiring first (funds waiting for
/// their first use come with those that never expire). Lots past their expiry are expired on
/// the way (the job may not have run yet), so they are never spent.
async fn usable_lots(
    tx: &mut AnyConnection,
    card: CardId,
    group: ProductGroupId,
    now: Timestamp,
) -> StoreResult<Vec<Lot>> {
    let rows = bound(
        USABLE_LOTS,
        &[Param::Int(Some(card.0)), Param::Int(Some(group.0))],
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        match LotRow::from_row(&r)?.read(now)? {
            Found::Usable(lot) => out.push(lot),
            Found::Expired(id) => {
                expire_lot(&mut *tx, id, "expired", now).await?;
            }
        }
    }
    Ok(out)
}

/// A row of [`USABLE_LOTS`].
#[derive(FromRow)]
pub(super) struct LotRow {
    pub id: i64,
    #[sqlx(rename = "remaining_cents")]
    pub remaining: i64,
    pub expires_at: Option<i64>,
    #[sqlx(rename = "schedule_id")]
    pub schedule: Option<i64>,
    pub use_days: Option<i64>,
}

/// What a sale finds in a lot.
pub(super) enum Found {
    /// Money it may spend.
    Usable(Lot),
    /// Money past its expiry, to expire before the sale goes on.
    Expired(i64),
}

impl LotRow {
    /// Whether the lot may be spent at `now`, and, for funds waiting for their first use, when
    /// they will expire if this sale draws on them.
    pub(super) fn read(&self, now: Timestamp) -> StoreResult<Found> {
        if self.expires_at.is_some_and(|e| e <= ms(now)) {
            return Ok(Found::Expired(self.id));
        }
        let expires_if_used = match (self.expires_at, self.use_days) {
            (None, Some(d)) => {
                let days = u16::try_from(d).map_err(|_| StoreError::Corrupt("use_days"))?;
                let today = halles_core::coupons::local_date(now);
                halles_core::coupons::Expiry::after_use(days, today).map(ms)
            }
            _ => None,
        };
        Ok(Found::Usable(Lot {
            id: self.id,
            remaining: self.remaining,
            schedule: self.schedule.map(ScheduleId),
            expires_if_used,
        }))
    }
}

/// What a sale took from one lot: the lot, the cents, and the schedule that loaded it.
pub(super) type Drawn = (i64, i64, Option<ScheduleId>);

/// How `amount` is taken from `lots`, in their order: each lot with its cents, and the values
/// of [`DRAW_LOT`] that take them.
pub(super) fn portions(
    lots: &[Lot],
    amount: Cents,
) -> StoreResult<Vec<(Drawn, [Param<'static>; 3])>> {
    let mut left = amount.0;
    let mut out = Vec::new();
    for lot in lots {
        if left == 0 {
            break;
        }
        let take = left.min(lot.remaining);
        let params = [
            Param::Int(Some(take)),
            Param::Int(Some(lot.id)),
            Param::Int(lot.expires_if_used),
        ];
        out.push(((lot.id, take, lot.schedule), params));
        left -= take;
    }
    if left != 0 {
        return Err(StoreError::Corrupt("fund_lots"));
    }
    Ok(out)
}

/// Takes `amount` from lots read by [`usable_lots`], in their order, each conditionally; a lot
/// waiting for its first use gets its expiry in the same statement. Returns what was taken
/// from each: the lot, the cents, and the schedule that loaded it.
async fn draw_from(tx: &mut AnyConnection, lots: &[Lot], amount: Cents) -> StoreResult<Vec<Drawn>> {
    let mut out = Vec::new();
    for (drawn, params) in portions(lots, amount)? {
        let n = bound(DRAW_LOT, &params)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::ConcurrentUpdate));
        }
        out.push(drawn);
    }
    Ok(out)
}

/// The program's groups as a sale reads them at the acting market (`$2`), with the market's
/// membership, the PIN rule, the register (`$3`) and the holder's partner's market links (`$5`).
pub(super) const SALE_GROUPS: &str = "SELECT g.id, g.is_loyalty, (SELECT 1 FROM program_members m \
     WHERE m.program_id = g.program_id AND m.member_id = $2 AND m.role = 'market') AS member, \
     (SELECT p.pin_required FROM programs p WHERE p.id = g.program_id) AS pin_required, \
     (SELECT 1 FROM registers r WHERE r.id = $3 AND r.organization_id = $2 AND r.active = $4) AS register_ok, \
     (SELECT COUNT(*) FROM partner_markets pm WHERE pm.program_id = g.program_id AND pm.partner_id = $5) AS links, \
     (SELECT 1 FROM partner_markets pm WHERE pm.program_id = g.program_id AND pm.partner_id = $5 \
     AND pm.market_id = $2) AS linked FROM product_groups g WHERE g.program_id = $1";

/// The values of [`SALE_GROUPS`].
pub(super) fn sale_group_params(
    dims: &CardDims,
    market: OrgId,
    register: Option<RegisterId>,
) -> [Param<'static>; 5] {
    [
        Param::Int(Some(dims.program.0)),
        Param::Int(Some(market.0)),
        Param::Int(register.map(|r| r.0)),
        Param::Bool(true),
        Param::Int(Some(dims.partner.map(|p| p.0).unwrap_or(0))),
    ]
}

/// A row of [`SALE_GROUPS`].
pub(super) struct GroupRow {
    pub id: i64,
    pub loyalty: bool,
    pub member: bool,
    pub pin_required: bool,
    pub register_ok: bool,
    pub links: i64,
    pub linked: bool,
}

/// A sale being written: what both of its paths record the same way.
pub(super) struct Sale<'a> {
    pub scope: &'a TenantScope,
    pub dims: &'a CardDims,
    pub register: Option<RegisterId>,
    pub lines: &'a BTreeMap<ProductGroupId, i64>,
    pub now: Timestamp,
    /// Whether the card's holder wants an e-mailed receipt (read with the card).
    pub notify: bool,
}

impl Sale<'_> {
    /// The values of [`INSERT_REDEMPTION`].
    pub(super) fn redemption_params(&self) -> [Param<'static>; 9] {
        let actor = self.scope.actor;
        [
            Param::Int(Some(self.dims.operator.0)),
            Param::Int(Some(self.dims.program.0)),
            Param::Int(Some(self.dims.card.0)),
            Param::Int(Some(self.scope.org.0)),
            Param::Int(self.register.map(|r| r.0)),
            Param::Int(Some(self.lines.values().sum())),
            Param::Int(actor.user.map(|u| u.0)),
            Param::Int(actor.token.map(|t| t.0)),
            Param::Int(Some(ms(self.now))),
        ]
    }

    /// The values of [`INSERT_LINE`], one set per group.
    pub(super) fn line_params(&self, id: i64) -> Vec<[Param<'static>; 4]> {
        self.lines
            .iter()
            .map(|(g, amount)| {
                [
                    Param::Int(Some(self.dims.operator.0)),
                    Param::Int(Some(id)),
                    Param::Int(Some(g.0)),
                    Param::Int(Some(*amount)),
                ]
            })
            .collect()
    }

    /// The `spend` entry of what was drawn from one lot for a line.
    pub(super) fn entry(
        &self,
        id: i64,
        (line, from, (lot, cents, schedule)): (ProductGroupId, ProductGroupId, Drawn),
    ) -> Entry<'_> {
        let mut e = Entry::new(self.dims, from, EntryKind::Spend, Cents(-cents));
        e.line_group = Some(line);
        e.lot = Some(lot);
        e.schedule = schedule;
        e.market = Some(self.scope.org);
        e.register = self.register;
        e.redemption = Some(id);
        e.actor = self.scope.actor;
        e
    }

    /// The sale's id and its audit entry's JSON, for [`Sale::audit_params`].
    pub(super) fn audit_values(&self, id: i64) -> (String, String) {
        let after = serde_json::json!({
            "program_id": self.dims.program,
            "card_id": self.dims.card,
            "register_id": self.register,
            "total_cents": self.lines.values().sum::<i64>(),
            "lines": self.lines.iter().map(|(g, c)| serde_json::json!({
                "product_group_id": g, "amount_cents": c})).collect::<Vec<_>>(),
        });
        (id.to_string(), after.to_string())
    }

    /// The values of [`AUDIT_SALE`].
    pub(super) fn audit_params<'k>(&self, (id, after): &'k (String, String)) -> [Param<'k>; 6] {
        let actor = self.scope.actor;
        [
            Param::Int(Some(self.scope.org.0)),
            Param::Int(actor.user.map(|u| u.0)),
            Param::Int(actor.token.map(|t| t.0)),
            Param::Text(id),
            Param::Text(after),
            Param::Int(Some(ms(self.now))),
        ]
    }

    /// The values of [`KEEP_KEY`].
    pub(super) fn key_params<'k>(&self, once: &'k Once, body: &'k str) -> [Param<'k>; 6] {
        [
            Param::Int(Some(self.scope.org.0)),
            Param::Int(Some(once.token.0)),
            Param::Text(&once.key),
            Param::Text(&once.request_hash),
            Param::Int(Some(ms(self.now))),
            Param::Text(body),
        ]
    }

    /// The values of the sale's event recorded under `id` (its [`Event::SaleMade`] and that
    /// event's delivery job), bound by both paths.
    pub(super) fn recording(&self, id: i64) -> StoreResult<Recording> {
        let event = Event::SaleMade {
            operator: self.dims.operator,
            program: self.dims.program,
            market: self.scope.org,
            register: self.register,
            card: self.dims.card,
            redemption: RedemptionId(id),
            lines: self.lines.iter().map(|(g, c)| (*g, Cents(*c))).collect(),
            total: Cents(self.lines.values().sum()),
            at: self.now,
            receipt: self.notify,
        };
        Recording::new(&event, self.now)
    }

    /// The sale as recorded under `id`.
    pub(super) fn recorded(&self, id: i64) -> Redemption {
        Redemption {
            id: RedemptionId(id),
            program: self.dims.program,
            card: self.dims.card,
            market: self.scope.org,
            register: self.register,
            total: Cents(self.lines.values().sum()),
            refunded: Cents(0),
            lines: self
                .lines
                .iter()
                .map(|(group, amount)| RedemptionLine {
                    group: *group,
                    amount: Cents(*amount),
                    refunded: Cents(0),
                })
                .collect(),
            at: self.now,
            notify: self.notify,
        }
    }
}

impl Store {
    /// Why a card could not pay for a group: its state changed, or its balance is short.
    async fn refusal(
        &self,
        tx: &mut AnyConnection,
        card: CardId,
        group: ProductGroupId,
    ) -> StoreError {
        match card_dims(tx, card).await {
            Ok(d) if !d.status.can_spend() => StoreError::Refused(d.status.refusal()),
            Ok(_) => StoreError::Insufficient(group),
            Err(e) => e,
        }
    }

    /// Spends funds on a card at the acting market: every line is taken from the group's balance
    /// (then from loyalty funds, if the program has them) by conditional updates in one
    /// transaction, or nothing is.
    pub async fn redeem(
        &self,
        scope: &TenantScope,
        input: &RedemptionInput,
    ) -> StoreResult<Redemption> {
        match self.redeem_once(scope, input, None).await? {
            Redeemed::Done(r) => Ok(r),
            Redeemed::Replay(_) => Err(StoreError::Refused(Refusal::IdempotencyKeyReused)),
        }
    }

    /// [`Store::redeem`] under an idempotency key kept in the same transaction as the sale: the
    /// key, the redemption and the response commit together or not at all, and a repeat of the
    /// key returns the first response instead of spending again, even when spending again would
    /// now be refused.
    pub async fn redeem_once(
        &self,
        scope: &TenantScope,
        input: &RedemptionInput,
        once: Option<Once>,
    ) -> StoreResult<Redeemed> {
        let key = once
            .as_ref()
            .map(|o| (o.token, o.key.clone(), o.request_hash.clone()));
        match self.spend(scope, input, once).await {
            Ok(r) => Ok(r),
            Err(e) => match key {
                Some((token, key, hash)) => match self.seen_key(scope, token, &key, &hash).await? {
                    Some(seen) => Ok(Redeemed::Replay(seen)),
                    None => Err(e),
                },
                None => Err(e),
            },
        }
    }

    /// The sale itself: checks on the read pool, then one write transaction on the writer.
    async fn spend(
        &self,
        scope: &TenantScope,
        input: &RedemptionInput,
        once: Option<Once>,
    ) -> StoreResult<Redeemed> {
        let mut lines: BTreeMap<ProductGroupId, i64> = BTreeMap::new();
        for (g, c) in &input.lines {
            c.within(Limit::Movement)?;
            let line = lines.entry(*g).or_default();
            *line = Cents(*line)
                .checked_add(*c)
                .ok_or(AmountError::TooLarge(Limit::Movement))?
                .within(Limit::Movement)?
                .0;
        }
        lines.retain(|_, c| *c > 0);
        if lines.is_empty() {
            return Err(StoreError::Refused(Refusal::EmptyRedemption));
        }
        let now = self.now();
        // What does not move money is read before the write transaction, on the read pool: the
        // card's attachments, the program's groups and PIN rule, the market's membership and the
        // register. The card's state is checked again inside, by the balance update itself.
        let card = CardRef::Lookup(&input.card);
        let (dims, notify, groups) = match self.sale_reads_in_place(card, scope.org, input.register)
        {
            Some(read) => read?,
            None => {
                let (dims, notify) = read_dims(&mut *self.pool.acquire().await?, card).await?;
                let groups = bound(
                    SALE_GROUPS,
                    &sale_group_params(&dims, scope.org, input.register),
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(GroupRow {
                        id: r.try_get("id")?,
                        loyalty: crate::db::flag(r, "is_loyalty")?,
                        member: r.try_get::<Option<i64>, _>("member")?.is_some(),
                        pin_required: crate::db::flag(r, "pin_required")?,
                        register_ok: r.try_get::<Option<i64>, _>("register_ok")?.is_some(),
                        links: r.try_get("links")?,
                        linked: r.try_get::<Option<i64>, _>("linked")?.is_some(),
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
                (dims, notify, groups)
            }
        };
        // A card of a program this market is not in is unknown here, whatever its state.
        let first = groups.first().ok_or(StoreError::NotFound)?;
        if !first.member {
            return Err(StoreError::NotFound);
        }
        if !dims.status.can_spend() {
            return Err(StoreError::Refused(dims.status.refusal()));
        }
        if input.register.is_some() && !first.register_ok {
            return Err(StoreError::Refused(Refusal::UnknownRegister));
        }
        // The holder's partner may send its participants to some markets only.
        if first.links > 0 && !first.linked {
            return Err(StoreError::Refused(Refusal::CardOtherMarket));
        }
        if first.pin_required {
            self.check_pin(scope, dims.card, input.pin.as_deref())
                .await?;
        }
        let loyalty = groups
            .iter()
            .find(|g| g.loyalty)
            .map(|g| ProductGroupId(g.id));
        let known: Vec<ProductGroupId> = groups.iter().map(|g| ProductGroupId(g.id)).collect();
        if let Some(g) = lines.keys().find(|g| !known.contains(g)) {
            return Err(StoreError::Insufficient(*g));
        }
        let store = self.clone();
        let scope = *scope;
        let register = input.register;
        self.on_writer(async move {
            // The common sale runs in place, refusals included; what it hands back (a lot to
            // expire first, loyalty funds to draw on, a key used meanwhile) takes the general
            // path.
            let sale = Sale {
                scope: &scope,
                dims: &dims,
                register,
                lines: &lines,
                now,
                notify,
            };
            if let Some(done) = store.spend_in_place(&sale, loyalty, once.as_ref()).await? {
                return Ok(Redeemed::Done(done));
            }
            store.spend_tx(&sale, loyalty, once).await
        })
        .await
    }

    /// The write transaction of a sale. With a key, the key and its response are inserted last:
    /// if the key was used meanwhile, nothing of this sale is kept (its event neither) and the
    /// first one is replayed.
    async fn spend_tx(
        &self,
        sale: &Sale<'_>,
        loyalty: Option<ProductGroupId>,
        once: Option<Once>,
    ) -> StoreResult<Redeemed> {
        let (card, lines, now) = (sale.dims.card, sale.lines, sale.now);
        let mut tx = self.write_tx().await?;
        self.lock_card(&mut tx, card).await?;
        // Take every line: the group's balance, then loyalty funds for the rest.
        let mut drawn: Vec<(ProductGroupId, ProductGroupId, Drawn)> = Vec::new();
        for (&group, &amount) in lines {
            let lots = usable_lots(&mut tx, card, group, now).await?;
            let own = if take_spendable(&mut tx, card, group, Cents(amount)).await? {
                amount
            } else {
                let Some(loyal) = loyalty.filter(|l| *l != group) else {
                    return Err(self.refusal(&mut tx, card, group).await);
                };
                let have: i64 = lots.iter().map(|l| l.remaining).sum();
                let loyal_lots = usable_lots(&mut tx, card, loyal, now).await?;
                if !take_spendable(&mut tx, card, loyal, Cents(amount - have)).await?
                    || !take_balance(&mut tx, card, group, Cents(have)).await?
                {
                    return Err(self.refusal(&mut tx, card, group).await);
                }
                for lot in draw_from(&mut tx, &loyal_lots, Cents(amount - have)).await? {
                    drawn.push((group, loyal, lot));
                }
                have
            };
            for lot in draw_from(&mut tx, &lots, Cents(own)).await? {
                drawn.push((group, group, lot));
            }
        }
        let id = Inserted::from_row(
            &bound(INSERT_REDEMPTION, &sale.redemption_params())
                .fetch_one(&mut *tx)
                .await?,
        )?
        .id;
        for line in sale.line_params(id) {
            bound(INSERT_LINE, &line).execute(&mut *tx).await?;
        }
        for d in drawn {
            insert_entry(&mut tx, &sale.entry(id, d), now).await?;
        }
        let audit = sale.audit_values(id);
        bound(AUDIT_SALE, &sale.audit_params(&audit))
            .execute(&mut *tx)
            .await?;
        events::insert(&mut tx, &sale.recording(id)?).await?;
        let done = sale.recorded(id);
        if let Some(o) = once {
            let body = (o.respond)(&done);
            let kept = bound(KEEP_KEY, &sale.key_params(&o, &body))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if kept != 1 {
                // Used meanwhile: this sale is rolled back, and the caller replays the first.
                return Err(StoreError::Refused(Refusal::IdempotencyKeyReused));
            }
        }
        tx.commit().await?;
        Ok(Redeemed::Done(done))
    }

    /// The stored outcome of an idempotency key already used, if any.
    async fn seen_key(
        &self,
        scope: &TenantScope,
        token: halles_core::TokenId,
        key: &str,
        request_hash: &str,
    ) -> StoreResult<Option<Claim>> {
        let row = sqlx::query_as::<_, KeyRow>(
            "SELECT request_hash, status_code, content_type, response_body FROM idempotency_keys \
             WHERE organization_id = $1 AND token_id = $2 AND idem_key = $3",
        )
        .bind(scope.org.0)
        .bind(token.0)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if row.request_hash != request_hash {
            return Ok(Some(Claim::Mismatch));
        }
        Ok(Some(match row.status_code {
            None => Claim::InProgress,
            Some(status) => Claim::Replay {
                status: u16::try_from(status).map_err(|_| StoreError::Corrupt("status_code"))?,
                content_type: row.content_type.unwrap_or_default(),
                body: row.response_body.unwrap_or_default(),
            },
        }))
    }

    /// A redemption seen by its market or by the program's operator.
    pub async fn redemption(
        &self,
        scope: &TenantScope,
        id: RedemptionId,
    ) -> StoreResult<Redemption> {
        let r = sqlx::query_as::<_, RedemptionRow>(
            "SELECT id, program_id, card_id, market_id, register_id, total_cents, refunded_cents, created_at \
             FROM redemptions WHERE id = $1 AND (market_id = $2 OR organization_id = $2)",
        )
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let lines = sqlx::query_as::<_, LineRow>(
            "SELECT product_group_id, amount_cents, refunded_cents FROM redemption_lines WHERE redemption_id = $1 \
             ORDER BY product_group_id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|l| RedemptionLine {
            group: ProductGroupId(l.product_group_id),
            amount: Cents(l.amount_cents),
            refunded: Cents(l.refunded_cents),
        })
        .collect();
        Ok(Redemption {
            id,
            program: ProgramId(r.program_id),
            card: CardId(r.card_id),
            market: OrgId(r.market_id),
            register: r.register_id.map(RegisterId),
            total: Cents(r.total_cents),
            refunded: Cents(r.refunded_cents),
            lines,
            at: instant(r.created_at)?,
            notify: false,
        })
    }

    /// The acting market's latest redemptions (or the operator's, for its programs).
    pub async fn recent_redemptions(
        &self,
        scope: &TenantScope,
        limit: i64,
    ) -> StoreResult<Vec<Redemption>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM redemptions WHERE market_id = $1 OR organization_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(scope.org.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.redemption(scope, RedemptionId(id)).await?);
        }
        Ok(out)
    }
}

/// A row that reports the id it inserted.
#[derive(FromRow)]
struct Inserted {
    id: i64,
}

/// A row of `idempotency_keys`, as a sale's retry reads it.
#[derive(FromRow)]
struct KeyRow {
    request_hash: String,
    status_code: Option<i64>,
    content_type: Option<String>,
    response_body: Option<String>,
}

/// A row of `redemptions`.
#[derive(FromRow)]
struct RedemptionRow {
    program_id: i64,
    card_id: i64,
    market_id: i64,
    register_id: Option<i64>,
    total_cents: i64,
    refunded_cents: i64,
    created_at: i64,
}

/// A row of `redemption_lines`.
#[derive(FromRow)]
struct LineRow {
    product_group_id: i64,
    amount_cents: i64,
    refunded_cents: i64,
}
