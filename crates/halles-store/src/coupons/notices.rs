//! Whom to tell: a participant's e-mail for receipts, funds about to expire, the monthly balance
//! statement and the end of a schedule. Each notice is claimed by a unique key before it is
//! written, so several workers never send the same one twice.

use crate::db::ms;
use crate::{Store, StoreResult};
use halles_core::money::Cents;
use halles_core::{CardId, OrgId, ProductGroupId};
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::FromRow;

/// Where and what to tell a card holder.
#[derive(Debug, Clone)]
pub struct Contact {
    /// The operator (the outbox row's organization).
    pub operator: OrgId,
    /// The holder's e-mail.
    pub email: String,
    /// The program's public name (or its name).
    pub program: String,
    /// The card's QR token, for the balance page link.
    pub token: String,
}

/// Funds about to expire on one card.
#[derive(Debug, Clone)]
pub struct ExpiryNotice {
    /// Whom to tell.
    pub contact: Contact,
    /// How much.
    pub amount: Cents,
    /// When the first of it expires.
    pub expires_at: Timestamp,
}

/// A card holder's balances at the start of a month.
#[derive(Debug, Clone)]
pub struct BalanceStatement {
    /// Whom to tell.
    pub contact: Contact,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// What can be spent, per product group.
    pub balances: Vec<(ProductGroupId, Cents)>,
    /// The card's program, for the groups' names.
    pub program: halles_core::ProgramId,
}

/// A schedule that ended, for one of its participants.
#[derive(Debug, Clone)]
pub struct ScheduleEndNotice {
    /// Whom to tell.
    pub contact: Contact,
    /// The schedule's name.
    pub schedule: String,
    /// Its last day.
    pub ended_on: Date,
    /// What is still on the card.
    pub balance: Cents,
}

/// Notices of schedules that ended more than this many days ago are not sent any more.
const SCHEDULE_END_WINDOW_DAYS: i64 = 14;

/// The columns [`contact`] reads, for a card `c`, its holder `p` and program `g`.
const CONTACT_COLUMNS: &str = "c.organization_id, c.token, p.email, g.name, g.public_name";

impl Store {
    /// Claims this month's balance statements: one per card whose holder gave an e-mail and
    /// wants receipts and that holds money, in programs still running. The first run of a month
    /// sends them, whenever it comes.
    pub async fn claim_balance_statements(
        &self,
        today: Date,
    ) -> StoreResult<Vec<BalanceStatement>> {
        let month = format!("{:04}-{:02}", today.year(), today.month());
        let rows = sqlx::query_as::<_, StatementRow>(&format!(
            "SELECT c.id AS card_id, c.program_id, {CONTACT_COLUMNS} FROM cards c \
             JOIN participants p ON p.id = c.participant_id JOIN programs g ON g.id = c.program_id \
             WHERE c.status = 'assigned' AND p.email <> '' AND p.receipts = $1 AND g.archived = $2 \
             AND EXISTS (SELECT 1 FROM card_funds f WHERE f.card_id = c.id AND f.balance_cents > 0) \
             AND NOT EXISTS (SELECT 1 FROM balance_statements b WHERE b.card_id = c.id AND b.month = $3) \
             ORDER BY c.id"
        ))
        .bind(true)
        .bind(false)
        .bind(&month)
        .fetch_all(&self.pool)
        .await?;
        let now = ms(self.now());
        let mut out = Vec::new();
        for r in rows {
            let card = r.card_id;
            let claimed = sqlx::query(
                "INSERT INTO balance_statements (organization_id, card_id, month, sent_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(r.contact.organization_id)
            .bind(card)
            .bind(&month)
            .bind(now)
            .execute(self.writes())
            .await?
            .rows_affected();
            if claimed != 1 {
                continue;
            }
            let balances: Vec<(ProductGroupId, Cents)> = self
                .card_balances(CardId(card))
                .await?
                .into_iter()
                .filter(|b| b.balance.0 > 0)
                .map(|b| (b.group, b.balance))
                .collect();
            if balances.is_empty() {
                continue;
            }
            out.push(BalanceStatement {
                contact: r.contact.into(),
                month: month.clone(),
                balances,
                program: halles_core::ProgramId(r.program_id),
            });
        }
        Ok(out)
    }

    /// Claims the notices of schedules that ended (in the last two weeks) for their enrolled
    /// participants who gave an e-mail, want receipts and hold a card.
    pub async fn claim_schedule_end_notices(
        &self,
        today: Date,
    ) -> StoreResult<Vec<ScheduleEndNotice>> {
        let since = today
            .checked_sub(jiff::Span::new().days(SCHEDULE_END_WINDOW_DAYS))
            .unwrap_or(today);
        let rows = sqlx::query_as::<_, EndRow>(&format!(
            "SELECT e.participant_id, s.id AS schedule_id, s.name AS schedule, s.ends_on, c.id AS card_id, \
             {CONTACT_COLUMNS} FROM enrolments e JOIN allocation_schedules s ON s.id = e.schedule_id \
             JOIN participants p ON p.id = e.participant_id JOIN programs g ON g.id = s.program_id \
             JOIN cards c ON c.participant_id = p.id AND c.status = 'assigned' \
             WHERE s.ends_on < $1 AND s.ends_on >= $2 AND p.email <> '' AND p.receipts = $3 AND p.active = $3 \
             AND NOT EXISTS (SELECT 1 FROM schedule_end_notices n WHERE n.schedule_id = s.id \
             AND n.participant_id = e.participant_id) ORDER BY s.id, e.participant_id"
        ))
        .bind(today.to_string())
        .bind(since.to_string())
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        let now = ms(self.now());
        let mut out = Vec::new();
        for r in rows {
            let claimed = sqlx::query(
                "INSERT INTO schedule_end_notices (organization_id, schedule_id, participant_id, sent_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(r.contact.organization_id)
            .bind(r.schedule_id)
            .bind(r.participant_id)
            .bind(now)
            .execute(self.writes())
            .await?
            .rows_affected();
            if claimed != 1 {
                continue;
            }
            let balance = self
                .card_balances(CardId(r.card_id))
                .await?
                .iter()
                .map(|b| b.balance.0)
                .sum();
            out.push(ScheduleEndNotice {
                ended_on: super::day(&r.ends_on)?,
                contact: r.contact.into(),
                schedule: r.schedule,
                balance: Cents(balance),
            });
        }
        Ok(out)
    }

    /// Whether the holder of the card behind a QR token receives e-mails.
    pub async fn holder_receives_email(&self, token: &str) -> StoreResult<bool> {
        Ok(sqlx::query(
            "SELECT 1 AS x FROM cards c JOIN participants p ON p.id = c.participant_id \
             WHERE c.token = $1 AND c.status = 'assigned' AND p.email <> '' AND p.receipts = $2",
        )
        .bind(token)
        .bind(true)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// Stops every e-mail to the holder of the card behind a QR token (asked from the balance
    /// page, which only someone holding the card can open). Recorded in the audit log of the
    /// holder's partner organization.
    pub async fn unsubscribe_holder(&self, token: &str) -> StoreResult<()> {
        let (id, partner) = sqlx::query_as::<_, (i64, i64)>(
            "SELECT p.id, p.organization_id FROM cards c JOIN participants p ON p.id = c.participant_id \
             WHERE c.token = $1 AND c.status = 'assigned'",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(crate::StoreError::NotFound)?;
        let partner = OrgId(partner);
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE participants SET receipts = $1 WHERE id = $2")
            .bind(false)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let change = crate::platform::audit::Change {
            org: Some(partner),
            actor: crate::Actor::system(),
            action: crate::platform::audit::Action::Update,
            entity: "participant",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({"receipts": true})),
            after: Some(serde_json::json!({"receipts": false, "by": "holder"})),
        };
        crate::platform::audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// The holder of a card, if they gave an e-mail and want receipts.
    pub async fn receipt_contact(&self, card: CardId) -> StoreResult<Option<Contact>> {
        let row = sqlx::query_as::<_, ContactRow>(
            "SELECT c.organization_id, c.token, p.email, g.name, g.public_name FROM cards c \
             JOIN participants p ON p.id = c.participant_id JOIN programs g ON g.id = c.program_id \
             WHERE c.id = $1 AND p.email <> '' AND p.receipts = $2",
        )
        .bind(card.0)
        .bind(true)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Contact::from))
    }

    /// Claims the notices to send: funds on cards of holders with an e-mail that expire within
    /// `within` and were never announced. Each lot is claimed once (a unique key), so several
    /// workers never send the same notice twice.
    pub async fn claim_expiry_notices(
        &self,
        within: jiff::SignedDuration,
    ) -> StoreResult<Vec<ExpiryNotice>> {
        let now = self.now();
        let rows = sqlx::query_as::<_, ExpiringRow>(
            "SELECT l.id, l.organization_id, l.card_id, l.remaining_cents, l.expires_at, c.token, p.email, \
             g.name, g.public_name FROM fund_lots l JOIN cards c ON c.id = l.card_id \
             JOIN participants p ON p.id = c.participant_id JOIN programs g ON g.id = c.program_id \
             WHERE l.remaining_cents > 0 AND l.expires_at > $1 AND l.expires_at <= $2 AND p.email <> '' \
             AND p.receipts = $3 AND c.status = 'assigned' \
             AND NOT EXISTS (SELECT 1 FROM expiry_notices n WHERE n.lot_id = l.id) ORDER BY l.card_id, l.expires_at",
        )
        .bind(ms(now))
        .bind(ms(now + within))
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(i64, ExpiryNotice)> = Vec::new();
        for r in rows {
            let claimed = sqlx::query(
                "INSERT INTO expiry_notices (organization_id, lot_id, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(r.contact.organization_id)
            .bind(r.id)
            .bind(ms(now))
            .execute(self.writes())
            .await?
            .rows_affected();
            if claimed != 1 {
                continue;
            }
            let (card, amount) = (r.card_id, r.remaining_cents);
            match out.iter_mut().find(|(c, _)| *c == card) {
                Some((_, n)) => n.amount.0 += amount,
                None => out.push((
                    card,
                    ExpiryNotice {
                        expires_at: super::instant(r.expires_at)?,
                        contact: r.contact.into(),
                        amount: Cents(amount),
                    },
                )),
            }
        }
        Ok(out.into_iter().map(|(_, n)| n).collect())
    }
}

/// The columns of [`CONTACT_COLUMNS`].
#[derive(FromRow)]
struct ContactRow {
    organization_id: i64,
    token: String,
    email: String,
    name: String,
    public_name: String,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Contact {
        Contact {
            operator: OrgId(r.organization_id),
            email: r.email,
            program: if r.public_name.is_empty() {
                r.name
            } else {
                r.public_name
            },
            token: r.token,
        }
    }
}

/// A card due a balance statement, with its holder.
#[derive(FromRow)]
struct StatementRow {
    card_id: i64,
    program_id: i64,
    #[sqlx(flatten)]
    contact: ContactRow,
}

/// An ended schedule's participant due a notice, with their card.
#[derive(FromRow)]
struct EndRow {
    participant_id: i64,
    schedule_id: i64,
    schedule: String,
    ends_on: String,
    card_id: i64,
    #[sqlx(flatten)]
    contact: ContactRow,
}

/// A lot about to expire, with its card's holder.
#[derive(FromRow)]
struct ExpiringRow {
    id: i64,
    card_id: i64,
    remaining_cents: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    contact: ContactRow,
}
