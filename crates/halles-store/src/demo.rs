//! The demo world: a fictional Montréal food hub and food-coupon program, in French.
//! Every name is invented. Later modules extend the same world.

use crate::accounts::NewUser;
use crate::{Actor, Store, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};

/// The password of every demo account.
pub const PASSWORD: &str = "bonjour-halles";

/// One demo account.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    /// Translation key describing the role.
    pub role_key: &'static str,
    /// The e-mail to log in with.
    pub email: &'static str,
    /// The person's name.
    pub name: &'static str,
    /// The organization (by name) and role, or `None` for the platform administrator.
    pub membership: Option<(&'static str, Role)>,
}

const HUB: &str = "Pôle nourricier de l'Ouest";
const OPERATOR: &str = "Collectif Bonne Bouffe";

/// Organizations: kind and name.
pub const ORGANIZATIONS: &[(OrgKind, &str)] = &[
    (OrgKind::Hub, HUB),
    (OrgKind::Producer, "Ferme des Quatre-Vents"),
    (OrgKind::Producer, "Les Jardins du Coteau"),
    (OrgKind::Producer, "Verger Beaulieu"),
    (OrgKind::Producer, "Fromagerie du Rang 9"),
    (OrgKind::Producer, "Érablière des Deux-Pins"),
    (OrgKind::Producer, "Ferme maraîchère La Bêche"),
    (OrgKind::Buyer, "Centre hospitalier des Érables"),
    (OrgKind::Buyer, "CPE Les Petits Pommiers"),
    (OrgKind::Buyer, "CPE La Ribambelle"),
    (OrgKind::Buyer, "École primaire du Ruisseau"),
    (OrgKind::Buyer, "Restaurant Le Comptoir"),
    (OrgKind::Buyer, "Bistro La Grande Tablée"),
    (OrgKind::Buyer, "Épicerie Chez Rosalie"),
    (OrgKind::Buyer, "Cuisine collective du Parc-Vert"),
    (OrgKind::ProgramOperator, OPERATOR),
    (OrgKind::PartnerOrg, "Entraide du Parc-Vert"),
    (OrgKind::PartnerOrg, "Maison de quartier Les Lilas"),
    (OrgKind::Market, "Marché des Saules"),
    (OrgKind::Market, "Marché du Vieux-Moulin"),
    (OrgKind::Market, "Marché solidaire de l'Est"),
    (OrgKind::Funder, "Fondation des Semences"),
];

/// One login per role.
pub const LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role_key: "demo-platform-admin",
        email: "admin@halles.example",
        name: "Administration Halles",
        membership: None,
    },
    DemoLogin {
        role_key: "demo-hub-admin",
        email: "coordination@pole-ouest.example",
        name: "Geneviève Lavoie",
        membership: Some((HUB, Role::Admin)),
    },
    DemoLogin {
        role_key: "demo-hub-staff",
        email: "equipe@pole-ouest.example",
        name: "Samuel Bouchard",
        membership: Some((HUB, Role::Staff)),
    },
    DemoLogin {
        role_key: "demo-producer",
        email: "ferme@quatre-vents.example",
        name: "Martine Gagnon",
        membership: Some(("Ferme des Quatre-Vents", Role::Admin)),
    },
    DemoLogin {
        role_key: "demo-buyer",
        email: "cuisine@petits-pommiers.example",
        name: "Nadia Bélanger",
        membership: Some(("CPE Les Petits Pommiers", Role::Admin)),
    },
    DemoLogin {
        role_key: "demo-operator",
        email: "programme@bonne-bouffe.example",
        name: "Karine Roy",
        membership: Some((OPERATOR, Role::Admin)),
    },
    DemoLogin {
        role_key: "demo-partner",
        email: "accueil@entraide-parc-vert.example",
        name: "Luc Fortin",
        membership: Some(("Entraide du Parc-Vert", Role::Staff)),
    },
    DemoLogin {
        role_key: "demo-market-admin",
        email: "gestion@marche-des-saules.example",
        name: "Hélène Côté",
        membership: Some(("Marché des Saules", Role::Admin)),
    },
    DemoLogin {
        role_key: "demo-cashier",
        email: "caisse@marche-des-saules.example",
        name: "Jonathan Pelletier",
        membership: Some(("Marché des Saules", Role::Cashier)),
    },
    DemoLogin {
        role_key: "demo-funder",
        email: "rapports@fondation-semences.example",
        name: "Claire Morin",
        membership: Some(("Fondation des Semences", Role::Viewer)),
    },
];

/// Loads the demo world. Callers check [`Store::is_empty`] first.
pub async fn load(store: &Store) -> StoreResult<()> {
    let mut orgs = Vec::new();
    for (kind, name) in ORGANIZATIONS {
        orgs.push(
            store
                .create_organization(Actor::system(), *kind, name, Lang::Fr)
                .await?,
        );
    }
    let mut memberships = Vec::new();
    for login in LOGINS {
        let user = store
            .create_user(
                Actor::system(),
                NewUser {
                    email: login.email,
                    name: login.name,
                    lang: Lang::Fr,
                    password: Some(PASSWORD),
                    is_platform_admin: login.membership.is_none(),
                },
            )
            .await?;
        if let Some((org_name, role)) = login.membership {
            memberships.push((user.id, org_name, role));
        }
        // The hub coordinator also follows the hub's first farm: it shows the organization switcher.
        if login.email == "coordination@pole-ouest.example" {
            memberships.push((user.id, "Ferme des Quatre-Vents", Role::Viewer));
        }
    }
    for (user, org_name, role) in memberships {
        if let Some(org) = orgs.iter().find(|o| o.name == org_name) {
            let scope = TenantScope::checked(org.id, Actor::system());
            store.add_member(&scope, user, role).await?;
        }
    }
    Ok(())
}
