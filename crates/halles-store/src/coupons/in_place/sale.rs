//! A sale's write transaction, in place on the writer thread ([`spend`]).
//!
//! Only the common case runs here: a sale paid from the groups' own lots, all of them spendable,
//! and a key not used meanwhile; a refusal is answered here too. Anything else rolls back and
//! hands the sale to the general path (`coupons::sale`), which handles every case on both
//! databases and takes it from the start.

use super::{InPlace, execute, prepared};
use crate::coupons::ledger::{INSERT_ENTRY, Param};
use crate::coupons::sale::{
    AUDIT_SALE, DRAW_LOT, Found, INSERT_LINE, INSERT_REDEMPTION, KEEP_KEY, LotRow, Once,
    Redemption, Sale, TAKE_SPENDABLE, USABLE_LOTS, portions,
};
use crate::platform::events::INSERT_EVENT;
use crate::{StoreError, StoreResult};
use halles_core::ProductGroupId;
use halles_core::coupons::CardStatus;
use halles_core::refusals::Refusal;
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

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
                return Err(StoreError::Refused(Refusal::ConcurrentUpdate));
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
    // The sale's event: the general path's statement and values.
    let event = sale.recording(id)?;
    prepared(&tx, INSERT_EVENT, &event.params())?
        .raw_query()
        .next()?
        .ok_or(StoreError::Corrupt("events"))?;
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
        StoreError::Refused(status.refusal())
    })
}
