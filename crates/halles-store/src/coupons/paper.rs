//! Paper coupons: batches of printed coupons of a fixed value in one product group.
//!
//! A batch's money is drawn at issue from an envelope of the partner that hands it out, or from
//! the program's reserve, and written to the ledger as one `load` entry per coupon (entries
//! without a card: `paper_coupon_id` instead of `card_id`). A coupon moves from `issued` to
//! `handed_out` (its partner records the hand-out), then once to `redeemed` at a market's
//! register (a `spend` entry, so claims and reports count it like a card sale), or to `expired`
//! (the worker, past its date) or `voided` (the operator), which give its value back where it
//! came from with an `expire` entry. Every move is a conditional update on the status read, so
//! two registers redeeming the same coupon at the same instant cannot both succeed.

use super::reserve::{FundSource, draw, give_back};
use super::{Access, ProgramScope, day, instant, instant_opt};
use crate::db::ms;
use crate::platform::audit::{self, Action, Change};
use crate::{Actor, Store, StoreError, StoreResult, TenantScope};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use halles_core::coupons::{
    CardNumberError, EntryKind, PaperSerial, PaperStatus, ProgramRole, local_date, start_of,
};
use halles_core::limits::{Limit, MAX_PAPER_COUPONS, MAX_PAPER_EXPIRY_DAYS};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{
    OrgId, PaperBatchId, PaperCouponId, ParticipantId, ProductGroupId, ProgramId, RegisterId,
};
use jiff::Timestamp;
use jiff::civil::Date;
use rand::{Rng, RngCore};
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, FromRow};

/// What the operator asks for when issuing a batch.
#[derive(Debug, Clone)]
pub struct PaperBatchInput {
    /// The product group every coupon of the batch pays for.
    pub group: ProductGroupId,
    /// Each coupon's value.
    pub value: Cents,
    /// How many coupons (1 to [`MAX_PAPER_COUPONS`]).
    pub size: u32,
    /// The last day a coupon can be redeemed.
    pub expires_on: Date,
    /// The partner organization that hands the coupons out.
    pub partner: OrgId,
    /// Where the batch's money comes from: that partner's envelope or the program's reserve.
    pub source: FundSource,
}

/// A batch of paper coupons.
#[derive(Debug, Clone, Serialize)]
pub struct PaperBatch {
    /// Its id (its number for people).
    pub id: PaperBatchId,
    /// The program.
    pub program: ProgramId,
    /// The product group its coupons pay for.
    pub group: ProductGroupId,
    /// The partner that hands them out.
    pub partner: OrgId,
    /// The partner's name.
    pub partner_name: String,
    /// The envelope its money came from (none: the program's reserve).
    pub envelope: Option<i64>,
    /// Each coupon's value.
    pub value: Cents,
    /// How many coupons.
    pub size: i64,
    /// The last day a coupon can be redeemed.
    pub expires_on: Date,
    /// When it was issued.
    pub created_at: Timestamp,
    /// How many coupons are in each status (issued, handed out, redeemed, expired, voided).
    pub counts: [i64; 5],
}

/// A paper coupon.
#[derive(Debug, Clone, Serialize)]
pub struct PaperCoupon {
    /// Its id.
    pub id: PaperCouponId,
    /// Its batch.
    pub batch: PaperBatchId,
    /// The program.
    pub program: ProgramId,
    /// The printed serial.
    pub serial: PaperSerial,
    /// The value of its QR code (random, never derived from the serial).
    #[serde(skip)]
    pub token: String,
    /// Where it stands.
    pub status: PaperStatus,
    /// What it is worth.
    pub value: Cents,
    /// The product group it pays for.
    pub group: ProductGroupId,
    /// The last day it can be redeemed.
    pub expires_on: Date,
    /// The partner that hands it out.
    pub partner: OrgId,
    /// The participant it was handed to, when known.
    pub participant: Option<ParticipantId>,
    /// When it was handed out.
    pub handed_out_at: Option<Timestamp>,
    /// When it was redeemed.
    pub redeemed_at: Option<Timestamp>,
    /// The market where it was redeemed.
    pub market: Option<OrgId>,
    /// The register where it was redeemed.
    pub register: Option<RegisterId>,
}

/// How a register or a partner names a coupon: its scanned QR value or its typed serial.
#[derive(Debug, Clone)]
pub enum PaperLookup {
    /// A typed serial (check digit verified).
    Serial(PaperSerial),
    /// The value of its QR code.
    Token(String),
}

/// The prefix of every paper coupon's QR value, so a scan is never taken for a card's.
pub const PAPER_QR_PREFIX: &str = "HP-";

impl PaperLookup {
    /// Reads what was typed or scanned: a QR value (`HP-…`) or a 14-digit serial.
    pub fn parse(input: &str) -> StoreResult<PaperLookup> {
        let s = input.trim();
        if s.starts_with(PAPER_QR_PREFIX) {
            return Ok(PaperLookup::Token(s.to_owned()));
        }
        PaperSerial::parse(s)
            .map(PaperLookup::Serial)
            .map_err(|_: CardNumberError| StoreError::field("coupon", Refusal::PaperSerialInvalid))
    }
}

/// The bit of SQL and the value that find a coupon by a lookup.
fn lookup_sql(lookup: &PaperLookup) -> (&'static str, String) {
    match lookup {
        PaperLookup::Serial(s) => ("c.serial = $1", s.as_str().to_owned()),
        PaperLookup::Token(t) => ("c.token = $1", t.clone()),
    }
}

const COUPON_COLUMNS: &str = "c.id, c.batch_id, c.program_id, c.serial, c.token, c.status, b.value_cents, \
     b.product_group_id, b.expires_on, b.expires_at, b.partner_id, b.envelope_id, c.participant_id, \
     c.handed_out_at, c.redeemed_at, c.market_id, c.register_id";

/// A row of [`COUPON_COLUMNS`].
#[derive(FromRow)]
struct CouponRow {
    id: i64,
    batch_id: i64,
    program_id: i64,
    serial: String,
    token: String,
    status: String,
    value_cents: i64,
    product_group_id: i64,
    expires_on: String,
    expires_at: i64,
    partner_id: i64,
    envelope_id: Option<i64>,
    participant_id: Option<i64>,
    handed_out_at: Option<i64>,
    redeemed_at: Option<i64>,
    market_id: Option<i64>,
    register_id: Option<i64>,
}

impl CouponRow {
    fn coupon(&self) -> StoreResult<PaperCoupon> {
        Ok(PaperCoupon {
            id: PaperCouponId(self.id),
            batch: PaperBatchId(self.batch_id),
            program: ProgramId(self.program_id),
            serial: PaperSerial::parse(&self.serial)
                .map_err(|_| StoreError::Corrupt("paper_serial"))?,
            token: self.token.clone(),
            status: self.status()?,
            value: Cents(self.value_cents),
            group: ProductGroupId(self.product_group_id),
            expires_on: day(&self.expires_on)?,
            partner: OrgId(self.partner_id),
            participant: self.participant_id.map(ParticipantId),
            handed_out_at: instant_opt(self.handed_out_at)?,
            redeemed_at: instant_opt(self.redeemed_at)?,
            market: self.market_id.map(OrgId),
            register: self.register_id.map(RegisterId),
        })
    }

    fn status(&self) -> StoreResult<PaperStatus> {
        self.status
            .parse()
            .map_err(|_| StoreError::Corrupt("paper_status"))
    }
}

/// A fresh serial from the operating system's random source (through `ThreadRng`).
fn new_serial() -> PaperSerial {
    let mut rng = rand::rng();
    let mut body = [0u8; 13];
    for d in &mut body {
        *d = rng.random_range(0..10);
    }
    // No leading zero: serials keep 14 digits when a spreadsheet reads them.
    body[0] = rng.random_range(1..10);
    PaperSerial::from_digits(body)
}

/// A fresh QR value: the prefix and 16 random bytes, URL-safe.
fn new_token() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    format!("{PAPER_QR_PREFIX}{}", URL_SAFE_NO_PAD.encode(b))
}

/// One ledger entry of a paper coupon.
struct PaperEntry<'a> {
    operator: i64,
    coupon: &'a CouponRow,
    kind: EntryKind,
    amount: i64,
    market: Option<OrgId>,
    register: Option<RegisterId>,
    reason: &'a str,
    actor: Actor,
}

/// Appends a paper coupon's entry to the ledger (no card: `paper_coupon_id`).
async fn insert_paper_entry(
    tx: &mut AnyConnection,
    e: &PaperEntry<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO fund_entries (organization_id, program_id, paper_coupon_id, product_group_id, kind, \
         amount_cents, partner_id, participant_id, market_id, register_id, reason, actor_user_id, actor_token_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(e.operator)
    .bind(e.coupon.program_id)
    .bind(e.coupon.id)
    .bind(e.coupon.product_group_id)
    .bind(e.kind.code())
    .bind(e.amount)
    .bind(e.coupon.partner_id)
    .bind(e.coupon.participant_id)
    .bind(e.market.map(|m| m.0))
    .bind(e.register.map(|r| r.0))
    .bind(e.reason)
    .bind(e.actor.user.map(|u| u.0))
    .bind(e.actor.token.map(|t| t.0))
    .bind(ms(now))
    .execute(tx)
    .await?;
    Ok(())
}

/// Reads a coupon of any program by lookup, in the caller's transaction.
async fn read_coupon(
    tx: &mut AnyConnection,
    lookup: &PaperLookup,
) -> StoreResult<(CouponRow, i64)> {
    let (cond, value) = lookup_sql(lookup);
    let sql = format!(
        "SELECT {COUPON_COLUMNS}, c.organization_id AS operator FROM paper_coupons c \
         JOIN paper_batches b ON b.id = c.batch_id WHERE {cond}"
    );
    let r = sqlx::query(&sql)
        .bind(value)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let operator: i64 = sqlx::Row::try_get(&r, "operator")?;
    Ok((CouponRow::from_row(&r)?, operator))
}

/// Moves a coupon to `to` only if it is still in the status read, setting `set` (columns bound
/// from `$4` on to `values`). False when another transaction moved it first.
async fn move_coupon(
    tx: &mut AnyConnection,
    coupon: &CouponRow,
    to: PaperStatus,
    set: &str,
    values: &[Option<i64>],
) -> StoreResult<bool> {
    let sql = format!("UPDATE paper_coupons SET status = $1{set} WHERE id = $2 AND status = $3");
    let mut q = sqlx::query(&sql)
        .bind(to.code())
        .bind(coupon.id)
        .bind(coupon.status.as_str());
    for v in values {
        q = q.bind(*v);
    }
    Ok(q.execute(tx).await?.rows_affected() == 1)
}

/// Closes an outstanding coupon (expired or voided): its value goes back to its envelope or the
/// reserve, with an `expire` entry. False when it was no longer outstanding.
async fn close_coupon(
    tx: &mut AnyConnection,
    operator: i64,
    coupon: &CouponRow,
    to: PaperStatus,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<bool> {
    if !coupon.status()?.outstanding() {
        return Ok(false);
    }
    if !move_coupon(&mut *tx, coupon, to, ", closed_at = $4", &[Some(ms(now))]).await? {
        return Ok(false);
    }
    give_back(
        &mut *tx,
        ProgramId(coupon.program_id),
        coupon.envelope_id,
        coupon.value_cents,
    )
    .await?;
    let entry = PaperEntry {
        operator,
        coupon,
        kind: EntryKind::Expire,
        amount: -coupon.value_cents,
        market: None,
        register: None,
        reason: to.code(),
        actor,
    };
    insert_paper_entry(tx, &entry, now).await?;
    Ok(true)
}

impl Store {
    /// Issues a batch of paper coupons (the operator): checks the group, the partner, the value,
    /// the size and the date, draws `value × size` from the source (refused when it holds too
    /// little), and writes the batch, its coupons and their `load` entries. Audited.
    pub async fn issue_paper_batch(
        &self,
        ps: &ProgramScope,
        input: &PaperBatchInput,
    ) -> StoreResult<(PaperBatch, Vec<PaperCoupon>)> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let now = self.now();
        let today = local_date(now);
        let mut v = halles_core::validation::Validator::new();
        if input.value.0 <= 0 {
            v.refuse("value", Refusal::InvalidAmount);
        } else if input.value.within(Limit::Movement).is_err() {
            v.refuse("value", Refusal::AmountTooLarge);
        }
        if input.size == 0 || input.size > MAX_PAPER_COUPONS {
            v.refuse("size", Refusal::PaperBatchSize);
        }
        let latest = today
            .checked_add(jiff::Span::new().days(MAX_PAPER_EXPIRY_DAYS))
            .unwrap_or(today);
        if input.expires_on <= today || input.expires_on > latest {
            v.refuse("expires_on", Refusal::PaperExpiryInvalid);
        }
        v.finish()?;
        let total = Cents(input.value.0 * i64::from(input.size)).within(Limit::Budget)?;
        let group_ok: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM product_groups WHERE id = $1 AND program_id = $2 AND is_loyalty = $3",
        )
        .bind(input.group.0)
        .bind(program.0)
        .bind(false)
        .fetch_optional(&self.pool)
        .await?;
        if group_ok.is_none() {
            return Err(StoreError::NotFound);
        }
        let partner: Option<i64> = sqlx::query_scalar(
            "SELECT member_id FROM program_members WHERE program_id = $1 AND member_id = $2 AND role = 'partner'",
        )
        .bind(program.0)
        .bind(input.partner.0)
        .fetch_optional(&self.pool)
        .await?;
        if partner.is_none() {
            return Err(StoreError::field("partner", Refusal::NotAPartner));
        }
        let mut tx = self.write_tx().await?;
        let envelope = draw(&mut tx, program, Some(input.partner), input.source, total).await?;
        let batch: i64 = sqlx::query_scalar(
            "INSERT INTO paper_batches (organization_id, program_id, product_group_id, partner_id, envelope_id, \
             value_cents, size, expires_on, expires_at, actor_user_id, actor_token_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(input.group.0)
        .bind(input.partner.0)
        .bind(envelope)
        .bind(input.value.0)
        .bind(i64::from(input.size))
        .bind(input.expires_on.to_string())
        .bind(ms(expiry_instant(input.expires_on)))
        .bind(scope.actor.user.map(|u| u.0))
        .bind(scope.actor.token.map(|t| t.0))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let mut made = 0;
        while made < input.size {
            // A serial already taken (1 in 10^12 per coupon) is skipped and redrawn.
            let n = sqlx::query(
                "INSERT INTO paper_coupons (organization_id, program_id, batch_id, serial, token, status) \
                 VALUES ($1, $2, $3, $4, $5, 'issued') ON CONFLICT DO NOTHING",
            )
            .bind(scope.org.0)
            .bind(program.0)
            .bind(batch)
            .bind(new_serial().as_str())
            .bind(new_token())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            made += n as u32;
        }
        let rows = coupons_of(&mut tx, batch).await?;
        for c in &rows {
            let entry = PaperEntry {
                operator: scope.org.0,
                coupon: c,
                kind: EntryKind::Load,
                amount: c.value_cents,
                market: None,
                register: None,
                reason: "paper_issue",
                actor: scope.actor,
            };
            insert_paper_entry(&mut tx, &entry, now).await?;
        }
        let source = match input.source {
            FundSource::Reserve => json!("reserve"),
            FundSource::Envelope(e) => json!(e),
        };
        let change = Change::by(scope, Action::Create, "paper_batch", batch).after(json!({
            "program": program, "group": input.group, "partner": input.partner, "source": source,
            "value_cents": input.value.0, "size": input.size, "expires_on": input.expires_on,
        }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        let coupons = rows
            .iter()
            .map(CouponRow::coupon)
            .collect::<StoreResult<Vec<_>>>()?;
        let b = self.paper_batch(ps, PaperBatchId(batch)).await?;
        Ok((b, coupons))
    }

    /// The batches of a program the acting organization sees: the operator all of them, a
    /// partner those it hands out. Newest first.
    pub async fn paper_batches(&self, ps: &ProgramScope) -> StoreResult<Vec<PaperBatch>> {
        self.read_batches(ps, None).await
    }

    /// One batch, for the operator or the partner that hands it out.
    pub async fn paper_batch(
        &self,
        ps: &ProgramScope,
        id: PaperBatchId,
    ) -> StoreResult<PaperBatch> {
        self.read_batches(ps, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    async fn read_batches(
        &self,
        ps: &ProgramScope,
        id: Option<PaperBatchId>,
    ) -> StoreResult<Vec<PaperBatch>> {
        let partner = paper_partner(ps)?;
        let rows = sqlx::query_as::<_, BatchRow>(
            "SELECT b.id, b.program_id, b.product_group_id, b.partner_id, o.name AS partner_name, b.envelope_id, \
             b.value_cents, b.size, b.expires_on, b.created_at, \
             (SELECT COUNT(*) FROM paper_coupons c WHERE c.batch_id = b.id AND c.status = 'issued') AS issued, \
             (SELECT COUNT(*) FROM paper_coupons c WHERE c.batch_id = b.id AND c.status = 'handed_out') AS handed_out, \
             (SELECT COUNT(*) FROM paper_coupons c WHERE c.batch_id = b.id AND c.status = 'redeemed') AS redeemed, \
             (SELECT COUNT(*) FROM paper_coupons c WHERE c.batch_id = b.id AND c.status = 'expired') AS expired, \
             (SELECT COUNT(*) FROM paper_coupons c WHERE c.batch_id = b.id AND c.status = 'voided') AS voided \
             FROM paper_batches b JOIN organizations o ON o.id = b.partner_id WHERE b.program_id = $1 \
             AND ($2 = 0 OR b.partner_id = $2) AND ($3 = 0 OR b.id = $3) ORDER BY b.id DESC LIMIT 1000",
        )
        .bind(ps.id().0)
        .bind(partner)
        .bind(id.map(|i| i.0).unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PaperBatch {
                    id: PaperBatchId(r.id),
                    program: ProgramId(r.program_id),
                    group: ProductGroupId(r.product_group_id),
                    partner: OrgId(r.partner_id),
                    partner_name: r.partner_name,
                    envelope: r.envelope_id,
                    value: Cents(r.value_cents),
                    size: r.size,
                    expires_on: day(&r.expires_on)?,
                    created_at: instant(r.created_at)?,
                    counts: [r.issued, r.handed_out, r.redeemed, r.expired, r.voided],
                })
            })
            .collect()
    }

    /// The coupons of a batch, for the operator or the partner that hands them out (with their
    /// QR values, to print them).
    pub async fn paper_coupons(
        &self,
        ps: &ProgramScope,
        batch: PaperBatchId,
    ) -> StoreResult<Vec<PaperCoupon>> {
        self.paper_batch(ps, batch).await?;
        let mut conn = self.pool.acquire().await?;
        coupons_of(&mut conn, batch.0)
            .await?
            .iter()
            .map(CouponRow::coupon)
            .collect()
    }

    /// A coupon by lookup, for the operator or the partner that hands it out.
    pub async fn paper_coupon(
        &self,
        ps: &ProgramScope,
        lookup: &PaperLookup,
    ) -> StoreResult<PaperCoupon> {
        let partner = paper_partner(ps)?;
        let mut conn = self.pool.acquire().await?;
        let (row, _) = read_coupon(&mut conn, lookup).await?;
        if row.program_id != ps.id().0 || (partner != 0 && row.partner_id != partner) {
            return Err(StoreError::NotFound);
        }
        row.coupon()
    }

    /// Records that a coupon was handed out (its partner or the operator), to a participant of
    /// that partner when known: only a coupon recorded so is redeemable. Audited.
    pub async fn hand_out_paper(
        &self,
        ps: &ProgramScope,
        lookup: &PaperLookup,
        participant: Option<ParticipantId>,
    ) -> StoreResult<PaperCoupon> {
        let partner = paper_partner(ps)?;
        let scope = ps.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (row, _) = read_coupon(&mut tx, lookup).await?;
        if row.program_id != ps.id().0 || (partner != 0 && row.partner_id != partner) {
            return Err(StoreError::NotFound);
        }
        if let Some(p) = participant {
            let known: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM participants WHERE id = $1 AND program_id = $2 AND organization_id = $3",
            )
            .bind(p.0)
            .bind(row.program_id)
            .bind(row.partner_id)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        let status = row.status()?;
        if status == PaperStatus::Issued && row.expires_at <= ms(now) {
            return Err(StoreError::Refused(Refusal::PaperExpired));
        }
        if status != PaperStatus::Issued
            || !move_coupon(
                &mut tx,
                &row,
                PaperStatus::HandedOut,
                ", participant_id = $4, handed_out_at = $5, handed_out_by = $6",
                &[
                    participant.map(|p| p.0),
                    Some(ms(now)),
                    scope.actor.user.map(|u| u.0),
                ],
            )
            .await?
        {
            return Err(StoreError::Refused(Refusal::PaperState));
        }
        let change = Change::by(scope, Action::Update, "paper_coupon", row.id)
            .before(json!({"status": "issued"}))
            .after(json!({"status": "handed_out", "participant": participant}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        let mut conn = self.pool.acquire().await?;
        read_coupon(&mut conn, lookup).await?.0.coupon()
    }

    /// Voids an outstanding coupon (the operator): its value goes back where it came from.
    /// Audited.
    pub async fn void_paper(
        &self,
        ps: &ProgramScope,
        lookup: &PaperLookup,
    ) -> StoreResult<PaperCoupon> {
        let scope = ps.operated()?.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (row, operator) = read_coupon(&mut tx, lookup).await?;
        if row.program_id != ps.id().0 {
            return Err(StoreError::NotFound);
        }
        if !close_coupon(
            &mut tx,
            operator,
            &row,
            PaperStatus::Voided,
            scope.actor,
            now,
        )
        .await?
        {
            return Err(StoreError::Refused(Refusal::PaperState));
        }
        let change = Change::by(scope, Action::Update, "paper_coupon", row.id)
            .before(json!({"status": row.status}))
            .after(json!({"status": "voided"}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        let mut conn = self.pool.acquire().await?;
        read_coupon(&mut conn, lookup).await?.0.coupon()
    }

    /// Redeems a coupon at the acting market, named by its scanned QR value or typed serial
    /// (never by id): refused unless handed out and not past its date, and redeemed once: the
    /// move to `redeemed` is a conditional update, so of two registers at the same instant one
    /// wins and the other is told it was redeemed. Writes a `spend` entry.
    pub async fn redeem_paper(
        &self,
        scope: &TenantScope,
        lookup: &PaperLookup,
        register: Option<RegisterId>,
    ) -> StoreResult<PaperCoupon> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (row, operator) = read_coupon(&mut tx, lookup).await?;
        let checks = sqlx::query_as::<_, MarketChecks>(
            "SELECT (SELECT COUNT(*) FROM program_members m WHERE m.program_id = $1 AND m.member_id = $2 \
             AND m.role = 'market') AS member, \
             (SELECT COUNT(*) FROM registers r WHERE r.id = $3 AND r.organization_id = $2 AND r.active = $4) AS register_ok, \
             (SELECT COUNT(*) FROM partner_markets pm WHERE pm.program_id = $1 AND pm.partner_id = $5) AS links, \
             (SELECT COUNT(*) FROM partner_markets pm WHERE pm.program_id = $1 AND pm.partner_id = $5 \
             AND pm.market_id = $2) AS linked",
        )
        .bind(row.program_id)
        .bind(scope.org.0)
        .bind(register.map(|r| r.0))
        .bind(true)
        .bind(row.partner_id)
        .fetch_one(&mut *tx)
        .await?;
        // A coupon of a program this market is not in is unknown here, whatever its state.
        if checks.member == 0 {
            return Err(StoreError::NotFound);
        }
        if register.is_some() && checks.register_ok == 0 {
            return Err(StoreError::Refused(Refusal::UnknownRegister));
        }
        let status = row.status()?;
        if status != PaperStatus::HandedOut {
            return Err(StoreError::Refused(status.refusal()));
        }
        if row.expires_at <= ms(now) {
            return Err(StoreError::Refused(Refusal::PaperExpired));
        }
        // The coupon's partner may send its participants to some markets only.
        if checks.links > 0 && checks.linked == 0 {
            return Err(StoreError::Refused(Refusal::CardOtherMarket));
        }
        if !move_coupon(
            &mut tx,
            &row,
            PaperStatus::Redeemed,
            ", redeemed_at = $4, market_id = $5, register_id = $6",
            &[Some(ms(now)), Some(scope.org.0), register.map(|r| r.0)],
        )
        .await?
        {
            // Another register took it between the read and the update.
            return Err(StoreError::Refused(Refusal::PaperRedeemed));
        }
        let entry = PaperEntry {
            operator,
            coupon: &row,
            kind: EntryKind::Spend,
            amount: -row.value_cents,
            market: Some(scope.org),
            register,
            reason: "",
            actor: scope.actor,
        };
        insert_paper_entry(&mut tx, &entry, now).await?;
        tx.commit().await?;
        let mut conn = self.pool.acquire().await?;
        read_coupon(&mut conn, lookup).await?.0.coupon()
    }

    /// Expires every outstanding coupon past its date (the worker, with card lots), batch by
    /// batch, each in its own transaction: its value goes back where it came from. Returns the
    /// cents given back.
    pub(crate) async fn expire_paper(&self, now: Timestamp) -> StoreResult<i64> {
        let batches: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT b.id FROM paper_batches b JOIN paper_coupons c ON c.batch_id = b.id \
             WHERE b.expires_at <= $1 AND c.status IN ('issued', 'handed_out') ORDER BY b.id",
        )
        .bind(ms(now))
        .fetch_all(&self.pool)
        .await?;
        let mut total = 0;
        for batch in batches {
            let mut tx = self.write_tx().await?;
            let operator: i64 =
                sqlx::query_scalar("SELECT organization_id FROM paper_batches WHERE id = $1")
                    .bind(batch)
                    .fetch_one(&mut *tx)
                    .await?;
            for c in coupons_of(&mut tx, batch).await? {
                if close_coupon(
                    &mut tx,
                    operator,
                    &c,
                    PaperStatus::Expired,
                    Actor::system(),
                    now,
                )
                .await?
                {
                    total += c.value_cents;
                }
            }
            tx.commit().await?;
        }
        Ok(total)
    }

    /// What a program's outstanding paper coupons are worth (issued or handed out).
    pub(crate) async fn paper_outstanding(&self, program: ProgramId) -> StoreResult<Cents> {
        let s: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(b.value_cents) AS BIGINT) AS s FROM paper_coupons c JOIN paper_batches b \
             ON b.id = c.batch_id WHERE c.program_id = $1 AND c.status IN ('issued', 'handed_out')",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(Cents(s.unwrap_or(0)))
    }
}

/// The partner a program scope limits paper coupons to (0: the operator, all of them).
fn paper_partner(ps: &ProgramScope) -> StoreResult<i64> {
    match ps.access() {
        Access::Operator => Ok(0),
        Access::Member(ProgramRole::Partner) => Ok(ps.tenant().org.0),
        Access::Member(_) => Err(StoreError::NotFound),
    }
}

/// The instant a coupon valid through `expires_on` expires: the next day's start in Montréal.
fn expiry_instant(expires_on: Date) -> Timestamp {
    start_of(expires_on.tomorrow().unwrap_or(expires_on))
}

/// A batch's coupons, in the caller's connection.
async fn coupons_of(conn: &mut AnyConnection, batch: i64) -> StoreResult<Vec<CouponRow>> {
    let sql = format!(
        "SELECT {COUPON_COLUMNS} FROM paper_coupons c JOIN paper_batches b ON b.id = c.batch_id \
         WHERE c.batch_id = $1 ORDER BY c.id"
    );
    Ok(sqlx::query_as::<_, CouponRow>(&sql)
        .bind(batch)
        .fetch_all(conn)
        .await?)
}

/// A row of the batch list.
#[derive(FromRow)]
struct BatchRow {
    id: i64,
    program_id: i64,
    product_group_id: i64,
    partner_id: i64,
    partner_name: String,
    envelope_id: Option<i64>,
    value_cents: i64,
    size: i64,
    expires_on: String,
    created_at: i64,
    issued: i64,
    handed_out: i64,
    redeemed: i64,
    expired: i64,
    voided: i64,
}

/// What a redemption checks about the market, its register and the coupon's partner's links.
#[derive(FromRow)]
struct MarketChecks {
    member: i64,
    register_ok: i64,
    links: i64,
    linked: i64,
}
