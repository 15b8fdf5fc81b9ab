//! Whom to tell: a participant's e-mail for receipts, and funds about to expire.

use crate::db::ms;
use crate::{Store, StoreResult};
use halles_core::money::Cents;
use halles_core::{CardId, OrgId};
use jiff::Timestamp;
use sqlx::Row;

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

impl Store {
    /// The holder of a card, if they gave an e-mail and want receipts.
    pub async fn receipt_contact(&self, card: CardId) -> StoreResult<Option<Contact>> {
        let row = sqlx::query(
            "SELECT c.organization_id, c.token, p.email, g.name, g.public_name FROM cards c \
             JOIN participants p ON p.id = c.participant_id JOIN programs g ON g.id = c.program_id \
             WHERE c.id = $1 AND p.email <> '' AND p.receipts = $2",
        )
        .bind(card.0)
        .bind(true)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| contact(&r)).transpose()
    }

    /// Claims the notices to send: funds on cards of holders with an e-mail that expire within
    /// `within` and were never announced. Each lot is claimed once (a unique key), so several
    /// workers never send the same notice twice.
    pub async fn claim_expiry_notices(
        &self,
        within: jiff::SignedDuration,
    ) -> StoreResult<Vec<ExpiryNotice>> {
        let now = self.now();
        let rows = sqlx::query(
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
            .bind(r.try_get::<i64, _>("organization_id")?)
            .bind(r.try_get::<i64, _>("id")?)
            .bind(ms(now))
            .execute(self.writes())
            .await?
            .rows_affected();
            if claimed != 1 {
                continue;
            }
            let card: i64 = r.try_get("card_id")?;
            let amount: i64 = r.try_get("remaining_cents")?;
            match out.iter_mut().find(|(c, _)| *c == card) {
                Some((_, n)) => n.amount.0 += amount,
                None => out.push((
                    card,
                    ExpiryNotice {
                        contact: contact(&r)?,
                        amount: Cents(amount),
                        expires_at: crate::db::ts(&r, "expires_at")?,
                    },
                )),
            }
        }
        Ok(out.into_iter().map(|(_, n)| n).collect())
    }
}

fn contact(r: &sqlx::any::AnyRow) -> StoreResult<Contact> {
    let public: String = r.try_get("public_name")?;
    Ok(Contact {
        operator: OrgId(r.try_get("organization_id")?),
        email: r.try_get("email")?,
        program: if public.is_empty() {
            r.try_get("name")?
        } else {
            public
        },
        token: r.try_get("token")?,
    })
}
