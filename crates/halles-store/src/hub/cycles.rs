//! Order cycles of a hub, their pickup points and delivery zones, and the hub's price rules
//! (the producers' availability is in `availability`).

use crate::db::ms;
use crate::hub::HubScope;
pub use crate::hub::availability::{GridEntry, GridRow};
use crate::platform::audit::{self, Action, Change, Removal};
use crate::platform::rows::{instant, parsed};
use crate::{Backend, Store, StoreError, StoreResult, TenantScope};
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::refusals::Refusal;
use halles_core::validation::FieldError;
use halles_core::{CycleId, LocationId, OrgId, PriceRuleId, ProductId};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// A pickup point or a delivery zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationInput {
    /// `pickup` or `delivery`.
    pub kind: String,
    /// Its name ("Entrepôt du Pôle, jeudi 14 h-18 h", "Zone Ouest").
    pub name: String,
    /// Fee added to each order.
    pub fee: Cents,
    /// Smallest order subtotal accepted.
    pub min_order: Cents,
}

impl LocationInput {
    /// The kind as stored: `delivery`, or else `pickup`.
    fn stored_kind(&self) -> &'static str {
        if self.kind == "delivery" {
            "delivery"
        } else {
            "pickup"
        }
    }
}

/// A location of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Its id.
    pub id: LocationId,
    /// The rest.
    #[serde(flatten)]
    pub input: LocationInput,
}

/// What the hub sets when creating a cycle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CycleInput {
    /// Its name ("Semaine du 30 novembre").
    pub name: String,
    /// When buyers may start ordering.
    pub opens_at: Timestamp,
    /// The cut-off.
    pub closes_at: Timestamp,
    /// The days goods are delivered or picked up (at least one).
    #[serde(default)]
    pub delivery_days: Vec<Date>,
    /// Delivery or pickup details, as told to buyers.
    pub delivery_note: String,
    /// A fee added to every order.
    pub order_fee: Cents,
    /// Producers taking part.
    pub producers: Vec<OrgId>,
    /// Pickup points and delivery zones.
    pub locations: Vec<LocationInput>,
}

/// An order cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Cycle {
    /// Its id.
    pub id: CycleId,
    /// The hub.
    pub hub: OrgId,
    /// Its name.
    pub name: String,
    /// Its state.
    pub status: CycleStatus,
    /// Opening.
    pub opens_at: Timestamp,
    /// Cut-off.
    pub closes_at: Timestamp,
    /// The days goods are delivered or picked up, in order.
    pub delivery_days: Vec<Date>,
    /// Delivery or pickup details.
    pub delivery_note: String,
    /// Per-order fee.
    pub order_fee: Cents,
    /// Producers taking part.
    pub producers: Vec<OrgId>,
    /// Pickup points and delivery zones.
    pub locations: Vec<Location>,
}

/// The same local time seven days later in Montréal (a daylight-saving change keeps the hour).
pub fn one_week_later(t: Timestamp) -> Timestamp {
    let tz = jiff::tz::TimeZone::get("America/Toronto").unwrap_or(jiff::tz::TimeZone::UTC);
    t.to_zoned(tz)
        .checked_add(jiff::Span::new().days(7))
        .map(|z| z.timestamp())
        .unwrap_or(t + SignedDuration::from_hours(24 * 7))
}

/// The name of next week's copy: a trailing number goes up by one ("Semaine 4" → "Semaine 5").
pub fn next_name(name: &str) -> String {
    let digits: String = name
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match digits.parse::<u64>() {
        Ok(n) if !digits.is_empty() => format!("{}{}", &name[..name.len() - digits.len()], n + 1),
        _ => name.to_owned(),
    }
}

/// An `order_cycles` row ([`CYCLE_COLUMNS`]).
#[derive(FromRow)]
struct CycleRow {
    id: i64,
    organization_id: i64,
    name: String,
    status: String,
    opens_at: i64,
    closes_at: i64,
    delivery_note: String,
    order_fee_cents: i64,
    delivery_days: String,
}

/// A `cycle_locations` row.
#[derive(FromRow)]
struct LocationRow {
    id: i64,
    kind: String,
    name: String,
    fee_cents: i64,
    min_order_cents: i64,
}

/// A `price_rules` row.
#[derive(FromRow)]
struct PriceRuleRow {
    id: i64,
    buyer_type: Option<String>,
    buyer_id: Option<i64>,
    product_id: Option<i64>,
    margin_bp: i64,
}

const CYCLE_COLUMNS: &str = "id, organization_id, name, status, opens_at, closes_at, delivery_note, \
     order_fee_cents, delivery_days";

/// What the hub changes on a cycle after creating it; its producers stay.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CycleChange {
    /// Its name.
    pub name: String,
    /// When buyers may start ordering.
    pub opens_at: Timestamp,
    /// The cut-off (it may move later, or earlier).
    pub closes_at: Timestamp,
    /// The delivery days; a day orders are delivered on cannot go (`delivery_day_in_use`).
    pub delivery_days: Vec<Date>,
    /// Delivery or pickup details.
    pub delivery_note: String,
    /// A fee added to every order.
    pub order_fee: Cents,
    /// Every pickup point and zone the cycle keeps: with the id of one it has (renamed, new
    /// fee or minimum), or without for a new one. One left out is removed, unless an order
    /// uses it (`location_in_use`).
    pub locations: Vec<(Option<LocationId>, LocationInput)>,
}

impl CycleChange {
    /// A new cycle of these terms with these producers (a location's id is ignored).
    pub fn into_input(self, producers: Vec<OrgId>) -> CycleInput {
        CycleInput {
            name: self.name,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            delivery_days: self.delivery_days,
            delivery_note: self.delivery_note,
            order_fee: self.order_fee,
            producers,
            locations: self.locations.into_iter().map(|(_, l)| l).collect(),
        }
    }
}

/// Adds a pickup point or zone to a cycle.
async fn insert_location(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    cycle: CycleId,
    l: &LocationInput,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO cycle_locations (organization_id, cycle_id, kind, name, fee_cents, min_order_cents) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hub.0)
    .bind(cycle.0)
    .bind(l.stored_kind())
    .bind(l.name.trim())
    .bind(l.fee.0)
    .bind(l.min_order.0)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Delivery days as stored: ISO dates, comma-separated, in order.
fn days_text(days: &[Date]) -> String {
    halles_core::ordering::delivery_days(days.to_vec())
        .iter()
        .map(Date::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads stored delivery days.
fn parse_days(s: &str) -> StoreResult<Vec<Date>> {
    s.split(',')
        .filter(|d| !d.is_empty())
        .map(|d| d.parse().map_err(|_| StoreError::Corrupt("delivery_days")))
        .collect()
}

/// The one rule of a cycle's terms (name, times, delivery days, fees and location names),
/// each failure on the field it names.
fn check_terms(
    name: &str,
    opens_at: Timestamp,
    closes_at: Timestamp,
    delivery_days: &[Date],
    order_fee: Cents,
    locations: &[&LocationInput],
) -> StoreResult<()> {
    use halles_core::limits::Limit;
    let mut v = halles_core::validation::Validator::new();
    halles_core::ordering::check_cycle(&mut v, name, opens_at, closes_at, delivery_days);
    v.amount(
        "order_fee",
        order_fee.within(Limit::Movement),
        "price_invalid",
    );
    let mut names = std::collections::HashSet::new();
    for (i, l) in locations.iter().enumerate() {
        let field = format!("locations[{i}].name");
        if v.required(&field, &l.name) {
            v.max_len(&field, &l.name, crate::hub::locations::NAME_MAX);
        }
        // Buyers and standing orders tell the points apart by name.
        if !names.insert(l.name.trim().to_lowercase()) {
            v.refuse(&field, Refusal::DuplicateName);
        }
        v.amount(
            &format!("locations[{i}].fee"),
            l.fee.within(Limit::Movement),
            "price_invalid",
        );
        v.amount(
            &format!("locations[{i}].min_order"),
            l.min_order.within(Limit::Movement),
            "price_invalid",
        );
    }
    v.finish().map_err(StoreError::Invalid)
}

impl Store {
    fn cycle_from_row(r: &AnyRow) -> StoreResult<Cycle> {
        let r = CycleRow::from_row(r)?;
        Ok(Cycle {
            id: CycleId(r.id),
            hub: OrgId(r.organization_id),
            name: r.name,
            status: parsed(&r.status, "cycle status")?,
            opens_at: instant(r.opens_at)?,
            closes_at: instant(r.closes_at)?,
            delivery_days: parse_days(&r.delivery_days)?,
            delivery_note: r.delivery_note,
            order_fee: Cents(r.order_fee_cents),
            producers: Vec::new(),
            locations: Vec::new(),
        })
    }

    /// Creates a draft cycle with its producers and locations.
    pub async fn create_cycle(&self, hs: &HubScope, c: &CycleInput) -> StoreResult<CycleId> {
        let scope = hs.own()?.tenant();
        check_terms(
            &c.name,
            c.opens_at,
            c.closes_at,
            &c.delivery_days,
            c.order_fee,
            &c.locations.iter().collect::<Vec<_>>(),
        )?;
        for p in &c.producers {
            if !self.works_with(scope.org, *p).await? {
                return Err(StoreError::Refused(Refusal::ProducerNotLinked));
            }
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO order_cycles (organization_id, name, status, opens_at, closes_at, delivery_note, \
             order_fee_cents, created_at, updated_at, delivery_days) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $7, $8) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(c.name.trim())
        .bind(ms(c.opens_at))
        .bind(ms(c.closes_at))
        .bind(c.delivery_note.trim())
        .bind(c.order_fee.0)
        .bind(ms(now))
        .bind(days_text(&c.delivery_days))
        .fetch_one(&mut *tx)
        .await?;
        for p in &c.producers {
            sqlx::query("INSERT INTO cycle_producers (organization_id, cycle_id, producer_id) VALUES ($1, $2, $3)")
                .bind(scope.org.0)
                .bind(id)
                .bind(p.0)
                .execute(&mut *tx)
                .await?;
        }
        for l in &c.locations {
            insert_location(&mut tx, scope.org, CycleId(id), l).await?;
        }
        let change = Change::by(scope, Action::Create, "order_cycle", id)
            .after(serde_json::to_value(c).unwrap_or_default());
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(CycleId(id))
    }

    /// A cycle of the hub, with its producers and locations. A producer reaches only the
    /// cycles it takes part in.
    pub async fn cycle(&self, hs: &HubScope, id: CycleId) -> StoreResult<Cycle> {
        let c = self.cycle_of(hs.hub(), id).await?;
        if hs.role() == crate::hub::HubRole::Producer && !c.producers.contains(&hs.tenant().org) {
            return Err(StoreError::NotFound);
        }
        // A cycle the hub shows only to other buyers does not exist for this one.
        if matches!(hs.role(), crate::hub::HubRole::Buyer(_))
            && !self.cycle_shown_to(hs.hub(), id, hs.tenant().org).await?
        {
            return Err(StoreError::NotFound);
        }
        Ok(c)
    }

    /// A cycle of a hub, for callers that hold its scope.
    pub(crate) async fn cycle_of(&self, hub: OrgId, id: CycleId) -> StoreResult<Cycle> {
        let row = sqlx::query(&format!(
            "SELECT {CYCLE_COLUMNS} FROM order_cycles WHERE organization_id = $1 AND id = $2"
        ))
        .bind(hub.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut c = Self::cycle_from_row(&row)?;
        let ps: Vec<i64> = sqlx::query_scalar(
            "SELECT producer_id FROM cycle_producers WHERE organization_id = $1 AND cycle_id = $2",
        )
        .bind(hub.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        c.producers = ps.into_iter().map(OrgId).collect();
        let ls: Vec<LocationRow> = sqlx::query_as(
            "SELECT id, kind, name, fee_cents, min_order_cents FROM cycle_locations \
             WHERE organization_id = $1 AND cycle_id = $2 ORDER BY id",
        )
        .bind(hub.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        c.locations = ls
            .into_iter()
            .map(|r| Location {
                id: LocationId(r.id),
                input: LocationInput {
                    kind: r.kind,
                    name: r.name,
                    fee: Cents(r.fee_cents),
                    min_order: Cents(r.min_order_cents),
                },
            })
            .collect();
        Ok(c)
    }

    /// The hub's cycles, newest first (without producers and locations).
    pub async fn cycles(&self, hs: &HubScope) -> StoreResult<Vec<Cycle>> {
        let hub = hs.own()?.hub();
        let rows = sqlx::query(&format!(
            "SELECT {CYCLE_COLUMNS} FROM order_cycles WHERE organization_id = $1 ORDER BY opens_at DESC, id DESC"
        ))
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Self::cycle_from_row).collect()
    }

    /// Cycles a producer takes part in, at every hub, newest first.
    pub async fn cycles_of_producer(&self, scope: &TenantScope) -> StoreResult<Vec<Cycle>> {
        let rows = sqlx::query(
            "SELECT c.id, c.organization_id, c.name, c.status, c.opens_at, c.closes_at, c.delivery_note, \
             c.order_fee_cents, c.delivery_days FROM order_cycles c JOIN cycle_producers p ON p.organization_id = c.organization_id \
             AND p.cycle_id = c.id WHERE p.producer_id = $1 ORDER BY c.opens_at DESC, c.id DESC",
        )
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Self::cycle_from_row).collect()
    }

    /// Open cycles of the hubs that serve a buyer, but those shown only to other buyers.
    pub async fn open_cycles_for_buyer(&self, scope: &TenantScope) -> StoreResult<Vec<Cycle>> {
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.organization_id, c.name, c.status, c.opens_at, c.closes_at, c.delivery_note, \
             c.order_fee_cents, c.delivery_days FROM order_cycles c JOIN hub_buyers b ON b.organization_id = c.organization_id \
             WHERE b.buyer_id = $1 AND c.status = 'open' AND {} ORDER BY c.closes_at",
            crate::hub::visibility::cycle_visible_to_buyer("c.id", "c.organization_id", "$1")
        ))
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Self::cycle_from_row).collect()
    }

    /// Opens, closes or completes a cycle by hand. Opening one whose cut-off has passed needs a
    /// new cut-off: see [`Store::open_cycle`].
    pub async fn set_cycle_status(
        &self,
        hs: &HubScope,
        id: CycleId,
        to: CycleStatus,
    ) -> StoreResult<()> {
        self.move_cycle(hs, id, to, None).await
    }

    /// Opens a cycle by hand, with a new cut-off when one is given. A cut-off already passed
    /// (the cycle's own, or the one given) is refused on `closes_at` (`cut_off_passed`):
    /// otherwise the cycle would show open, refuse every order and close again on time.
    pub async fn open_cycle(
        &self,
        hs: &HubScope,
        id: CycleId,
        closes_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        self.move_cycle(hs, id, CycleStatus::Open, closes_at).await
    }

    async fn move_cycle(
        &self,
        hs: &HubScope,
        id: CycleId,
        to: CycleStatus,
        new_cut_off: Option<Timestamp>,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let c = self.cycle_of(scope.org, id).await?;
        if !c.status.can_become(to) {
            return Err(StoreError::Refused(Refusal::StatusChangeNotAllowed));
        }
        let now = self.now();
        let closes_at = new_cut_off.unwrap_or(c.closes_at);
        if to == CycleStatus::Open {
            if closes_at <= now {
                return Err(StoreError::Invalid(vec![FieldError::refused(
                    "closes_at",
                    Refusal::CutOffPassed,
                )]));
            }
            check_terms(
                &c.name,
                c.opens_at,
                closes_at,
                &c.delivery_days,
                c.order_fee,
                &[],
            )?;
        }
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE order_cycles SET status = $1, updated_at = $2, closes_at = $6 \
             WHERE organization_id = $3 AND id = $4 AND status = $5",
        )
        .bind(to.code())
        .bind(ms(now))
        .bind(scope.org.0)
        .bind(id.0)
        .bind(c.status.code())
        .bind(ms(closes_at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::StatusChangeNotAllowed));
        }
        let change = Change::by(scope, Action::Update, "order_cycle", id)
            .before(json!({"status": c.status, "closes_at": c.closes_at}))
            .after(json!({"status": to, "closes_at": closes_at}));
        audit::record(&mut tx, change, now).await?;
        if let Some(event) = crate::platform::events::Event::cycle_moved(scope.org, id, to) {
            crate::platform::events::record(&mut tx, event, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes a cycle's terms ([`CycleChange`]) until it is completed, by the rule that
    /// creating one follows; nothing a placed order relies on goes (a pickup point, zone or
    /// delivery day in use is refused on its field). Placed orders keep the fees they were
    /// placed with until they change. The cycle's status stays: an open cycle whose cut-off
    /// moves later takes orders until the new one.
    pub async fn update_cycle(
        &self,
        hs: &HubScope,
        id: CycleId,
        ch: &CycleChange,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let before = self.cycle_of(scope.org, id).await?;
        if before.status == CycleStatus::Completed {
            return Err(StoreError::Refused(Refusal::CycleCompleted));
        }
        check_terms(
            &ch.name,
            ch.opens_at,
            ch.closes_at,
            &ch.delivery_days,
            ch.order_fee,
            &ch.locations.iter().map(|(_, l)| l).collect::<Vec<_>>(),
        )?;
        let unknown: Vec<FieldError> = ch
            .locations
            .iter()
            .enumerate()
            .filter(|(_, (l, _))| l.is_some_and(|l| !before.locations.iter().any(|x| x.id == l)))
            .map(|(i, _)| FieldError::refused(&format!("locations[{i}]"), Refusal::UnknownLocation))
            .collect();
        if !unknown.is_empty() {
            return Err(StoreError::Invalid(unknown));
        }
        let removed: Vec<LocationId> = before
            .locations
            .iter()
            .map(|l| l.id)
            .filter(|l| !ch.locations.iter().any(|(k, _)| *k == Some(*l)))
            .collect();
        let days = halles_core::ordering::delivery_days(ch.delivery_days.clone());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if self.backend() == Backend::Postgres {
            // Orders read the cycle FOR SHARE: none is placed between the checks and the change.
            sqlx::query(
                "SELECT id FROM order_cycles WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            )
            .bind(scope.org.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        }
        let in_use: Vec<(Option<i64>, String)> = sqlx::query_as(
            "SELECT DISTINCT location_id, delivery_day FROM orders \
             WHERE organization_id = $1 AND cycle_id = $2 AND status = 'placed'",
        )
        .bind(scope.org.0)
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut errors = Vec::new();
        if in_use
            .iter()
            .any(|(l, _)| l.is_some_and(|l| removed.contains(&LocationId(l))))
        {
            errors.push(FieldError::refused("locations", Refusal::LocationInUse));
        }
        if in_use
            .iter()
            .any(|(_, d)| !d.is_empty() && !days.iter().any(|x| x.to_string() == *d))
        {
            errors.push(FieldError::refused(
                "delivery_days",
                Refusal::DeliveryDayInUse,
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let n = sqlx::query(
            "UPDATE order_cycles SET name = $1, opens_at = $2, closes_at = $3, delivery_days = $4, \
             delivery_note = $5, order_fee_cents = $6, updated_at = $7 \
             WHERE organization_id = $8 AND id = $9 AND status <> 'completed'",
        )
        .bind(ch.name.trim())
        .bind(ms(ch.opens_at))
        .bind(ms(ch.closes_at))
        .bind(days_text(&days))
        .bind(ch.delivery_note.trim())
        .bind(ch.order_fee.0)
        .bind(ms(now))
        .bind(scope.org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::CycleCompleted));
        }
        // A new name follows into the standing orders that named the old one (in one
        // statement, so two points that swap names stay apart).
        let renamed: Vec<(&str, &str)> = ch
            .locations
            .iter()
            .filter_map(|(lid, l)| {
                let old = before.locations.iter().find(|x| Some(x.id) == *lid)?;
                (old.input.name != l.name.trim()).then(|| (old.input.name.as_str(), l.name.trim()))
            })
            .collect();
        if !renamed.is_empty() {
            let whens: Vec<String> = (0..renamed.len())
                .map(|i| format!("WHEN ${} THEN ${}", 2 * i + 2, 2 * i + 3))
                .collect();
            let olds: Vec<String> = (0..renamed.len())
                .map(|i| format!("${}", 2 * i + 2))
                .collect();
            let sql = format!(
                "UPDATE standing_orders SET location_name = CASE location_name {} END \
                 WHERE organization_id = $1 AND location_name IN ({})",
                whens.join(" "),
                olds.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(scope.org.0);
            for (old, new) in &renamed {
                q = q.bind(*old).bind(*new);
            }
            q.execute(&mut *tx).await?;
        }
        for (lid, l) in &ch.locations {
            match lid {
                Some(lid) => {
                    sqlx::query(
                        "UPDATE cycle_locations SET kind = $1, name = $2, fee_cents = $3, min_order_cents = $4 \
                         WHERE organization_id = $5 AND cycle_id = $6 AND id = $7",
                    )
                    .bind(l.stored_kind())
                    .bind(l.name.trim())
                    .bind(l.fee.0)
                    .bind(l.min_order.0)
                    .bind(scope.org.0)
                    .bind(id.0)
                    .bind(lid.0)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    insert_location(&mut tx, scope.org, id, l).await?;
                }
            }
        }
        for l in &removed {
            sqlx::query(
                "DELETE FROM cycle_locations WHERE organization_id = $1 AND cycle_id = $2 AND id = $3",
            )
            .bind(scope.org.0)
            .bind(id.0)
            .bind(l.0)
            .execute(&mut *tx)
            .await?;
        }
        let change = Change::by(scope, Action::Update, "order_cycle", id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(ch).unwrap_or_default());
        audit::record(&mut tx, change, now).await?;
        let changed = crate::platform::events::Event::CycleChanged {
            hub: scope.org,
            cycle: id,
        };
        crate::platform::events::record(&mut tx, changed, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves every cycle whose time has come: drafts open, open cycles close.
    /// Conditional updates, so running it twice or from two workers changes nothing more.
    pub async fn advance_cycles(&self) -> StoreResult<Vec<(OrgId, CycleId, CycleStatus)>> {
        let now = ms(self.now());
        let rows = sqlx::query(&format!(
            "SELECT {CYCLE_COLUMNS} FROM order_cycles WHERE (status = 'draft' AND opens_at <= $1) \
             OR (status = 'open' AND closes_at <= $1)"
        ))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut moved = Vec::new();
        for r in &rows {
            let c = Self::cycle_from_row(r)?;
            let to = c.status.due(c.opens_at, c.closes_at, self.now());
            if to == c.status {
                continue;
            }
            // The move, its audit record and its event commit together.
            let mut conn = self.write_tx().await?;
            let n = sqlx::query(
                "UPDATE order_cycles SET status = $1, updated_at = $2 WHERE organization_id = $3 AND id = $4 AND status = $5",
            )
            .bind(to.code())
            .bind(now)
            .bind(c.hub.0)
            .bind(c.id.0)
            .bind(c.status.code())
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if n == 1 {
                audit::record(
                    &mut conn,
                    Change {
                        org: Some(c.hub),
                        actor: crate::Actor::system(),
                        action: Action::Update,
                        entity: "order_cycle",
                        entity_id: c.id.to_string(),
                        before: Some(json!({"status": c.status})),
                        after: Some(json!({"status": to})),
                    },
                    self.now(),
                )
                .await?;
                if let Some(event) = crate::platform::events::Event::cycle_moved(c.hub, c.id, to) {
                    crate::platform::events::record(&mut conn, event, self.now()).await?;
                }
                conn.commit().await?;
                moved.push((c.hub, c.id, to));
            }
        }
        Ok(moved)
    }

    /// Copies a cycle (producers, locations, fees) one week later, as a draft.
    pub async fn copy_cycle_next_week(&self, hs: &HubScope, from: CycleId) -> StoreResult<CycleId> {
        let c = self.cycle_of(hs.own()?.hub(), from).await?;
        let input = CycleInput {
            name: next_name(&c.name),
            opens_at: one_week_later(c.opens_at),
            closes_at: one_week_later(c.closes_at),
            delivery_days: c
                .delivery_days
                .iter()
                .map(|d| d.checked_add(jiff::Span::new().days(7)).unwrap_or(*d))
                .collect(),
            delivery_note: c.delivery_note.clone(),
            order_fee: c.order_fee,
            producers: c.producers.clone(),
            locations: c.locations.iter().map(|l| l.input.clone()).collect(),
        };
        self.create_cycle(hs, &input).await
    }

    /// The hub's price rules; the rule with nothing set is the hub's default margin.
    pub async fn price_rules(&self, hs: &HubScope) -> StoreResult<Vec<(PriceRuleId, PriceRule)>> {
        self.rules_of(hs.own()?.hub()).await
    }

    /// A hub's price rules, for callers that hold its scope.
    pub(crate) async fn rules_of(&self, hub: OrgId) -> StoreResult<Vec<(PriceRuleId, PriceRule)>> {
        let rows: Vec<PriceRuleRow> = sqlx::query_as(
            "SELECT id, buyer_type, buyer_id, product_id, margin_bp FROM price_rules WHERE organization_id = $1 ORDER BY id",
        )
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    PriceRuleId(r.id),
                    PriceRule {
                        buyer_type: r
                            .buyer_type
                            .map(|t| parsed::<BuyerType>(&t, "buyer type"))
                            .transpose()?,
                        buyer: r.buyer_id.map(OrgId),
                        product: r.product_id.map(ProductId),
                        margin: MarginBp(r.margin_bp),
                    },
                ))
            })
            .collect()
    }

    /// Adds a price rule.
    pub async fn add_price_rule(
        &self,
        hs: &HubScope,
        rule: &PriceRule,
    ) -> StoreResult<PriceRuleId> {
        let scope = hs.own()?.tenant();
        self.check_price_rule(hs, rule).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO price_rules (organization_id, buyer_type, buyer_id, product_id, margin_bp, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(rule.buyer_type.map(|t| t.code()))
        .bind(rule.buyer.map(|b| b.0))
        .bind(rule.product.map(|p| p.0))
        .bind(rule.margin.0)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Create, "price_rule", id)
            .after(serde_json::to_value(rule).unwrap_or_default());
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(PriceRuleId(id))
    }

    /// Removes a price rule.
    pub async fn delete_price_rule(&self, hs: &HubScope, id: PriceRuleId) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        self.remove_owned(scope, "price_rules", Removal::Delete, "price_rule", id.0)
            .await
    }

    /// Locks the cycle for an order change: it must be open and before its cut-off. On
    /// PostgreSQL a shared row lock lets orders run side by side while a concurrent close waits.
    pub(crate) async fn lock_open_cycle(
        &self,
        conn: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
    ) -> StoreResult<()> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR SHARE",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "SELECT {CYCLE_COLUMNS} FROM order_cycles WHERE organization_id = $1 AND id = $2{lock}"
        ))
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        let c = Self::cycle_from_row(&row)?;
        if c.status != CycleStatus::Open || self.now() >= c.closes_at {
            return Err(StoreError::Refused(Refusal::CycleNotOpen));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_weeks_copy_keeps_the_local_hour_and_counts_up() {
        // 2027-03-09 14:00 EST → 2027-03-16 14:00 EDT (clocks moved forward on 2027-03-14).
        let t: Timestamp = "2027-03-09T19:00:00Z".parse().unwrap();
        assert_eq!(one_week_later(t).to_string(), "2027-03-16T18:00:00Z");
        assert_eq!(next_name("Semaine 4"), "Semaine 5");
        assert_eq!(next_name("Semaine 49"), "Semaine 50");
        assert_eq!(next_name("Marché d'hiver"), "Marché d'hiver");
    }
}
