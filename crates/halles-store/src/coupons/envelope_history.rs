//! The history of an envelope (or of the program's reserve) as a report: each funding, the
//! money drawn onto cards, what came back (expired or replaced funds) and corrections, with the
//! running balance of what is still in it.
//!
//! Read from what is already recorded, nothing new is written: fundings are the budget changes
//! of the audit log (recorded in the same transaction as the change), and the money drawn or
//! given back is the ledger's entries on the fund lots that came from it. Entries of one day and
//! kind are one line (a load day moves hundreds of cards), at the time of its last entry. The
//! last running balance is the envelope's budget less what it has on cards.

use super::ProgramScope;
use super::reports::{Slice, period_of_hour};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::ReportPeriod;
use halles_core::money::Cents;
use halles_core::{EnvelopeId, OrgId};
use jiff::Timestamp;
use serde::Serialize;

/// What moved money into or out of an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvelopeMoveKind {
    /// Its budget was set, raised or lowered by the operator (or moved between partners).
    Funding,
    /// Scheduled loads drawn onto cards.
    Load,
    /// Manual loads (and gift funds) drawn onto cards.
    ManualLoad,
    /// Funds that expired or were replaced, back from cards.
    Return,
    /// Corrections taken off cards, back to it.
    Correction,
}

impl EnvelopeMoveKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            EnvelopeMoveKind::Funding => "funding",
            EnvelopeMoveKind::Load => "load",
            EnvelopeMoveKind::ManualLoad => "manual_load",
            EnvelopeMoveKind::Return => "return",
            EnvelopeMoveKind::Correction => "correction",
        }
    }
}

/// One line of an envelope's history.
#[derive(Debug, Clone, Serialize)]
pub struct EnvelopeMove {
    /// When (a day's entries: the last of them).
    pub at: Timestamp,
    /// What moved.
    pub kind: EnvelopeMoveKind,
    /// Into the envelope (positive) or out of it onto cards (negative).
    pub amount: Cents,
    /// How many ledger entries the line sums (none for a funding).
    pub entries: i64,
    /// What is in the envelope after this line: funded, less drawn, plus given back.
    pub balance: Cents,
}

/// Which history: an envelope, or the program's reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf {
    /// A partner's envelope.
    Envelope(EnvelopeId),
    /// The program's reserve.
    Reserve,
}

impl Store {
    /// The history of an envelope or of the reserve. The operator and funders read every one, a
    /// partner its own envelopes (not the reserve), a market none: another answers `NotFound`.
    pub async fn envelope_history(
        &self,
        ps: &ProgramScope,
        of: HistoryOf,
    ) -> StoreResult<Vec<EnvelopeMove>> {
        let program = ps.id();
        let slice = Self::report_scope(ps);
        // (audit entity, audit id, the envelope's partner) and the lots' envelope.
        let (entity, entity_id, partner, envelope) = match of {
            HistoryOf::Reserve => {
                if !matches!(slice, Slice::All) {
                    return Err(StoreError::NotFound);
                }
                ("program_reserve", program.0.to_string(), None, None)
            }
            HistoryOf::Envelope(id) => {
                let (partner, schedule) = sqlx::query_as::<_, (i64, i64)>(
                    "SELECT partner_id, schedule_id FROM budget_envelopes WHERE id = $1 AND program_id = $2",
                )
                .bind(id.0)
                .bind(program.0)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
                match slice {
                    Slice::All => {}
                    Slice::Partner(own) if own == partner => {}
                    _ => return Err(StoreError::NotFound),
                }
                (
                    "budget_envelope",
                    id.0.to_string(),
                    Some((OrgId(partner), schedule)),
                    Some(id.0),
                )
            }
        };
        let mut moves = self
            .fundings(ps.program().operator, entity, &entity_id, partner)
            .await?;
        // Fundings first at the same instant; the ledger's lines in the order of their entries
        // (the sort is stable).
        moves.extend(self.drawn_and_returned(ps, envelope).await?);
        moves.sort_by_key(|m| m.at);
        let mut balance = Cents(0);
        for m in &mut moves {
            balance = Cents(balance.0.saturating_add(m.amount.0));
            m.balance = balance;
        }
        Ok(moves)
    }

    /// The budget changes of the audit log: the envelope's own (or the reserve's), and moves
    /// between partners of its schedule that took from it or gave to it.
    async fn fundings(
        &self,
        operator: OrgId,
        entity: &str,
        entity_id: &str,
        partner: Option<(OrgId, i64)>,
    ) -> StoreResult<Vec<EnvelopeMove>> {
        let moved_prefix = partner.map(|(_, s)| format!("{s}:")).unwrap_or_default();
        let rows = sqlx::query_as::<_, (String, Option<String>, Option<String>, i64)>(
            "SELECT entity_id, before_json, after_json, at FROM audit_log WHERE organization_id = $1 \
             AND entity = $2 AND action <> 'delete' AND (entity_id = $3 OR ($4 <> '' AND entity_id LIKE $5)) \
             ORDER BY at, id",
        )
        .bind(operator.0)
        .bind(entity)
        .bind(entity_id)
        .bind(&moved_prefix)
        .bind(format!("{moved_prefix}%->%"))
        .fetch_all(&self.pool)
        .await?;
        let cents = |json: &Option<String>, key: &str| -> i64 {
            json.as_deref()
                .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                .and_then(|v| v.get(key).and_then(serde_json::Value::as_i64))
                .unwrap_or(0)
        };
        let mut out = Vec::new();
        for (id, before, after, at) in rows {
            let amount = if id == entity_id {
                cents(&after, "budget_cents") - cents(&before, "budget_cents")
            } else {
                // A move "{schedule}:{from}->{to}" between two partners' envelopes.
                let Some((from, to)) = id
                    .strip_prefix(&moved_prefix)
                    .and_then(|rest| rest.split_once("->"))
                else {
                    continue;
                };
                let moved = cents(&after, "moved_cents");
                let own = partner.map(|(p, _)| p.0.to_string()).unwrap_or_default();
                if from == own {
                    -moved
                } else if to == own {
                    moved
                } else {
                    continue;
                }
            };
            if amount == 0 {
                continue;
            }
            out.push(EnvelopeMove {
                at: crate::platform::rows::instant(at)?,
                kind: EnvelopeMoveKind::Funding,
                amount: Cents(amount),
                entries: 0,
                balance: Cents(0),
            });
        }
        Ok(out)
    }

    /// The ledger's entries on the lots that came from an envelope (none: the reserve) and on
    /// the paper coupons of batches drawn on it, a line per local day and kind of movement.
    async fn drawn_and_returned(
        &self,
        ps: &ProgramScope,
        envelope: Option<i64>,
    ) -> StoreResult<Vec<EnvelopeMove>> {
        let rows = sqlx::query_as::<_, (i64, String, i64, i64, i64, i64)>(
            "SELECT e.at / 3600000 AS h, e.kind, CAST(CASE WHEN e.amount_cents > 0 THEN 1 ELSE 0 END AS BIGINT) AS up, \
             CAST(SUM(e.amount_cents) AS BIGINT), COUNT(*), MAX(e.at) \
             FROM fund_entries e LEFT JOIN fund_lots l ON l.id = e.lot_id \
             LEFT JOIN paper_coupons pc ON pc.id = e.paper_coupon_id \
             LEFT JOIN paper_batches pb ON pb.id = pc.batch_id \
             WHERE e.program_id = $1 AND e.kind IN ('load', 'adjust', 'expire') \
             AND (l.id IS NOT NULL OR pb.id IS NOT NULL) \
             AND (($2 = 0 AND COALESCE(l.envelope_id, pb.envelope_id) IS NULL) \
             OR COALESCE(l.envelope_id, pb.envelope_id) = $2) \
             GROUP BY e.at / 3600000, e.kind, CASE WHEN e.amount_cents > 0 THEN 1 ELSE 0 END \
             ORDER BY MIN(e.id)",
        )
        .bind(ps.id().0)
        .bind(envelope.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        // Hours folded into local days, per kind.
        let mut days: Vec<(jiff::civil::Date, EnvelopeMoveKind, EnvelopeMove)> = Vec::new();
        for (hour, kind, up, sum, entries, last) in rows {
            let kind = match (kind.as_str(), up == 1) {
                ("load", _) => EnvelopeMoveKind::Load,
                ("adjust", true) => EnvelopeMoveKind::ManualLoad,
                ("adjust", false) => EnvelopeMoveKind::Correction,
                _ => EnvelopeMoveKind::Return,
            };
            let day = period_of_hour(ReportPeriod::Day, hour)?;
            let at = crate::platform::rows::instant(last)?;
            // Onto a card is out of the envelope.
            let amount = Cents(-sum);
            match days.iter_mut().find(|(d, k, _)| *d == day && *k == kind) {
                Some((_, _, m)) => {
                    m.amount = Cents(m.amount.0 + amount.0);
                    m.entries += entries;
                    m.at = m.at.max(at);
                }
                None => days.push((
                    day,
                    kind,
                    EnvelopeMove {
                        at,
                        kind,
                        amount,
                        entries,
                        balance: Cents(0),
                    },
                )),
            }
        }
        Ok(days.into_iter().map(|(_, _, m)| m).collect())
    }
}
