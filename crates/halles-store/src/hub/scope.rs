//! The proof that the acting organization acts for a hub: the hub itself, one of the producers
//! it works with, or one of the buyers it serves.

use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::OrgId;
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::refusals::Refusal;

/// How the acting organization takes part in a hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubRole {
    /// It is the hub.
    Hub,
    /// A producer the hub works with (`hub_producers`).
    Producer,
    /// A buyer the hub serves (`hub_buyers`), with its price-list type.
    Buyer(BuyerType),
}

/// A hub the acting organization reaches, as checked by [`Store::hub_scope`] or
/// [`Store::own_hub`], the only ways to get one. The hub's store functions take it instead of a
/// bare hub [`OrgId`], and each checks the role it needs (the hub's own work answers `NotFound`
/// to a producer or a buyer; a buyer acts only for itself).
#[derive(Debug, Clone, Copy)]
pub struct HubScope {
    tenant: TenantScope,
    hub: OrgId,
    role: HubRole,
}

impl HubScope {
    /// The tenant scope it was checked with.
    pub fn tenant(&self) -> &TenantScope {
        &self.tenant
    }
    /// The hub.
    pub fn hub(&self) -> OrgId {
        self.hub
    }
    /// How the acting organization takes part in the hub.
    pub fn role(&self) -> HubRole {
        self.role
    }
    /// Whether the acting organization is the hub itself.
    pub fn is_hub(&self) -> bool {
        self.role == HubRole::Hub
    }
    /// The hub itself acting through the system (the standing-order runner), for the store's
    /// own callers that already hold the hub's scope or act on its behalf.
    pub(crate) fn system(hub: OrgId) -> Self {
        Self {
            tenant: TenantScope::checked(hub, crate::Actor::system()),
            hub,
            role: HubRole::Hub,
        }
    }
    /// The scope if the acting organization is the hub, or `NotFound`.
    pub(crate) fn own(&self) -> StoreResult<&Self> {
        if self.is_hub() {
            Ok(self)
        } else {
            Err(StoreError::NotFound)
        }
    }
    /// The scope if the acting organization is the hub or this buyer, or `NotFound`.
    pub(crate) fn for_buyer(&self, buyer: OrgId) -> StoreResult<&Self> {
        match self.role {
            HubRole::Hub => Ok(self),
            HubRole::Buyer(_) if self.tenant.org == buyer => Ok(self),
            _ => Err(StoreError::NotFound),
        }
    }
    /// The scope if the acting organization is the hub or this producer, or `NotFound`.
    pub(crate) fn for_producer(&self, producer: OrgId) -> StoreResult<&Self> {
        match self.role {
            HubRole::Hub => Ok(self),
            HubRole::Producer if self.tenant.org == producer => Ok(self),
            _ => Err(StoreError::NotFound),
        }
    }
}

/// The acting organization's kind and its links with a hub.
#[derive(sqlx::FromRow)]
struct LinkRow {
    kind: String,
    producer: Option<i64>,
    buyer_type: Option<String>,
}

impl Store {
    /// The hub as the acting organization reaches it: itself when it is that hub, else as a
    /// linked producer or buyer. No link (or no such hub) answers `NotFound`, so ids do not
    /// reveal what exists.
    pub async fn hub_scope(&self, tenant: &TenantScope, hub: OrgId) -> StoreResult<HubScope> {
        let row: LinkRow = sqlx::query_as(
            "SELECT h.kind, \
             (SELECT 1 FROM hub_producers l WHERE l.organization_id = h.id AND l.producer_id = $2) AS producer, \
             (SELECT b.buyer_type FROM hub_buyers b WHERE b.organization_id = h.id AND b.buyer_id = $2) AS buyer_type \
             FROM organizations h WHERE h.id = $1",
        )
        .bind(hub.0)
        .bind(tenant.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let kind: OrgKind = crate::platform::rows::parsed(&row.kind, "organization kind")?;
        if kind != OrgKind::Hub {
            return Err(StoreError::NotFound);
        }
        let role = if tenant.org == hub {
            HubRole::Hub
        } else if row.producer.is_some() {
            HubRole::Producer
        } else if let Some(t) = row.buyer_type {
            HubRole::Buyer(crate::platform::rows::parsed(&t, "buyer type")?)
        } else {
            return Err(StoreError::NotFound);
        };
        Ok(HubScope {
            tenant: *tenant,
            hub,
            role,
        })
    }

    /// The acting organization as a hub, for its own work (cycles, partners, prices); another
    /// kind of organization is refused (`wrong_kind`).
    pub async fn own_hub(&self, tenant: &TenantScope) -> StoreResult<HubScope> {
        match self.hub_scope(tenant, tenant.org).await {
            Err(StoreError::NotFound) => Err(StoreError::Refused(Refusal::WrongKind)),
            other => other,
        }
    }
}

impl Store {
    /// Locks a buyer's link to a hub for a transaction that changes the buyer's orders (on
    /// PostgreSQL; SQLite has a single writer), so two such transactions of one buyer at one
    /// hub run one after the other.
    pub(crate) async fn lock_buyer_link(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        buyer: OrgId,
    ) -> StoreResult<()> {
        if self.backend() == crate::db::Backend::Postgres {
            sqlx::query(
                "SELECT 1 AS one FROM hub_buyers WHERE organization_id = $1 AND buyer_id = $2 FOR UPDATE",
            )
            .bind(hub.0)
            .bind(buyer.0)
            .fetch_optional(&mut *tx)
            .await?;
        }
        Ok(())
    }
}
