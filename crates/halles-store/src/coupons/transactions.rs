//! The transaction log: a program's ledger entries one by one, filtered, for the page and its
//! downloads; and the balance of every card.

use super::reports::Slice;
use super::{Access, ProgramScope};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::coupons::{CardStatus, EntryKind, ProgramRole};
use halles_core::money::Cents;
use halles_core::{OrgId, ProductGroupId, ProgramId};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::FromRow;

/// Which entries the log shows.
#[derive(Debug, Clone, Default)]
pub struct TransactionFilter {
    /// From this instant, included.
    pub from: Option<Timestamp>,
    /// Until this instant, excluded.
    pub until: Option<Timestamp>,
    /// One kind of movement.
    pub kind: Option<EntryKind>,
    /// One market's sales and refunds.
    pub market: Option<OrgId>,
    /// One partner's participants.
    pub partner: Option<OrgId>,
    /// One product group.
    pub group: Option<ProductGroupId>,
    /// One card, by its number (digits only).
    pub card: Option<String>,
    /// Entries older than this one (the next page).
    pub before: Option<i64>,
}

/// One movement of the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    /// The entry's id.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// What kind of movement.
    pub kind: EntryKind,
    /// The product group the money belongs to.
    pub group: ProductGroupId,
    /// Signed amount: positive onto the card, negative off it.
    pub amount: Cents,
    /// The card's number.
    pub card: String,
    /// The holder's participant code (never shown to markets).
    pub participant: Option<String>,
    /// The partner organization of the holder.
    pub partner: Option<String>,
    /// The market of a sale or refund.
    pub market: Option<String>,
    /// The register of a sale.
    pub register: Option<String>,
    /// The sale an entry belongs to.
    pub redemption: Option<i64>,
    /// The reason of a manual movement, or why funds expired.
    pub reason: String,
    /// Who: a person's name, an API token's or kiosk's name, or nothing for the system.
    pub actor: Option<String>,
}

/// One card and what it holds, per product group.
#[derive(Debug, Clone, Serialize)]
pub struct CardBalance {
    /// The card's number.
    pub card: String,
    /// Its state.
    pub status: CardStatus,
    /// The holder's participant code.
    pub participant: Option<String>,
    /// The holder's partner organization.
    pub partner: Option<String>,
    /// Balance per group (groups without money left out).
    pub balances: Vec<(ProductGroupId, Cents)>,
}

impl CardBalance {
    /// Everything on the card.
    pub fn total(&self) -> Cents {
        Cents(self.balances.iter().map(|(_, c)| c.0).sum())
    }
}

/// A card number or participant code as a funder or market reads it: its last 4 characters
/// only.
pub fn masked(s: &str) -> String {
    let n = s.chars().count();
    let tail: String = s.chars().skip(n.saturating_sub(4)).collect();
    format!("•••• {tail}")
}

impl Store {
    /// The program's movements the acting organization may read (see [`Store::report`]),
    /// newest first, at most `limit`.
    pub async fn transactions(
        &self,
        ps: &ProgramScope,
        filter: &TransactionFilter,
        limit: i64,
    ) -> StoreResult<Vec<Transaction>> {
        let (program, access) = (ps.id(), ps.access());
        let slice = Store::report_scope(ps);
        let hide_holder = matches!(slice, Slice::Markets(_));
        // Funders read the money, not who holds which card; markets read their sales, not
        // the numbers of the cards (a number is what a sale asks for: a leaked market token
        // must not hand out every card its log shows).
        let mask = hide_holder || matches!(access, Access::Member(ProgramRole::Funder));
        let only_sql = Slice::sql(11);
        let sql = format!(
            "SELECT e.id, e.at, e.kind, e.product_group_id, e.amount_cents, c.number, e.redemption_id, e.reason, \
             p.code AS participant, po.name AS partner, mo.name AS market, r.name AS register, \
             COALESCE(u.name, t.name) AS actor \
             FROM fund_entries e JOIN cards c ON c.id = e.card_id \
             LEFT JOIN participants p ON p.id = e.participant_id \
             LEFT JOIN organizations po ON po.id = e.partner_id \
             LEFT JOIN organizations mo ON mo.id = e.market_id \
             LEFT JOIN registers r ON r.id = e.register_id \
             LEFT JOIN users u ON u.id = e.actor_user_id \
             LEFT JOIN api_tokens t ON t.id = e.actor_token_id \
             WHERE e.program_id = $1 AND e.at >= $2 AND e.at < $3 AND ($4 = '' OR e.kind = $4) \
             AND ($5 = 0 OR e.market_id = $5) AND ($6 = 0 OR e.partner_id = $6) \
             AND ($7 = 0 OR e.product_group_id = $7) AND ($8 = '' OR c.number = $8) AND e.id < $9{only_sql} \
             ORDER BY e.id DESC LIMIT $10"
        );
        let rows = sqlx::query_as::<_, EntryRow>(&sql)
            .bind(program.0)
            .bind(filter.from.map(|t| t.as_millisecond()).unwrap_or(i64::MIN))
            .bind(filter.until.map(|t| t.as_millisecond()).unwrap_or(i64::MAX))
            .bind(filter.kind.map(|k| k.code()).unwrap_or(""))
            .bind(filter.market.map(|m| m.0).unwrap_or(0))
            .bind(filter.partner.map(|m| m.0).unwrap_or(0))
            .bind(filter.group.map(|g| g.0).unwrap_or(0))
            .bind(filter.card.as_deref().unwrap_or(""))
            .bind(filter.before.unwrap_or(i64::MAX))
            .bind(limit)
            .bind(slice.values()[0])
            .bind(slice.values()[1])
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Transaction {
                    id: r.id,
                    at: super::instant(r.at)?,
                    kind: r
                        .kind
                        .parse()
                        .map_err(|_| StoreError::Corrupt("entry_kind"))?,
                    group: ProductGroupId(r.product_group_id),
                    amount: Cents(r.amount_cents),
                    card: if mask { masked(&r.number) } else { r.number },
                    participant: if hide_holder {
                        None
                    } else {
                        r.participant.map(|p| if mask { masked(&p) } else { p })
                    },
                    partner: r.partner,
                    market: r.market,
                    register: r.register,
                    redemption: r.redemption_id,
                    reason: r.reason,
                    actor: r.actor,
                })
            })
            .collect()
    }

    /// Every card of the program that holds money, with its balance per group: for the
    /// operator, or a partner for its participants' cards. Markets and funders read none.
    pub async fn card_balance_report(
        &self,
        scope: &TenantScope,
        program: ProgramId,
    ) -> StoreResult<Vec<CardBalance>> {
        let partner = match self.program_access(scope, program).await?.access() {
            super::Access::Operator => 0,
            super::Access::Member(halles_core::coupons::ProgramRole::Partner) => scope.org.0,
            super::Access::Member(_) => return Err(StoreError::NotFound),
        };
        let rows = sqlx::query_as::<_, CardFundsRow>(
            "SELECT c.id, c.number, c.status, p.code, o.name AS partner, f.product_group_id, f.balance_cents \
             FROM cards c JOIN card_funds f ON f.card_id = c.id \
             LEFT JOIN participants p ON p.id = c.participant_id \
             LEFT JOIN organizations o ON o.id = c.partner_id \
             WHERE c.program_id = $1 AND f.balance_cents > 0 AND ($2 = 0 OR c.partner_id = $2) \
             ORDER BY c.number, f.product_group_id",
        )
        .bind(program.0)
        .bind(partner)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<CardBalance> = Vec::new();
        for r in rows {
            let line = (ProductGroupId(r.product_group_id), Cents(r.balance_cents));
            match out.last_mut() {
                Some(last) if last.card == r.number => last.balances.push(line),
                _ => out.push(CardBalance {
                    card: r.number,
                    status: r
                        .status
                        .parse()
                        .map_err(|_| StoreError::Corrupt("card_status"))?,
                    participant: r.code,
                    partner: r.partner,
                    balances: vec![line],
                }),
            }
        }
        Ok(out)
    }
}

/// A ledger entry as the transaction log lists it.
#[derive(FromRow)]
struct EntryRow {
    id: i64,
    at: i64,
    kind: String,
    product_group_id: i64,
    amount_cents: i64,
    number: String,
    redemption_id: Option<i64>,
    reason: String,
    participant: Option<String>,
    partner: Option<String>,
    market: Option<String>,
    register: Option<String>,
    actor: Option<String>,
}

/// One group's balance of a card, with the card and its holder.
#[derive(FromRow)]
struct CardFundsRow {
    number: String,
    status: String,
    code: Option<String>,
    partner: Option<String>,
    product_group_id: i64,
    balance_cents: i64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn masked_keeps_the_last_four() {
        assert_eq!(super::masked("4000123412341234"), "•••• 1234");
        assert_eq!(super::masked("P-7"), "•••• P-7");
    }
}
