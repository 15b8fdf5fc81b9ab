//! A sale run in place on an SQLite file: its reads on a reader connection of the calling
//! thread ([`sale_reads`]), its write transaction on the writer thread ([`spend`]).
//!
//! Through sqlx, every statement on SQLite is a round trip to the connection's own thread: two
//! thread switches per statement, about twenty per sale, all while the sale holds the database's
//! only write lock. Here the same statements ([`super::funds`] holds their SQL and their values)
//! run on the writer thread itself, through a connection of its own, so the lock is held only
//! as long as SQLite needs.
//!
//! Only the common case runs here: a sale paid from the groups' own lots, all of them spendable,
//! and a key not used meanwhile; a refusal is answered here too. Anything else rolls back and
//! hands the sale to the general path, which handles every case on both databases and takes it
//! from the start.

use super::funds::{
    AUDIT_SALE, CardDims, CardRef, DRAW_LOT, Found, GroupRow, INSERT_ENTRY, INSERT_LINE,
    INSERT_REDEMPTION, KEEP_KEY, Key, LotRow, Once, Param, Redemption, SALE_GROUPS, Sale,
    TAKE_SPENDABLE, USABLE_LOTS, dims_query, portions, sale_group_params,
};
use crate::db::InPlace;
use crate::{StoreError, StoreResult};
use halles_core::coupons::CardStatus;
use halles_core::{
    CardId, OrgId, ParticipantId, ParticipantTypeId, ProductGroupId, ProgramId, RegisterId,
};
use rusqlite::{CachedStatement, Connection, ErrorCode, Transaction, TransactionBehavior};

/// Spends `sale` in one transaction, or writes nothing and answers why: a refusal (the balance
/// is short, the card may not spend), [`InPlace::Busy`] when another writer holds the lock, or
/// [`InPlace::General`] when the sale needs the general path (a lot to expire first, `loyalty`
/// funds to draw on, the key used meanwhile).
pub(crate) fn spend(
    conn: &mut Connection,
    sale: &Sale<'_>,
    loyalty: Option<ProductGroupId>,
    once: Option<&Once>,
) -> StoreResult<InPlace<Redemption>> {
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
            return Ok(InPlace::Busy);
        }
        Err(e) => return Err(e.into()),
    };
    let card = Param::Int(Some(sale.dims.card.0));
    let mut drawn = Vec::new();
    for (&group, &amount) in sale.lines {
        let mut lots = Vec::new();
        let mut st = prepared(&tx, USABLE_LOTS, &[card, Param::Int(Some(group.0))])?;
        let mut rows = st.raw_query();
        while let Some(r) = rows.next()? {
            let row = LotRow {
                id: r.get(0)?,
                remaining: r.get(1)?,
                expires_at: r.get(2)?,
                schedule: r.get(3)?,
                use_days: r.get(4)?,
            };
            match row.read(sale.now)? {
                Found::Usable(lot) => lots.push(lot),
                Found::Expired(_) => return Ok(InPlace::General),
            }
        }
        drop(rows);
        drop(st);
        let take = [Param::Int(Some(amount)), card, Param::Int(Some(group.0))];
        if execute(&tx, TAKE_SPENDABLE, &take)? != 1 {
            if loyalty.is_some_and(|l| l != group) {
                return Ok(InPlace::General);
            }
            return Err(refusal(&tx, sale, group)?);
        }
        for (d, params) in portions(&lots, halles_core::money::Cents(amount))? {
            if execute(&tx, DRAW_LOT, &params)? != 1 {
                return Err(StoreError::Conflict("concurrent_update"));
            }
            drawn.push((group, group, d));
        }
    }
    let id: i64 = {
        let mut st = prepared(&tx, INSERT_REDEMPTION, &sale.redemption_params())?;
        let mut rows = st.raw_query();
        let row = rows.next()?.ok_or(StoreError::Corrupt("redemptions"))?;
        row.get(0)?
    };
    for line in sale.line_params(id) {
        execute(&tx, INSERT_LINE, &line)?;
    }
    for d in drawn {
        execute(&tx, INSERT_ENTRY, &sale.entry(id, d).params(sale.now))?;
    }
    execute(&tx, AUDIT_SALE, &sale.audit_params(&sale.audit_values(id)))?;
    let done = sale.recorded(id);
    if let Some(o) = once {
        let body = (o.respond)(&done);
        if execute(&tx, KEEP_KEY, &sale.key_params(o, &body))? != 1 {
            return Ok(InPlace::General);
        }
    }
    tx.commit()?;
    Ok(InPlace::Done(done))
}

/// Why the card could not pay for `group`: its state changed since the sale read it, or its
/// balance is short.
fn refusal(
    tx: &Transaction<'_>,
    sale: &Sale<'_>,
    group: ProductGroupId,
) -> StoreResult<StoreError> {
    let status: String = tx
        .prepare_cached("SELECT status FROM cards WHERE id = $1")?
        .query_row([sale.dims.card.0], |r| r.get(0))?;
    let status: CardStatus = status
        .parse()
        .map_err(|_| StoreError::Corrupt("card_status"))?;
    Ok(if status.can_spend() {
        StoreError::Insufficient(group)
    } else {
        StoreError::CardRefused(status.code())
    })
}

/// `sql` from the connection's statement cache with `params` bound: `$n` takes the n-th value,
/// as sqlx binds them.
fn prepared<'c>(
    conn: &'c Connection,
    sql: &str,
    params: &[Param<'_>],
) -> StoreResult<CachedStatement<'c>> {
    let mut st = conn.prepare_cached(sql)?;
    for (i, p) in params.iter().enumerate() {
        if let Some(at) = st.parameter_index(&format!("${}", i + 1))? {
            st.raw_bind_parameter(at, p)?;
        }
    }
    Ok(st)
}

/// Runs a statement that returns no rows; answers how many rows it changed.
fn execute(tx: &Transaction<'_>, sql: &str, params: &[Param<'_>]) -> StoreResult<usize> {
    Ok(prepared(tx, sql, params)?.raw_execute()?)
}

/// What a sale reads before it writes, in place on a reader connection: the card's attachments
/// (and whether its holder wants e-mailed receipts), and the program's groups as the acting
/// market sees them ([`SALE_GROUPS`]). The same statements as the general path's.
pub(crate) fn sale_reads(
    conn: &Connection,
    card: CardRef<'_>,
    market: OrgId,
    register: Option<RegisterId>,
) -> StoreResult<(CardDims, bool, Vec<GroupRow>)> {
    let (sql, key) = dims_query(card);
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = match &key {
        Key::Id(id) => st.query([id])?,
        Key::Text(t) => st.query([t])?,
    };
    let r = rows.next()?.ok_or(StoreError::NotFound)?;
    let status: String = r.get(3)?;
    let dims = CardDims {
        operator: OrgId(r.get(1)?),
        program: ProgramId(r.get(2)?),
        card: CardId(r.get(0)?),
        status: status
            .parse()
            .map_err(|_| StoreError::Corrupt("card_status"))?,
        participant: r.get::<_, Option<i64>>(4)?.map(ParticipantId),
        partner: r.get::<_, Option<i64>>(5)?.map(OrgId),
        participant_type: r.get::<_, Option<i64>>(6)?.map(ParticipantTypeId),
    };
    let email: Option<String> = r.get(7)?;
    let receipts: Option<bool> = r.get(8)?;
    let notify = email.is_some_and(|e| !e.is_empty()) && receipts.unwrap_or(false);
    drop(rows);
    let mut st = prepared(
        conn,
        SALE_GROUPS,
        &sale_group_params(&dims, market, register),
    )?;
    let mut groups = Vec::new();
    let mut rows = st.raw_query();
    while let Some(r) = rows.next()? {
        groups.push(GroupRow {
            id: r.get(0)?,
            loyalty: r.get(1)?,
            member: r.get::<_, Option<i64>>(2)?.is_some(),
            pin_required: r.get::<_, Option<bool>>(3)?.unwrap_or(false),
            register_ok: r.get::<_, Option<i64>>(4)?.is_some(),
            links: r.get(5)?,
            linked: r.get::<_, Option<i64>>(6)?.is_some(),
        });
    }
    Ok((dims, notify, groups))
}
