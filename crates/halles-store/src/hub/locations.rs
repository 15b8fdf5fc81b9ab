//! A cycle's pickup points and delivery zones, read, added and changed one by one (the hub's
//! API; a cycle is created with its first ones in `cycles`). A fee or minimum changed applies
//! to orders placed afterwards: placed orders keep the fee they were charged.

use crate::hub::HubScope;
use crate::hub::cycles::{Location, LocationInput};
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::limits::Limit;
use halles_core::ordering::CycleStatus;
use halles_core::refusals::Refusal;
use halles_core::validation::{FieldError, Validator};
use halles_core::{CycleId, LocationId};
use serde_json::json;

/// The longest name of a pickup point or zone.
pub(crate) const NAME_MAX: usize = 120;

/// Checks a pickup point or zone, each refusal on its field: a name, a known kind, a fee and a
/// minimum within the movement limit.
pub fn check_location(l: &LocationInput) -> Vec<FieldError> {
    let mut v = Validator::new();
    if v.required("name", &l.name) {
        v.max_len("name", &l.name, NAME_MAX);
    }
    if !matches!(l.kind.as_str(), "pickup" | "delivery") {
        v.refuse("kind", Refusal::ChoiceInvalid);
    }
    for (field, amount) in [("fee_cents", l.fee), ("min_order_cents", l.min_order)] {
        if let Err(e) = amount.within(Limit::Movement) {
            v.refuse(field, e.refusal());
        }
    }
    v.finish().err().unwrap_or_default()
}

impl Store {
    /// The pickup points and zones of one of the hub's cycles.
    pub async fn cycle_locations(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<Vec<Location>> {
        Ok(self.cycle_of(hs.own()?.hub(), cycle).await?.locations)
    }

    /// Adds a pickup point or zone to a cycle that is not closed.
    pub async fn add_location(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        l: &LocationInput,
    ) -> StoreResult<LocationId> {
        let scope = hs.own()?.tenant();
        self.check_location_change(hs, cycle, None, l).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cycle_locations (organization_id, cycle_id, kind, name, fee_cents, min_order_cents) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(cycle.0)
        .bind(&l.kind)
        .bind(l.name.trim())
        .bind(l.fee.0)
        .bind(l.min_order.0)
        .fetch_one(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Create, "cycle_location", id)
            .after(json!({"cycle": cycle, "location": l}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(LocationId(id))
    }

    /// Changes a pickup point's or zone's kind, name, fee or minimum. A new name follows into
    /// the hub's standing orders that named the old one, so they keep finding it.
    pub async fn change_location(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        id: LocationId,
        l: &LocationInput,
    ) -> StoreResult<Location> {
        let scope = hs.own()?.tenant();
        let before = self.check_location_change(hs, cycle, Some(id), l).await?;
        let before = before.ok_or(StoreError::NotFound)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE cycle_locations SET kind = $1, name = $2, fee_cents = $3, min_order_cents = $4 \
             WHERE organization_id = $5 AND cycle_id = $6 AND id = $7",
        )
        .bind(&l.kind)
        .bind(l.name.trim())
        .bind(l.fee.0)
        .bind(l.min_order.0)
        .bind(scope.org.0)
        .bind(cycle.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if before.input.name != l.name.trim() {
            sqlx::query(
                "UPDATE standing_orders SET location_name = $1 WHERE organization_id = $2 AND location_name = $3",
            )
            .bind(l.name.trim())
            .bind(scope.org.0)
            .bind(&before.input.name)
            .execute(&mut *tx)
            .await?;
        }
        let change = Change::by(scope, Action::Update, "cycle_location", id.0)
            .before(json!({"cycle": cycle, "location": before.input}))
            .after(json!({"cycle": cycle, "location": l}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(Location {
            id,
            input: LocationInput {
                name: l.name.trim().to_owned(),
                ..l.clone()
            },
        })
    }

    /// The checks of an added or changed location: its fields, a cycle of the hub that is not
    /// closed, a name no other location of the cycle has. Gives the location being changed.
    async fn check_location_change(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        id: Option<LocationId>,
        l: &LocationInput,
    ) -> StoreResult<Option<Location>> {
        let errors = check_location(l);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let c = self.cycle_of(hs.own()?.hub(), cycle).await?;
        let before = match id {
            Some(id) => Some(
                c.locations
                    .iter()
                    .find(|x| x.id == id)
                    .cloned()
                    .ok_or(StoreError::NotFound)?,
            ),
            None => None,
        };
        if matches!(c.status, CycleStatus::Closed | CycleStatus::Completed)
            || self.now() >= c.closes_at
        {
            return Err(StoreError::Refused(Refusal::CycleClosed));
        }
        let name = l.name.trim();
        if c.locations
            .iter()
            .any(|x| Some(x.id) != id && x.input.name == name)
        {
            return Err(StoreError::field("name", Refusal::DuplicateName));
        }
        Ok(before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use halles_core::money::Cents;

    #[test]
    fn a_location_needs_a_name_a_known_kind_and_bounded_amounts() {
        let ok = LocationInput {
            kind: "pickup".into(),
            name: "Entrepôt".into(),
            fee: Cents(0),
            min_order: Cents(5_000),
        };
        assert!(check_location(&ok).is_empty());
        let bad = LocationInput {
            kind: "drone".into(),
            name: "  ".into(),
            fee: Cents(10_000_001),
            min_order: Cents(-1),
        };
        let codes: Vec<_> = check_location(&bad)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("name".to_owned(), "required"),
                ("kind".to_owned(), "choice_invalid"),
                ("fee_cents".to_owned(), "amount_too_large"),
                ("min_order_cents".to_owned(), "negative_amount"),
            ]
        );
    }
}
