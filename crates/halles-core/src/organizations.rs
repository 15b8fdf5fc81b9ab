//! Organization kinds and membership roles, and what each role may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What an organization is in the food system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A food hub (pôle nourricier) selling its producers' goods together.
    Hub,
    /// A farm or processor selling through hubs.
    Producer,
    /// An institution, restaurant, grocer or household buying from hubs.
    Buyer,
    /// The operator of a food-coupon program.
    ProgramOperator,
    /// A community organization enrolling participants in a program.
    PartnerOrg,
    /// A market or merchant where coupons are redeemed.
    Market,
    /// A funder reading program reports.
    Funder,
}

impl OrgKind {
    /// Every kind, in display order.
    pub const ALL: [OrgKind; 7] = [
        OrgKind::Hub,
        OrgKind::Producer,
        OrgKind::Buyer,
        OrgKind::ProgramOperator,
        OrgKind::PartnerOrg,
        OrgKind::Market,
        OrgKind::Funder,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Hub => "hub",
            OrgKind::Producer => "producer",
            OrgKind::Buyer => "buyer",
            OrgKind::ProgramOperator => "program_operator",
            OrgKind::PartnerOrg => "partner_org",
            OrgKind::Market => "market",
            OrgKind::Funder => "funder",
        }
    }

    /// The roles a member of this kind of organization can hold.
    pub fn roles(self) -> &'static [Role] {
        match self {
            OrgKind::Market => &[Role::Admin, Role::Staff, Role::Cashier, Role::Viewer],
            _ => &[Role::Admin, Role::Staff, Role::Viewer],
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A code that names no known kind or role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code: {0}")]
pub struct UnknownCode(pub String);

impl FromStr for OrgKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// A member's role within one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads what the organization can read.
    Viewer,
    /// Redeems coupons at a market's registers.
    Cashier,
    /// Does the daily work.
    Staff,
    /// Manages members, tokens and settings, and reads the audit log.
    Admin,
}

impl Role {
    /// Every role, from most to least powerful.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Staff, Role::Cashier, Role::Viewer];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Cashier => "cashier",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role satisfies a requirement of `required`.
    ///
    /// Admin satisfies everything; staff satisfies staff, cashier and viewer; cashier and viewer
    /// only themselves and viewer.
    pub fn satisfies(self, required: Role) -> bool {
        match required {
            Role::Viewer => true,
            Role::Cashier => matches!(self, Role::Cashier | Role::Staff | Role::Admin),
            Role::Staff => matches!(self, Role::Staff | Role::Admin),
            Role::Admin => self == Role::Admin,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// What an API token may do. Later modules add their own scopes here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Read the organization and its members.
    #[serde(rename = "org:read")]
    OrgRead,
    /// Invite members and change the organization.
    #[serde(rename = "org:write")]
    OrgWrite,
    /// Read the audit log.
    #[serde(rename = "audit:read")]
    AuditRead,
    /// Read products, cycles, availability and catalogs.
    #[serde(rename = "catalog:read")]
    CatalogRead,
    /// Change products and availability.
    #[serde(rename = "catalog:write")]
    CatalogWrite,
    /// Create and change order cycles.
    #[serde(rename = "cycles:write")]
    CyclesWrite,
    /// Read orders.
    #[serde(rename = "orders:read")]
    OrdersRead,
    /// Place, change and cancel orders.
    #[serde(rename = "orders:write")]
    OrdersWrite,
    /// Read coupon programs, participants, cards and reports.
    #[serde(rename = "coupons:read")]
    CouponsRead,
    /// Enrol participants, manage cards and schedules.
    #[serde(rename = "coupons:write")]
    CouponsWrite,
    /// Redeem and refund at a market's registers.
    #[serde(rename = "redemptions:write")]
    RedemptionsWrite,
    /// Open one register's kiosk page. Given only to the token behind a kiosk link, never by
    /// hand, and accepted by no API route.
    #[serde(rename = "kiosk")]
    Kiosk,
}

impl Scope {
    /// Every scope a person may give a token (the kiosk's scope is given by kiosk mode only).
    pub const ALL: [Scope; 11] = [
        Scope::OrgRead,
        Scope::OrgWrite,
        Scope::AuditRead,
        Scope::CatalogRead,
        Scope::CatalogWrite,
        Scope::CyclesWrite,
        Scope::OrdersRead,
        Scope::OrdersWrite,
        Scope::CouponsRead,
        Scope::CouponsWrite,
        Scope::RedemptionsWrite,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Scope::OrgRead => "org:read",
            Scope::OrgWrite => "org:write",
            Scope::AuditRead => "audit:read",
            Scope::CatalogRead => "catalog:read",
            Scope::CatalogWrite => "catalog:write",
            Scope::CyclesWrite => "cycles:write",
            Scope::OrdersRead => "orders:read",
            Scope::OrdersWrite => "orders:write",
            Scope::CouponsRead => "coupons:read",
            Scope::CouponsWrite => "coupons:write",
            Scope::RedemptionsWrite => "redemptions:write",
            Scope::Kiosk => "kiosk",
        }
    }

    /// Parses a space-separated list, ignoring unknown codes.
    pub fn parse_list(s: &str) -> Vec<Scope> {
        s.split_whitespace()
            .filter_map(|c| c.parse().ok())
            .collect()
    }

    /// Joins scopes into a space-separated list.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl FromStr for Scope {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .chain([Scope::Kiosk])
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_form_a_ladder_with_cashier_beside_staff() {
        assert!(Role::Admin.satisfies(Role::Staff));
        assert!(Role::Staff.satisfies(Role::Cashier));
        assert!(!Role::Cashier.satisfies(Role::Staff));
        assert!(!Role::Viewer.satisfies(Role::Cashier));
        assert!(Role::Viewer.satisfies(Role::Viewer));
        assert!(!Role::Staff.satisfies(Role::Admin));
    }

    #[test]
    fn codes_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(k.code().parse::<OrgKind>().unwrap(), k);
        }
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), r);
        }
        assert_eq!(
            Scope::parse_list("org:read nonsense audit:read"),
            vec![Scope::OrgRead, Scope::AuditRead]
        );
    }

    #[test]
    fn only_markets_have_cashiers() {
        assert!(OrgKind::Market.roles().contains(&Role::Cashier));
        assert!(!OrgKind::Hub.roles().contains(&Role::Cashier));
    }
}
