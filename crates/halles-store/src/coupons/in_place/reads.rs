//! A sale's reads before it writes, in place on a reader connection of the calling thread
//! ([`sale_reads`]).

use super::prepared;
use crate::coupons::ledger::{CardDims, CardRef, Key, dims_query};
use crate::coupons::sale::{GroupRow, SALE_GROUPS, sale_group_params};
use crate::{StoreError, StoreResult};
use halles_core::{CardId, OrgId, ParticipantId, ParticipantTypeId, ProgramId, RegisterId};
use rusqlite::Connection;

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
