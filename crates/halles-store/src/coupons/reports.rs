//! Reports on a program's ledger: sums of entries by dimension and period, reach, and envelopes.
//! Every figure is a sum of `fund_entries`, so reports reconcile with the ledger by construction.

use super::Access;
use super::ProgramScope;
use crate::{Store, StoreError, StoreResult};
use halles_core::OrgId;
use halles_core::coupons::{EntryKind, ProgramRole};
use halles_core::money::Cents;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

/// What a report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Product group.
    ProductGroup,
    /// Partner organization.
    Partner,
    /// Market.
    Market,
    /// Market group (markets in no group together, without a name).
    MarketGroup,
    /// Cash register.
    Register,
    /// Participant type.
    ParticipantType,
    /// Allocation schedule (the end-of-schedule report; manual funds have none).
    Schedule,
    /// The program's reconciliation period (month, week or day, in Montréal time): with a
    /// market filter, what that market is owed period by period.
    Period,
}

impl Dimension {
    /// Every dimension, in display order.
    pub const ALL: [Dimension; 8] = [
        Dimension::ProductGroup,
        Dimension::Partner,
        Dimension::Market,
        Dimension::MarketGroup,
        Dimension::Register,
        Dimension::ParticipantType,
        Dimension::Schedule,
        Dimension::Period,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::ProductGroup => "product_group",
            Dimension::Partner => "partner",
            Dimension::Market => "market",
            Dimension::MarketGroup => "market_group",
            Dimension::Register => "register",
            Dimension::ParticipantType => "participant_type",
            Dimension::Schedule => "schedule",
            Dimension::Period => "period",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == s)
    }

    fn column(self) -> &'static str {
        match self {
            Dimension::ProductGroup => "e.product_group_id",
            Dimension::Partner => "e.partner_id",
            Dimension::Market => "e.market_id",
            Dimension::MarketGroup => {
                "(SELECT pm.market_group_id FROM program_members pm WHERE pm.program_id = e.program_id \
                 AND pm.member_id = e.market_id)"
            }
            Dimension::Register => "e.register_id",
            Dimension::ParticipantType => "e.participant_type_id",
            Dimension::Schedule => "e.schedule_id",
            // Hours since the epoch: Montréal's offsets are whole hours, so each hour falls in
            // one local day, and the store folds hours into periods.
            Dimension::Period => "(e.at / 3600000)",
        }
    }

    fn label_sql(self) -> &'static str {
        match self {
            Dimension::ProductGroup => "(SELECT name_fr FROM product_groups WHERE id = k)",
            Dimension::ParticipantType => "(SELECT name_fr FROM participant_types WHERE id = k)",
            Dimension::Partner | Dimension::Market => {
                "(SELECT name FROM organizations WHERE id = k)"
            }
            Dimension::Register => "(SELECT name FROM registers WHERE id = k)",
            Dimension::MarketGroup => "(SELECT name FROM market_groups WHERE id = k)",
            Dimension::Schedule => "(SELECT name FROM allocation_schedules WHERE id = k)",
            Dimension::Period => "''",
        }
    }
}

/// The period and scope of a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportFilter {
    /// From this instant, included.
    pub from: Option<Timestamp>,
    /// Until this instant, excluded.
    pub until: Option<Timestamp>,
    /// Only this market's sales and refunds (and no loads, which have no market).
    pub market: Option<OrgId>,
}

/// Sums of the ledger, by kind of movement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Scheduled loads.
    pub loaded: Cents,
    /// Manual loads and corrections, gift funds (net).
    pub adjusted: Cents,
    /// Spent at registers (positive figure).
    pub spent: Cents,
    /// Refunded to cards.
    pub refunded: Cents,
    /// Expired or replaced (positive figure).
    pub expired: Cents,
    /// Net of transfers between cards (zero over a whole program).
    pub transferred: Cents,
}

impl Totals {
    /// What is left on cards from these movements: the ledger's sum.
    pub fn remaining(&self) -> Cents {
        Cents(
            self.loaded.0 + self.adjusted.0 - self.spent.0 + self.refunded.0 - self.expired.0
                + self.transferred.0,
        )
    }

    /// Put on cards: scheduled loads and manual or gift funds.
    pub fn put_on(&self) -> Cents {
        Cents(self.loaded.0 + self.adjusted.0)
    }

    /// Spent net of refunds: what a market is owed.
    pub fn net_spent(&self) -> Cents {
        Cents(self.spent.0 - self.refunded.0)
    }

    fn add(&mut self, kind: EntryKind, amount: i64) {
        match kind {
            EntryKind::Load => self.loaded.0 += amount,
            EntryKind::Adjust => self.adjusted.0 += amount,
            EntryKind::Spend => self.spent.0 -= amount,
            EntryKind::Refund => self.refunded.0 += amount,
            EntryKind::Expire => self.expired.0 -= amount,
            EntryKind::TransferIn | EntryKind::TransferOut => self.transferred.0 += amount,
        }
    }
}

/// Counts of the sales behind a report's amounts (refunds aside).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Purchases: sales at registers (a sale over several product groups counts once per
    /// group when the report is by product group).
    pub purchases: i64,
    /// Participants who used their card.
    pub participants: i64,
    /// Cards used.
    pub cards: i64,
    /// Markets where they were used.
    pub markets: i64,
}

impl Counts {
    /// The average basket: what was spent per purchase, to the cent (zero without purchases).
    pub fn average_basket(&self, spent: impl std::borrow::Borrow<Cents>) -> Cents {
        let spent = *spent.borrow();
        if self.purchases == 0 {
            return Cents(0);
        }
        Cents(halles_core::money::round_div(
            i128::from(spent.0),
            i128::from(self.purchases),
        ))
    }
}

/// One line of a report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    /// The dimension's id (none: entries without it, such as loads for the market dimension).
    pub key: Option<i64>,
    /// Its name.
    pub label: String,
    /// The sums.
    pub totals: Totals,
    /// The counts of its sales.
    pub counts: Counts,
    /// The first day of the period, when the report is by period.
    #[serde(skip)]
    pub period_start: Option<jiff::civil::Date>,
}

/// How many participants a program reached.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Reach {
    /// Participants enrolled and active.
    pub enrolled: i64,
    /// Participants who received at least one load.
    pub loaded: i64,
    /// Participants who spent at least once.
    pub used: i64,
    /// Participants who spent on at least two different days.
    pub repeat: i64,
}

/// The slice of a program's ledger an organization reads.
pub(super) enum Slice {
    /// All of it (the operator, funders).
    All,
    /// A partner's participants.
    Partner(i64),
    /// A market's sales, and those of the groups it manages.
    Markets(i64),
}

impl Slice {
    /// The condition on `fund_entries e`, with the partner bound as `$first` and the market as
    /// the next parameter (see [`Slice::values`]); zero stands for no limit.
    pub(super) fn sql(first: usize) -> String {
        let (p, m) = (first, first + 1);
        format!(
            " AND (${p} = 0 OR e.partner_id = ${p}) AND (${m} = 0 OR e.market_id = ${m} OR e.market_id IN \
             (SELECT pm.member_id FROM program_members pm JOIN market_groups g ON g.id = pm.market_group_id \
             WHERE g.manager_id = ${m} AND pm.program_id = e.program_id))"
        )
    }

    /// The values of the condition [`Slice::sql`]: the partner, then the market.
    pub(super) fn values(&self) -> [i64; 2] {
        match self {
            Slice::All => [0, 0],
            Slice::Partner(p) => [*p, 0],
            Slice::Markets(m) => [0, *m],
        }
    }
}

/// The first day of the reconciliation period holding an hour bucket of `fund_entries.at`
/// (`at / 3600000`): its local day, then its period. Montréal's offsets are whole hours, so an
/// hour never straddles two local days.
pub(super) fn period_of_hour(
    period: halles_core::coupons::ReportPeriod,
    hour: i64,
) -> StoreResult<jiff::civil::Date> {
    let at = Timestamp::from_millisecond(hour.saturating_mul(3_600_000))
        .map_err(|_| StoreError::Corrupt("fund_entries.at"))?;
    Ok(period.start(halles_core::coupons::local_date(at)))
}

/// One envelope in the envelope report.
#[derive(Debug, Clone, Serialize)]
pub struct EnvelopeRow {
    /// The envelope (none: the program's reserve).
    pub id: Option<halles_core::EnvelopeId>,
    /// The schedule's name.
    pub schedule: String,
    /// The partner's name.
    pub partner: String,
    /// Budget.
    pub budget: Cents,
    /// Reserved for loads to come.
    pub reserved: Cents,
    /// Loaded on cards.
    pub loaded: Cents,
    /// Free.
    pub free: Cents,
    /// The program's reserve (the operator's money, no partner's): no schedule, no partner.
    pub program_reserve: bool,
}

impl Store {
    /// Which slice of a program's ledger the acting organization may read: the operator and
    /// funders all of it, a partner its participants' entries, a market its own sales and those
    /// of the market groups it manages.
    pub(super) fn report_scope(ps: &ProgramScope) -> Slice {
        let org = ps.tenant().org.0;
        match ps.access() {
            Access::Operator | Access::Member(ProgramRole::Funder) => Slice::All,
            Access::Member(ProgramRole::Partner) => Slice::Partner(org),
            Access::Member(ProgramRole::Market) => Slice::Markets(org),
        }
    }

    /// The program's totals, overall or by a dimension, over a period.
    pub async fn report(
        &self,
        ps: &ProgramScope,
        by: Option<Dimension>,
        filter: ReportFilter,
    ) -> StoreResult<Vec<ReportRow>> {
        let period = ps.program().report_period;
        self.report_in(ps, by, filter, period).await
    }

    /// The program's totals by calendar month, whatever its reconciliation period (the
    /// reports page's chart of spending by month).
    pub async fn report_by_month(
        &self,
        ps: &ProgramScope,
        filter: ReportFilter,
    ) -> StoreResult<Vec<ReportRow>> {
        self.report_in(
            ps,
            Some(Dimension::Period),
            filter,
            halles_core::coupons::ReportPeriod::Month,
        )
        .await
    }

    /// [`Store::report`], with `period` the periods of [`Dimension::Period`].
    async fn report_in(
        &self,
        ps: &ProgramScope,
        by: Option<Dimension>,
        filter: ReportFilter,
        report_period: halles_core::coupons::ReportPeriod,
    ) -> StoreResult<Vec<ReportRow>> {
        let program = ps.id();
        let slice = Self::report_scope(ps).values();
        let only_sql = Slice::sql(5);
        let key = by.map(|d| d.column()).unwrap_or("e.program_id");
        let label = by.map(|d| d.label_sql()).unwrap_or("''");
        let sql = format!(
            "SELECT k, {label} AS label, kind, s FROM (SELECT {key} AS k, e.kind AS kind, \
             CAST(SUM(e.amount_cents) AS BIGINT) AS s FROM fund_entries e WHERE e.program_id = $1 AND e.at >= $2 \
             AND e.at < $3 AND ($4 = 0 OR e.market_id = $4){only_sql} GROUP BY {key}, e.kind) t ORDER BY label, k"
        );
        let rows = sqlx::query(&sql)
            .bind(program.0)
            .bind(filter.from.map(|t| t.as_millisecond()).unwrap_or(i64::MIN))
            .bind(filter.until.map(|t| t.as_millisecond()).unwrap_or(i64::MAX))
            .bind(filter.market.map(|m| m.0).unwrap_or(0))
            .bind(slice[0])
            .bind(slice[1])
            .fetch_all(&self.pool)
            .await?;
        let period = match by {
            Some(Dimension::Period) => Some(report_period),
            _ => None,
        };
        let mut out: Vec<ReportRow> = Vec::new();
        for r in rows {
            let mut k: Option<i64> = r.try_get("k")?;
            let mut label: Option<String> = r.try_get("label")?;
            let mut period_start = None;
            if let (Some(period), Some(hour)) = (period, k) {
                // Keyed and labelled by the period's first day.
                let start = period_of_hour(period, hour)?;
                period_start = Some(start);
                k = Some(
                    i64::from(start.year()) * 10_000
                        + i64::from(start.month()) * 100
                        + i64::from(start.day()),
                );
                label = Some(start.to_string());
            }
            let kind: EntryKind = crate::db::code(&r, "kind", "entry_kind")?;
            let s: i64 = r.try_get("s")?;
            match out.iter_mut().find(|x| x.key == k) {
                Some(row) => row.totals.add(kind, s),
                None => {
                    let mut totals = Totals::default();
                    totals.add(kind, s);
                    out.push(ReportRow {
                        key: k,
                        label: label.unwrap_or_default(),
                        totals,
                        counts: Counts::default(),
                        period_start,
                    });
                }
            }
        }
        match (by, period) {
            (_, Some(period)) => {
                out.sort_by_key(|r| r.key);
                // Distinct counts do not add up hour by hour: each period is counted apart.
                for row in &mut out {
                    let Some(start) = row.period_start else {
                        continue;
                    };
                    let from = halles_core::coupons::start_of(start);
                    let until = halles_core::coupons::start_of(period.next(start));
                    let within = ReportFilter {
                        from: Some(filter.from.map_or(from, |f| f.max(from))),
                        until: Some(filter.until.map_or(until, |u| u.min(until))),
                        market: filter.market,
                    };
                    row.counts = self.report_counts(ps, within).await?;
                }
            }
            (Some(d), None) => {
                let counts = self.counts_by(ps, Some(d), filter).await?;
                for row in &mut out {
                    if let Some((_, c)) = counts.iter().find(|(k, _)| *k == row.key) {
                        row.counts = *c;
                    }
                }
            }
            (None, None) => {
                if let Some(row) = out.first_mut() {
                    row.counts = self.report_counts(ps, filter).await?;
                }
            }
        }
        Ok(out)
    }

    /// The counts of the sales of a program (or the acting organization's slice of it) over a
    /// period: purchases, participants who used their card, cards, markets.
    pub async fn report_counts(
        &self,
        ps: &ProgramScope,
        filter: ReportFilter,
    ) -> StoreResult<Counts> {
        Ok(self
            .counts_by(ps, None, filter)
            .await?
            .into_iter()
            .next()
            .map(|(_, c)| c)
            .unwrap_or_default())
    }

    /// Counts of sales by a dimension's key (not by period: hours do not add up).
    async fn counts_by(
        &self,
        ps: &ProgramScope,
        by: Option<Dimension>,
        filter: ReportFilter,
    ) -> StoreResult<Vec<(Option<i64>, Counts)>> {
        let slice = Self::report_scope(ps).values();
        let only_sql = Slice::sql(5);
        let key = by.map(|d| d.column()).unwrap_or("e.program_id");
        let sql = format!(
            "SELECT {key} AS k, COUNT(DISTINCT e.redemption_id) + COUNT(DISTINCT e.paper_coupon_id) AS purchases,              COUNT(DISTINCT e.participant_id) AS participants, COUNT(DISTINCT e.card_id) AS cards,              COUNT(DISTINCT e.market_id) AS markets FROM fund_entries e WHERE e.program_id = $1              AND e.at >= $2 AND e.at < $3 AND ($4 = 0 OR e.market_id = $4){only_sql}              AND e.kind = 'spend' GROUP BY {key}"
        );
        let rows = sqlx::query_as::<_, (Option<i64>, i64, i64, i64, i64)>(&sql)
            .bind(ps.id().0)
            .bind(filter.from.map(|t| t.as_millisecond()).unwrap_or(i64::MIN))
            .bind(filter.until.map(|t| t.as_millisecond()).unwrap_or(i64::MAX))
            .bind(filter.market.map(|m| m.0).unwrap_or(0))
            .bind(slice[0])
            .bind(slice[1])
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(k, purchases, participants, cards, markets)| {
                (
                    k,
                    Counts {
                        purchases,
                        participants,
                        cards,
                        markets,
                    },
                )
            })
            .collect())
    }

    /// Totals of the whole program (or the acting organization's slice of it) over a period.
    pub async fn report_totals(
        &self,
        ps: &ProgramScope,
        filter: ReportFilter,
    ) -> StoreResult<Totals> {
        Ok(self
            .report(ps, None, filter)
            .await?
            .into_iter()
            .next()
            .map(|r| r.totals)
            .unwrap_or_default())
    }

    /// The program's reach per partner organization over a period (the operator and funders):
    /// participants enrolled and active, loaded, who used their card, and on two days or more.
    pub async fn reach_by_partner(
        &self,
        ps: &ProgramScope,
        filter: ReportFilter,
    ) -> StoreResult<Vec<(String, Reach)>> {
        let program = ps.id();
        if !matches!(Self::report_scope(ps), Slice::All) {
            return Err(StoreError::NotFound);
        }
        let from = filter.from.map(|t| t.as_millisecond()).unwrap_or(i64::MIN);
        let until = filter.until.map(|t| t.as_millisecond()).unwrap_or(i64::MAX);
        let rows = sqlx::query(
            "SELECT o.name, \
             (SELECT COUNT(*) FROM participants p WHERE p.program_id = m.program_id AND p.organization_id = o.id \
              AND p.active = $2) AS enrolled, \
             (SELECT COUNT(DISTINCT e.participant_id) FROM fund_entries e WHERE e.program_id = m.program_id \
              AND e.partner_id = o.id AND e.kind = 'load' AND e.at >= $3 AND e.at < $4) AS loaded, \
             (SELECT COUNT(DISTINCT e.participant_id) FROM fund_entries e WHERE e.program_id = m.program_id \
              AND e.partner_id = o.id AND e.kind = 'spend' AND e.at >= $3 AND e.at < $4) AS used, \
             (SELECT COUNT(*) FROM (SELECT c.participant_id FROM redemptions r JOIN cards c ON c.id = r.card_id \
              JOIN participants p ON p.id = c.participant_id WHERE r.program_id = m.program_id \
              AND p.organization_id = o.id AND r.created_at >= $3 AND r.created_at < $4 \
              GROUP BY c.participant_id HAVING COUNT(DISTINCT r.created_at / 86400000) >= 2) t) AS repeat \
             FROM program_members m JOIN organizations o ON o.id = m.member_id \
             WHERE m.program_id = $1 AND m.role = 'partner' ORDER BY o.name",
        )
        .bind(program.0)
        .bind(true)
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("name")?,
                    Reach {
                        enrolled: r.try_get("enrolled")?,
                        loaded: r.try_get("loaded")?,
                        used: r.try_get("used")?,
                        repeat: r.try_get("repeat")?,
                    },
                ))
            })
            .collect()
    }

    /// How many participants the program reached over a period.
    pub async fn reach(&self, ps: &ProgramScope, filter: ReportFilter) -> StoreResult<Reach> {
        let program = ps.id();
        let partner = match Self::report_scope(ps) {
            Slice::All => 0,
            Slice::Partner(p) => p,
            Slice::Markets(_) => return Err(StoreError::NotFound),
        };
        let from = filter.from.map(|t| t.as_millisecond()).unwrap_or(i64::MIN);
        let until = filter.until.map(|t| t.as_millisecond()).unwrap_or(i64::MAX);
        let count = |sql: &'static str| {
            let pool = self.pool.clone();
            async move {
                let n: i64 = sqlx::query(sql)
                    .bind(program.0)
                    .bind(partner)
                    .bind(from)
                    .bind(until)
                    .fetch_one(&pool)
                    .await?
                    .try_get("n")?;
                StoreResult::Ok(n)
            }
        };
        Ok(Reach {
            enrolled: count(
                "SELECT COUNT(*) AS n FROM participants WHERE program_id = $1 AND ($2 = 0 OR organization_id = $2) \
                 AND active = (1 = 1) AND $3 <= $4",
            )
            .await?,
            loaded: count(
                "SELECT COUNT(DISTINCT participant_id) AS n FROM fund_entries WHERE program_id = $1 \
                 AND ($2 = 0 OR partner_id = $2) AND kind = 'load' AND at >= $3 AND at < $4",
            )
            .await?,
            used: count(
                "SELECT COUNT(DISTINCT participant_id) AS n FROM fund_entries WHERE program_id = $1 \
                 AND ($2 = 0 OR partner_id = $2) AND kind = 'spend' AND at >= $3 AND at < $4",
            )
            .await?,
            repeat: count(
                "SELECT COUNT(*) AS n FROM (SELECT participant_id FROM redemptions r JOIN cards c ON c.id = r.card_id \
                 JOIN participants p ON p.id = c.participant_id WHERE r.program_id = $1 AND ($2 = 0 OR p.organization_id = $2) \
                 AND r.created_at >= $3 AND r.created_at < $4 GROUP BY c.participant_id \
                 HAVING COUNT(DISTINCT r.created_at / 86400000) >= 2) t",
            )
            .await?,
        })
    }

    /// The envelope report: budget, reserved, loaded and free per schedule and partner.
    pub async fn envelope_report(&self, ps: &ProgramScope) -> StoreResult<Vec<EnvelopeRow>> {
        let partner = match Self::report_scope(ps) {
            Slice::All => None,
            Slice::Partner(p) => Some(halles_core::OrgId(p)),
            Slice::Markets(_) => return Err(StoreError::NotFound),
        };
        let schedules = self.schedules(ps).await?;
        // The reserve first, as such, for those who read every partner's envelopes.
        let reserve = match partner {
            None => {
                let r = self.program_reserve(ps.id()).await?;
                (r.budget.0 > 0).then(|| EnvelopeRow {
                    id: None,
                    schedule: String::new(),
                    partner: String::new(),
                    budget: r.budget,
                    reserved: Cents(0),
                    loaded: r.loaded,
                    free: r.free(),
                    program_reserve: true,
                })
            }
            Some(_) => None,
        };
        Ok(reserve
            .into_iter()
            .chain(self.envelopes(ps, partner).await?.into_iter().map(|e| {
                EnvelopeRow {
                    id: Some(e.id),
                    schedule: schedules
                        .iter()
                        .find(|s| s.id == e.schedule)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    partner: e.partner_name.clone(),
                    budget: e.budget,
                    reserved: e.reserved,
                    loaded: e.loaded,
                    free: e.free(),
                    program_reserve: false,
                }
            }))
            .collect())
    }
}
