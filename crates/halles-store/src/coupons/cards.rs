//! Cards: batches with unguessable numbers and QR tokens, assignment, loss and replacement,
//! disabling, and gift cards.

use super::Access;
use super::ProgramScope;
use super::ledger::{CardDims, Entry, add_lot, card_dims, insert_entry};
use crate::db::ms;
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult, TenantScope};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use halles_core::coupons::{
    CardAction, CardActor, CardNumber, CardState, CardStatus, EntryKind, ProgramRole,
    card_transition,
};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{CardBatchId, CardId, OrgId, ParticipantId, ProgramId};
use rand::{Rng, RngCore};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// A card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// Its id.
    pub id: CardId,
    /// Its program.
    pub program: ProgramId,
    /// Its batch.
    pub batch: Option<CardBatchId>,
    /// The printed number.
    pub number: CardNumber,
    /// The random value in its QR code (never derived from the number).
    #[serde(skip)]
    pub token: String,
    /// Its state.
    pub status: CardStatus,
    /// Its holder.
    pub participant: Option<ParticipantId>,
    /// The holder's partner organization.
    pub partner: Option<OrgId>,
    /// The card that replaced it, when lost.
    pub replaced_by: Option<CardId>,
    /// Whether its PIN is locked after too many wrong tries (until its partner or operator
    /// unlocks it).
    pub pin_locked: bool,
}

/// How a register or a person names a card: its typed number or its scanned QR value.
#[derive(Debug, Clone)]
pub enum CardLookup {
    /// A typed number (check digit verified).
    Number(CardNumber),
    /// The token from the QR code.
    Token(String),
}

impl CardLookup {
    /// Reads what a cashier typed or scanned: a QR value (`…/c/<token>` or the bare token) or a
    /// 16-digit number.
    pub fn parse(input: &str) -> Result<CardLookup, halles_core::coupons::CardNumberError> {
        let s = input.trim();
        if let Some((_, token)) = s.rsplit_once("/c/") {
            return Ok(CardLookup::Token(token.trim_end_matches('/').to_owned()));
        }
        if s.len() >= 20
            && !s
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        {
            return Ok(CardLookup::Token(s.to_owned()));
        }
        CardNumber::parse(s).map(CardLookup::Number)
    }
}

const COLUMNS: &str = "id, program_id, batch_id, number, token, status, participant_id, partner_id, replaced_by, pin_failures";

/// A row of `cards` ([`COLUMNS`]).
#[derive(FromRow)]
struct CardRow {
    id: i64,
    program_id: i64,
    batch_id: Option<i64>,
    number: String,
    token: String,
    status: String,
    participant_id: Option<i64>,
    partner_id: Option<i64>,
    replaced_by: Option<i64>,
    pin_failures: i64,
}

impl TryFrom<CardRow> for Card {
    type Error = StoreError;
    fn try_from(r: CardRow) -> StoreResult<Card> {
        Ok(Card {
            id: CardId(r.id),
            program: ProgramId(r.program_id),
            batch: r.batch_id.map(CardBatchId),
            number: CardNumber::parse(&r.number).map_err(|_| StoreError::Corrupt("card_number"))?,
            token: r.token,
            status: r
                .status
                .parse()
                .map_err(|_| StoreError::Corrupt("card_status"))?,
            participant: r.participant_id.map(ParticipantId),
            partner: r.partner_id.map(OrgId),
            replaced_by: r.replaced_by.map(CardId),
            pin_locked: r.pin_failures >= super::pin::PIN_TRIES,
        })
    }
}

fn card_row(r: &AnyRow) -> StoreResult<Card> {
    CardRow::from_row(r)?.try_into()
}

/// A fresh card number from the operating system's random source (through `ThreadRng`, a
/// CSPRNG reseeded from it).
fn new_number() -> CardNumber {
    let mut rng = rand::rng();
    let mut body = [0u8; 15];
    for d in &mut body {
        *d = rng.random_range(0..10);
    }
    // No leading zero: numbers keep 16 digits when a spreadsheet reads them.
    body[0] = rng.random_range(1..10);
    CardNumber::from_digits(body)
}

/// A fresh QR token: 16 random bytes, URL-safe.
fn new_token() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// Who the acting organization is to a program's cards, for the card state machine.
pub(crate) fn card_actor(ps: &ProgramScope) -> CardActor {
    match ps.access() {
        Access::Operator => CardActor::Operator,
        Access::Member(ProgramRole::Partner) if ps.program().partners_assign_cards => {
            CardActor::Partner
        }
        Access::Member(ProgramRole::Partner) => CardActor::PartnerNotManaging,
        Access::Member(_) => CardActor::Market,
    }
}

/// The card state machine's answer for this caller ([`card_transition`]), as a store error.
pub(crate) fn next_status(
    ps: &ProgramScope,
    state: CardState,
    action: CardAction,
) -> StoreResult<CardStatus> {
    card_transition(state, action, card_actor(ps)).map_err(StoreError::Refused)
}

/// [`next_status`] for an action whose answer does not depend on the card's funds.
pub(crate) fn allowed(
    ps: &ProgramScope,
    dims: &CardDims,
    action: CardAction,
) -> StoreResult<CardStatus> {
    let state = CardState {
        status: dims.status,
        held: dims.participant.is_some(),
        funded: false,
    };
    next_status(ps, state, action)
}

/// A card's state for the state machine, read in the caller's transaction (after
/// [`Store::lock_card`] when its funds matter).
pub(crate) async fn card_state(
    tx: &mut sqlx::AnyConnection,
    card: CardId,
) -> StoreResult<CardState> {
    let (status, participant, funds) = sqlx::query_as::<_, (String, Option<i64>, Option<i64>)>(
        "SELECT c.status, c.participant_id, (SELECT CAST(SUM(f.balance_cents) AS BIGINT) FROM card_funds f \
         WHERE f.card_id = c.id) AS funds FROM cards c WHERE c.id = $1",
    )
    .bind(card.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(CardState {
        status: status
            .parse()
            .map_err(|_| StoreError::Corrupt("card_status"))?,
        held: participant.is_some(),
        funded: funds.unwrap_or(0) > 0,
    })
}

/// Moves a card from the status it was read in to the next one: a conditional update, so a
/// card changed meanwhile is refused (`card_state`) rather than moved from a state it left.
async fn move_status(
    tx: &mut sqlx::AnyConnection,
    card: CardId,
    from: CardStatus,
    to: CardStatus,
    now: jiff::Timestamp,
) -> StoreResult<()> {
    let n =
        sqlx::query("UPDATE cards SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(to.code())
            .bind(ms(now))
            .bind(card.0)
            .bind(from.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n != 1 {
        return Err(StoreError::Refused(Refusal::CardState));
    }
    Ok(())
}

impl Store {
    /// Creates a batch of `size` unassigned cards in a program the acting organization runs.
    pub async fn create_card_batch(
        &self,
        ps: &ProgramScope,
        size: u32,
    ) -> StoreResult<(CardBatchId, Vec<Card>)> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        if size == 0 || size > 5000 {
            return Err(StoreError::field("size", Refusal::BatchSize));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let batch: i64 = sqlx::query_scalar(
            "INSERT INTO card_batches (organization_id, program_id, size, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(i64::from(size))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let mut made = 0;
        while made < size {
            // A collision with an existing number (1 in 10^14 per card) is skipped and redrawn.
            let n = sqlx::query(
                "INSERT INTO cards (organization_id, program_id, batch_id, number, token, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'unassigned', $6, $6) ON CONFLICT DO NOTHING",
            )
            .bind(scope.org.0)
            .bind(program.0)
            .bind(batch)
            .bind(new_number().as_str())
            .bind(new_token())
            .bind(ms(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            made += n as u32;
        }
        let change = Change::by(scope, Action::Create, "card_batch", batch)
            .after(json!({"program": program, "size": size}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        let sql = format!("SELECT {COLUMNS} FROM cards WHERE batch_id = $1 ORDER BY id");
        let cards = sqlx::query(&sql)
            .bind(batch)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(card_row)
            .collect::<StoreResult<_>>()?;
        Ok((CardBatchId(batch), cards))
    }

    /// The cards of a program the acting organization may see: the operator all, a partner
    /// those of its participants (and, if it may assign cards, the unassigned ones).
    pub async fn cards(
        &self,
        ps: &ProgramScope,
        status: Option<CardStatus>,
        batch: Option<CardBatchId>,
    ) -> StoreResult<Vec<Card>> {
        let (p, program) = (ps.program(), ps.id());
        let partner = match ps.access() {
            Access::Operator => 0,
            Access::Member(ProgramRole::Partner) => ps.tenant().org.0,
            Access::Member(_) => return Err(StoreError::NotFound),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM cards WHERE program_id = $1 AND ($2 = '' OR status = $2) AND ($3 = 0 OR batch_id = $3) \
             AND ($4 = 0 OR partner_id = $4 OR ($5 = 1 AND status = 'unassigned')) ORDER BY id LIMIT 5000"
        );
        let rows = sqlx::query(&sql)
            .bind(program.0)
            .bind(status.map(|s| s.code()).unwrap_or(""))
            .bind(batch.map(|b| b.0).unwrap_or(0))
            .bind(partner)
            .bind(i64::from(p.partners_assign_cards))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(card_row).collect()
    }

    /// Finds a card by number or QR token, for a market of its program (or its operator or
    /// partner). Someone else's card is simply not found.
    pub async fn find_card(&self, scope: &TenantScope, lookup: &CardLookup) -> StoreResult<Card> {
        let (col, value) = match lookup {
            CardLookup::Number(n) => ("number", n.as_str().to_owned()),
            CardLookup::Token(t) => ("token", t.clone()),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM cards c WHERE c.{col} = $1 AND (c.organization_id = $2 OR c.partner_id = $2 \
             OR EXISTS (SELECT 1 FROM program_members m WHERE m.program_id = c.program_id AND m.member_id = $2 \
             AND m.role = 'market'))"
        );
        let r = sqlx::query(&sql)
            .bind(value)
            .bind(scope.org.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        card_row(&r)
    }

    /// A card by id, for a market of its program (or its operator or partner).
    pub async fn find_card_by_id(&self, scope: &TenantScope, id: CardId) -> StoreResult<Card> {
        let sql = format!(
            "SELECT {COLUMNS} FROM cards c WHERE c.id = $1 AND (c.organization_id = $2 OR c.partner_id = $2 \
             OR EXISTS (SELECT 1 FROM program_members m WHERE m.program_id = c.program_id AND m.member_id = $2 \
             AND m.role = 'market'))"
        );
        let r = sqlx::query(&sql)
            .bind(id.0)
            .bind(scope.org.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        card_row(&r)
    }

    /// A card by its QR token, for the card holder's public balance page.
    pub async fn card_by_token(&self, token: &str) -> StoreResult<Card> {
        let sql = format!("SELECT {COLUMNS} FROM cards WHERE token = $1");
        let r = sqlx::query(&sql)
            .bind(token)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        card_row(&r)
    }

    /// A card of a program the acting organization runs or whose holder it enrolled.
    pub async fn card(&self, scope: &TenantScope, id: CardId) -> StoreResult<Card> {
        let sql = format!(
            "SELECT {COLUMNS} FROM cards WHERE id = $1 AND (organization_id = $2 OR partner_id = $2)"
        );
        let r = sqlx::query(&sql)
            .bind(id.0)
            .bind(scope.org.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        card_row(&r)
    }

    /// [`Store::card`], refused as not found unless the card is of the program in scope: for
    /// routes that name both (a page under one program never acts on another's cards).
    pub async fn program_card(&self, ps: &ProgramScope, id: CardId) -> StoreResult<Card> {
        let card = self.card(ps.tenant(), id).await?;
        if card.program != ps.id() {
            return Err(StoreError::NotFound);
        }
        Ok(card)
    }

    /// Checks that the acting organization may give cards to this participant.
    async fn may_assign(
        &self,
        ps: &ProgramScope,
        participant: ParticipantId,
    ) -> StoreResult<OrgId> {
        if card_actor(ps) == CardActor::PartnerNotManaging {
            return Err(StoreError::Refused(Refusal::OperatorAssignsCards));
        }
        let who = self.participant(ps, participant).await?;
        if !who.active {
            return Err(StoreError::Refused(Refusal::ParticipantRemoved));
        }
        if who.card.is_some() {
            return Err(StoreError::Refused(Refusal::AlreadyHasCard));
        }
        Ok(who.partner)
    }

    /// Gives a participant a card: the one named, or the next unassigned one of the program.
    pub async fn assign_card(
        &self,
        ps: &ProgramScope,
        participant: ParticipantId,
        number: Option<&CardNumber>,
    ) -> StoreResult<Card> {
        let (scope, program) = (ps.tenant(), ps.id());
        let partner = self.may_assign(ps, participant).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let target: Option<i64> = match number {
            Some(n) => sqlx::query_scalar("SELECT id FROM cards WHERE program_id = $1 AND number = $2")
                .bind(program.0)
                .bind(n.as_str())
                .fetch_optional(&mut *tx)
                .await?,
            None => sqlx::query_scalar(
                "SELECT id FROM cards WHERE program_id = $1 AND status = 'unassigned' ORDER BY id LIMIT 1",
            )
            .bind(program.0)
            .fetch_optional(&mut *tx)
            .await?,
        };
        let Some(card) = target else {
            return Err(StoreError::Refused(if number.is_some() {
                Refusal::UnknownCard
            } else {
                Refusal::NoFreeCard
            }));
        };
        self.lock_card(&mut tx, CardId(card)).await?;
        let state = card_state(&mut tx, CardId(card)).await?;
        next_status(ps, state, CardAction::Assign)?;
        // Only a free card (or an emptied gift card) can be given, and only to someone without
        // one: decided by the update itself.
        let n = sqlx::query(
            "UPDATE cards SET status = 'assigned', participant_id = $1, partner_id = $2, updated_at = $3 \
             WHERE id = $4 AND status = $5 AND NOT EXISTS (SELECT 1 FROM cards o WHERE o.participant_id = $1 \
             AND o.status IN ('assigned', 'disabled'))",
        )
        .bind(participant.0)
        .bind(partner.0)
        .bind(ms(now))
        .bind(card)
        .bind(state.status.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::CardNotFree));
        }
        audit::record(
            &mut tx,
            Change {
                org: Some(partner),
                actor: scope.actor,
                action: Action::Update,
                entity: "card",
                entity_id: card.to_string(),
                before: Some(json!({"status": state.status.code()})),
                after: Some(json!({"status": "assigned", "participant": participant})),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.card(scope, CardId(card)).await
    }

    /// Takes a card back from its holder; refused while it holds funds (replace it instead).
    pub async fn unassign_card(&self, ps: &ProgramScope, id: CardId) -> StoreResult<()> {
        let (scope, card) = (ps.tenant(), self.program_card(ps, id).await?);
        let now = self.now();
        let mut tx = self.write_tx().await?;
        self.lock_card(&mut tx, id).await?;
        let state = card_state(&mut tx, id).await?;
        next_status(ps, state, CardAction::TakeBack)?;
        let n = sqlx::query(
            "UPDATE cards SET status = 'unassigned', participant_id = NULL, partner_id = NULL, updated_at = $1 \
             WHERE id = $2 AND status = $3",
        )
        .bind(ms(now))
        .bind(id.0)
        .bind(state.status.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::CardState));
        }
        self.audit_card(&mut tx, scope, &card, "unassigned").await?;
        tx.commit().await
    }

    /// Disables or enables a card (a disabled card is refused at registers).
    pub async fn set_card_enabled(
        &self,
        ps: &ProgramScope,
        id: CardId,
        enabled: bool,
    ) -> StoreResult<()> {
        let (scope, card) = (ps.tenant(), self.program_card(ps, id).await?);
        let action = if enabled {
            CardAction::Enable
        } else {
            CardAction::Disable
        };
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let state = card_state(&mut tx, id).await?;
        let to = next_status(ps, state, action)?;
        move_status(&mut tx, id, state.status, to, now).await?;
        let to = to.code();
        self.audit_card(&mut tx, scope, &card, to).await?;
        tx.commit().await
    }

    /// Reports a card lost and moves its funds to a new card given to the same holder (the one
    /// named, or the next unassigned). Returns the new card.
    pub async fn replace_lost_card(
        &self,
        ps: &ProgramScope,
        id: CardId,
        number: Option<&CardNumber>,
    ) -> StoreResult<Card> {
        let (scope, old) = (ps.tenant(), self.program_card(ps, id).await?);
        let participant = old
            .participant
            .ok_or(StoreError::Refused(Refusal::CardState))?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let target: Option<i64> = match number {
            // A typed card must exist (`unknown_card`) and be free (`card_not_free`).
            Some(n) => {
                let found: Option<(i64, String)> = sqlx::query_as(
                    "SELECT id, status FROM cards WHERE program_id = $1 AND number = $2",
                )
                .bind(old.program.0)
                .bind(n.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                match found {
                    None => return Err(StoreError::field("number", Refusal::UnknownCard)),
                    Some((_, status)) if status != "unassigned" => {
                        return Err(StoreError::field("number", Refusal::CardNotFree));
                    }
                    Some((id, _)) => Some(id),
                }
            }
            None => sqlx::query_scalar(
                "SELECT id FROM cards WHERE program_id = $1 AND status = 'unassigned' ORDER BY id LIMIT 1",
            )
            .bind(old.program.0)
            .fetch_optional(&mut *tx)
            .await?,
        };
        let new = CardId(target.ok_or(StoreError::Refused(Refusal::NoFreeCard))?);
        self.lock_card(&mut tx, id).await?;
        let state = card_state(&mut tx, id).await?;
        next_status(ps, state, CardAction::ReportLost)?;
        let lost = sqlx::query(
            "UPDATE cards SET status = 'lost', replaced_by = $1, updated_at = $2 WHERE id = $3 \
             AND status = $4",
        )
        .bind(new.0)
        .bind(ms(now))
        .bind(id.0)
        .bind(state.status.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let given = sqlx::query(
            "UPDATE cards SET status = 'assigned', participant_id = $1, partner_id = $2, updated_at = $3 \
             WHERE id = $4 AND status = 'unassigned'",
        )
        .bind(participant.0)
        .bind(old.partner.map(|p| p.0))
        .bind(ms(now))
        .bind(new.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if lost != 1 || given != 1 {
            return Err(StoreError::Refused(Refusal::CardState));
        }
        let from = card_dims(&mut tx, id).await?;
        let to = card_dims(&mut tx, new).await?;
        let moved = self
            .move_funds(&mut tx, &from, &to, scope.actor, now)
            .await?;
        let change = Change::by(scope, Action::Update, "card", id)
            .before(json!({"status": old.status.code()}))
            .after(json!({"status": "lost", "replaced_by": new, "moved_cents": moved}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        self.card(scope, new).await
    }

    /// Sets a card's 4-digit PIN (stored hashed), for programs that ask for one.
    pub async fn set_card_pin(&self, ps: &ProgramScope, id: CardId, pin: &str) -> StoreResult<()> {
        let (scope, card) = (ps.tenant(), self.program_card(ps, id).await?);
        let pin = pin.trim().to_owned();
        if pin.len() != 4 || !pin.chars().all(|c| c.is_ascii_digit()) {
            return Err(StoreError::Refused(Refusal::PinInvalid));
        }
        let hash = crate::platform::secrets::hash_password_bounded(&pin).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE cards SET pin_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(ms(self.now()))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        self.audit_card(&mut tx, scope, &card, "pin_set").await?;
        tx.commit().await
    }

    /// Unlocks a card's PIN locked after too many wrong tries (the holder's partner or the
    /// program's operator), audited. A PIN that is not locked is left as it is.
    pub async fn unlock_card_pin(&self, scope: &TenantScope, id: CardId) -> StoreResult<()> {
        self.card(scope, id).await?;
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE cards SET pin_failures = 0, updated_at = $1 WHERE id = $2 AND pin_failures >= $3",
        )
        .bind(ms(self.now()))
        .bind(id.0)
        .bind(super::pin::PIN_TRIES)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 1 {
            let change = Change::by(scope, Action::Update, "card", id)
                .before(json!({"pin_locked": true}))
                .after(json!({"pin_locked": false}));
            audit::record(&mut tx, change, self.now()).await?;
        }
        tx.commit().await
    }

    /// Unlocks a lost card back to unassigned (found again; its funds stay on the new card).
    pub async fn unlock_lost_card(&self, ps: &ProgramScope, id: CardId) -> StoreResult<()> {
        let (scope, card) = (ps.tenant(), self.program_card(ps, id).await?);
        let mut tx = self.write_tx().await?;
        let state = card_state(&mut tx, id).await?;
        next_status(ps, state, CardAction::Found)?;
        let n = sqlx::query(
            "UPDATE cards SET status = 'unassigned', participant_id = NULL, partner_id = NULL, updated_at = $1 \
             WHERE id = $2 AND status = 'lost'",
        )
        .bind(ms(self.now()))
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::CardState));
        }
        self.audit_card(&mut tx, scope, &card, "unassigned").await?;
        tx.commit().await
    }

    /// Makes an unassigned card a gift card carrying `amount` of loyalty funds (which never
    /// expire), or adds loyalty funds to a gift card.
    pub async fn load_gift_card(
        &self,
        ps: &ProgramScope,
        id: CardId,
        amount: Cents,
        reason: &str,
    ) -> StoreResult<()> {
        let scope = ps.operated()?.tenant();
        let card = self.program_card(ps, id).await?;
        if amount.0 <= 0 {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        amount.within(halles_core::limits::Limit::Movement)?;
        let loyalty = self
            .product_groups(card.program)
            .await?
            .into_iter()
            .find(|g| g.is_loyalty)
            .ok_or(StoreError::Corrupt("loyalty_group"))?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        self.lock_card(&mut tx, id).await?;
        let state = card_state(&mut tx, id).await?;
        let to = next_status(ps, state, CardAction::Gift)?;
        move_status(&mut tx, id, state.status, to, now).await?;
        let dims = card_dims(&mut tx, id).await?;
        // Loyalty funds are the program's own money: they come from its reserve.
        let envelope = super::reserve::draw(
            &mut tx,
            dims.program,
            None,
            super::reserve::FundSource::Reserve,
            amount,
        )
        .await?;
        let lot = add_lot(
            &mut tx,
            dims.operator,
            id,
            loyalty.id,
            amount,
            None,
            envelope,
            None,
            None,
            now,
        )
        .await?;
        let mut e = Entry::new(&dims, loyalty.id, EntryKind::Adjust, amount);
        e.lot = Some(lot);
        e.reason = if reason.trim().is_empty() {
            "gift"
        } else {
            reason.trim()
        };
        e.actor = scope.actor;
        insert_entry(&mut tx, &e, now).await?;
        self.audit_card(&mut tx, scope, &card, "gift").await?;
        tx.commit().await
    }

    async fn audit_card(
        &self,
        tx: &mut sqlx::AnyConnection,
        scope: &TenantScope,
        card: &Card,
        to: &str,
    ) -> StoreResult<()> {
        audit::record(
            tx,
            Change {
                org: Some(scope.org),
                actor: scope.actor,
                action: Action::Update,
                entity: "card",
                entity_id: card.id.to_string(),
                before: Some(json!({"status": card.status.code()})),
                after: Some(json!({"status": to})),
            },
            self.now(),
        )
        .await
    }
}
