//! The demo world: a fictional Montréal food hub and food-coupon program, in French.
//! Every name is invented. Later modules extend the same world.

mod coupons;

use crate::hub::availability::{Offer, Stock};
use crate::hub::catalog::ProductInput;
use crate::hub::cycles::{CycleInput, LocationInput};
use crate::hub::orders::OrderInput;
use crate::platform::accounts::NewUser;
use crate::{Actor, Store, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Certification, Origin, SaleUnit, WeightUnit};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role};
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_core::{ManualClock, OrgId, ProductId};
use jiff::SignedDuration;
use std::sync::Arc;

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
pub(crate) const OPERATOR: &str = "Collectif Bonne Bouffe";

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
    let id_of = |name: &str| orgs.iter().find(|o| o.name == name).map(|o| o.id);
    food_hub(store, &id_of).await?;
    coupons::load(store, &id_of).await
}

/// Buyers of the hub and their price-list type.
const BUYERS: &[(&str, BuyerType)] = &[
    ("Centre hospitalier des Érables", BuyerType::Institution),
    ("CPE Les Petits Pommiers", BuyerType::Institution),
    ("CPE La Ribambelle", BuyerType::Institution),
    ("École primaire du Ruisseau", BuyerType::Institution),
    ("Restaurant Le Comptoir", BuyerType::Restaurant),
    ("Bistro La Grande Tablée", BuyerType::Restaurant),
    ("Épicerie Chez Rosalie", BuyerType::Grocer),
    ("Cuisine collective du Parc-Vert", BuyerType::CommunityGroup),
];

/// One demo product: producer, French and English names, category, unit, unit detail,
/// producer price (cents), weekly quantity, tax class, organic.
type DemoProduct = (
    &'static str,
    &'static str,
    &'static str,
    Category,
    SaleUnit,
    &'static str,
    i64,
    i64,
    TaxClass,
    bool,
);

/// The product the demo offers on demand (its producer presses it to order).
pub const ON_DEMAND: &str = "Jus de pomme";

const FARM: &str = "Ferme des Quatre-Vents";
const GARDENS: &str = "Les Jardins du Coteau";
const ORCHARD: &str = "Verger Beaulieu";
const DAIRY: &str = "Fromagerie du Rang 9";
const MAPLE: &str = "Érablière des Deux-Pins";
const BECHE: &str = "Ferme maraîchère La Bêche";

use Category::{Dairy, Fruits, Grains, MeatEggs, Prepared, Sweet, Vegetables};
use SaleUnit::{Bunch, Case, Each, Kg};
use TaxClass::{Taxable, ZeroRated};

const PRODUCTS: &[DemoProduct] = &[
    (
        FARM, "Carottes", "Carrots", Vegetables, Kg, "", 250, 120, ZeroRated, false,
    ),
    (
        FARM,
        "Pommes de terre jaunes",
        "Yellow potatoes",
        Vegetables,
        Kg,
        "",
        180,
        200,
        ZeroRated,
        false,
    ),
    (
        FARM,
        "Oignons jaunes",
        "Yellow onions",
        Vegetables,
        Kg,
        "",
        220,
        100,
        ZeroRated,
        false,
    ),
    (
        FARM,
        "Betteraves",
        "Beets",
        Vegetables,
        Kg,
        "",
        260,
        60,
        ZeroRated,
        false,
    ),
    (
        FARM, "Poireaux", "Leeks", Vegetables, Each, "", 150, 80, ZeroRated, false,
    ),
    (
        FARM,
        "Chou vert",
        "Green cabbage",
        Vegetables,
        Each,
        "environ 1,5 kg",
        300,
        40,
        ZeroRated,
        false,
    ),
    (
        FARM,
        "Courge butternut",
        "Butternut squash",
        Vegetables,
        Kg,
        "",
        275,
        90,
        ZeroRated,
        false,
    ),
    (
        FARM, "Panais", "Parsnips", Vegetables, Kg, "", 380, 40, ZeroRated, false,
    ),
    (
        FARM,
        "Ail du Québec",
        "Québec garlic",
        Vegetables,
        Each,
        "une tête",
        125,
        150,
        ZeroRated,
        false,
    ),
    (
        FARM,
        "Céleri-rave",
        "Celeriac",
        Vegetables,
        Each,
        "",
        350,
        30,
        ZeroRated,
        false,
    ),
    (
        GARDENS,
        "Laitue frisée",
        "Leaf lettuce",
        Vegetables,
        Each,
        "",
        300,
        60,
        ZeroRated,
        true,
    ),
    (
        GARDENS,
        "Épinards",
        "Spinach",
        Vegetables,
        Each,
        "sac de 250 g",
        450,
        40,
        ZeroRated,
        true,
    ),
    (
        GARDENS,
        "Mesclun",
        "Salad mix",
        Vegetables,
        Case,
        "caisse de 1,5 kg",
        2400,
        15,
        ZeroRated,
        true,
    ),
    (
        GARDENS,
        "Pousses de tournesol",
        "Sunflower shoots",
        Vegetables,
        Each,
        "barquette de 200 g",
        400,
        40,
        ZeroRated,
        true,
    ),
    (
        GARDENS,
        "Chou frisé",
        "Kale",
        Vegetables,
        Bunch,
        "",
        350,
        50,
        ZeroRated,
        true,
    ),
    (
        GARDENS,
        "Bette à carde",
        "Swiss chard",
        Vegetables,
        Bunch,
        "",
        325,
        40,
        ZeroRated,
        true,
    ),
    (
        GARDENS, "Radis", "Radishes", Vegetables, Bunch, "", 275, 50, ZeroRated, true,
    ),
    (
        GARDENS, "Persil", "Parsley", Vegetables, Bunch, "", 225, 40, ZeroRated, true,
    ),
    (
        GARDENS,
        "Pleurotes",
        "Oyster mushrooms",
        Vegetables,
        Kg,
        "",
        1600,
        20,
        ZeroRated,
        true,
    ),
    (
        GARDENS,
        "Tomates de serre",
        "Greenhouse tomatoes",
        Vegetables,
        Kg,
        "",
        650,
        60,
        ZeroRated,
        true,
    ),
    (
        ORCHARD,
        "Pommes McIntosh",
        "McIntosh apples",
        Fruits,
        Case,
        "caisse de 18 kg",
        3600,
        30,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Pommes Cortland",
        "Cortland apples",
        Fruits,
        Kg,
        "",
        300,
        150,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Pommes Honeycrisp",
        "Honeycrisp apples",
        Fruits,
        Kg,
        "",
        450,
        100,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Poires Bartlett",
        "Bartlett pears",
        Fruits,
        Kg,
        "",
        420,
        60,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Jus de pomme",
        "Apple juice",
        Fruits,
        Each,
        "bouteille de 1 L",
        425,
        80,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Compote de pommes",
        "Applesauce",
        Fruits,
        Each,
        "pot de 500 ml",
        550,
        50,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Canneberges séchées",
        "Dried cranberries",
        Fruits,
        Each,
        "sac de 300 g",
        700,
        40,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Bleuets surgelés",
        "Frozen blueberries",
        Fruits,
        Each,
        "sac de 2 kg",
        2200,
        25,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Fraises surgelées",
        "Frozen strawberries",
        Fruits,
        Each,
        "sac de 2 kg",
        1900,
        25,
        ZeroRated,
        false,
    ),
    (
        ORCHARD,
        "Vinaigre de cidre",
        "Cider vinegar",
        Prepared,
        Each,
        "bouteille de 750 ml",
        650,
        30,
        ZeroRated,
        false,
    ),
    (
        DAIRY, "Lait 2 %", "2% milk", Dairy, Each, "4 L", 720, 80, ZeroRated, false,
    ),
    (
        DAIRY,
        "Lait 3,25 %",
        "3.25% milk",
        Dairy,
        Each,
        "4 L",
        780,
        60,
        ZeroRated,
        false,
    ),
    (
        DAIRY,
        "Yogourt nature",
        "Plain yogurt",
        Dairy,
        Each,
        "pot de 1 kg",
        650,
        60,
        ZeroRated,
        false,
    ),
    (
        DAIRY,
        "Beurre salé",
        "Salted butter",
        Dairy,
        Each,
        "454 g",
        750,
        50,
        ZeroRated,
        false,
    ),
    (
        DAIRY,
        "Fromage en grains",
        "Cheese curds",
        Dairy,
        Each,
        "sac de 400 g",
        800,
        60,
        ZeroRated,
        false,
    ),
    (
        DAIRY,
        "Cheddar fort",
        "Old cheddar",
        Dairy,
        Each,
        "meule d'environ 500 g",
        2400,
        25,
        ZeroRated,
        false,
    ),
    (
        DAIRY,
        "Crème 35 %",
        "35% cream",
        Dairy,
        Each,
        "1 L",
        900,
        30,
        ZeroRated,
        false,
    ),
    (
        DAIRY, "Kéfir", "Kefir", Dairy, Each, "1 L", 650, 30, ZeroRated, false,
    ),
    (
        DAIRY,
        "Fromage à pâte molle",
        "Soft cheese",
        Dairy,
        Each,
        "meule de 300 g",
        1100,
        25,
        ZeroRated,
        false,
    ),
    (
        DAIRY,
        "Œufs gros",
        "Large eggs",
        MeatEggs,
        Each,
        "une douzaine",
        550,
        100,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Sirop d'érable",
        "Maple syrup",
        Sweet,
        Each,
        "canne de 540 ml",
        1200,
        60,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Sirop d'érable, gallon",
        "Maple syrup, gallon",
        Sweet,
        Each,
        "4 L",
        6500,
        10,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Beurre d'érable",
        "Maple butter",
        Sweet,
        Each,
        "pot de 250 g",
        900,
        30,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Sucre d'érable",
        "Maple sugar",
        Sweet,
        Each,
        "sac de 500 g",
        1400,
        20,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Bonbons à l'érable",
        "Maple candies",
        Sweet,
        Each,
        "boîte de 200 g",
        800,
        40,
        Taxable,
        false,
    ),
    (
        MAPLE,
        "Miel de fleurs sauvages",
        "Wildflower honey",
        Sweet,
        Each,
        "pot de 500 g",
        1100,
        30,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Miel crémeux",
        "Creamed honey",
        Sweet,
        Each,
        "pot de 500 g",
        1150,
        30,
        ZeroRated,
        false,
    ),
    (
        MAPLE,
        "Flocons d'avoine",
        "Rolled oats",
        Grains,
        Each,
        "sac de 1 kg",
        550,
        50,
        ZeroRated,
        true,
    ),
    (
        MAPLE,
        "Farine de blé entier",
        "Whole wheat flour",
        Grains,
        Each,
        "sac de 2 kg",
        800,
        40,
        ZeroRated,
        true,
    ),
    (
        MAPLE,
        "Lentilles vertes",
        "Green lentils",
        Grains,
        Each,
        "sac de 1 kg",
        600,
        40,
        ZeroRated,
        true,
    ),
    (
        BECHE,
        "Poulet entier",
        "Whole chicken",
        MeatEggs,
        Each,
        "environ 2 kg",
        1300,
        40,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Saucisses de porc",
        "Pork sausages",
        MeatEggs,
        Each,
        "paquet de 500 g",
        900,
        40,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Bœuf haché mi-maigre",
        "Medium ground beef",
        MeatEggs,
        Kg,
        "",
        1500,
        40,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Œufs de plein air",
        "Free-range eggs",
        MeatEggs,
        Each,
        "une douzaine",
        650,
        60,
        ZeroRated,
        false,
    ),
    (
        BECHE, "Brocoli", "Broccoli", Vegetables, Each, "", 325, 50, ZeroRated, false,
    ),
    (
        BECHE,
        "Chou-fleur",
        "Cauliflower",
        Vegetables,
        Each,
        "",
        400,
        40,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Concombres",
        "Cucumbers",
        Vegetables,
        Each,
        "",
        125,
        80,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Haricots verts",
        "Green beans",
        Vegetables,
        Kg,
        "",
        900,
        30,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Oignons verts",
        "Green onions",
        Vegetables,
        Bunch,
        "",
        175,
        60,
        ZeroRated,
        false,
    ),
    (
        BECHE,
        "Soupe aux légumes",
        "Vegetable soup",
        Prepared,
        Each,
        "pot de 1 L",
        850,
        30,
        ZeroRated,
        false,
    ),
];

/// Regions of the demo producers.
fn region(producer: &str) -> &'static str {
    match producer {
        FARM | ORCHARD => "Montérégie",
        GARDENS => "Laurentides",
        DAIRY => "Centre-du-Québec",
        MAPLE => "Beauce",
        _ => "Lanaudière",
    }
}

/// The hub's catalog, partners, price lists, three past weeks with orders and an open cycle.
async fn food_hub(store: &Store, id_of: &dyn Fn(&str) -> Option<OrgId>) -> StoreResult<()> {
    let Some(hub) = id_of(HUB) else { return Ok(()) };
    let h = store
        .own_hub(&TenantScope::checked(hub, Actor::system()))
        .await?;
    let producers = [FARM, GARDENS, ORCHARD, DAIRY, MAPLE, BECHE];
    let mut producer_ids = Vec::new();
    for p in producers {
        if let Some(id) = id_of(p) {
            store.link_producer(&h, id).await?;
            producer_ids.push(id);
        }
    }
    let mut buyers = Vec::new();
    for (name, t) in BUYERS {
        if let Some(id) = id_of(name) {
            store.link_buyer(&h, id, *t).await?;
            buyers.push(id);
            // Tags for visibility rules; the hospital's kitchen reads prices in pounds first.
            let (tag, weight_unit) = match *name {
                n if n.starts_with("CPE") => ("cpe", WeightUnit::Kg),
                n if n.starts_with("Centre hospitalier") => ("hôpital", WeightUnit::Lb),
                _ => ("", WeightUnit::Kg),
            };
            let tags = halles_core::catalog::parse_tags(tag).unwrap_or_default();
            let settings = crate::hub::visibility::BuyerSettings { tags, weight_unit };
            store.set_buyer_settings(&h, id, &settings).await?;
        }
    }
    for (t, m) in [
        (None, 2500),
        (Some(BuyerType::Institution), 1500),
        (Some(BuyerType::CommunityGroup), 1000),
    ] {
        store
            .add_price_rule(
                &h,
                &PriceRule {
                    buyer_type: t,
                    buyer: None,
                    product: None,
                    margin: MarginBp(m),
                },
            )
            .await?;
    }
    let mut offer: Vec<(OrgId, ProductId, i64, i64)> = Vec::new();
    // The orchard presses its juice to order: offered on demand, without a stock limit.
    let mut on_demand = None;
    for (producer, fr, en, category, unit, detail, price, qty, tax, organic) in PRODUCTS {
        let Some(pid) = id_of(producer) else { continue };
        // Sold by the piece, priced per kg, weighed at packing: the whole chicken and the cheddar wheel.
        let est_weight_g = match *fr {
            "Poulet entier" => Some(2000),
            "Cheddar fort" => Some(500),
            _ => None,
        };
        let catch_weight = est_weight_g.is_some();
        let mut certifications = vec![Certification::AlimentsDuQuebec];
        if *organic {
            certifications.push(Certification::Organic);
        }
        let p = store
            .create_product(
                &TenantScope::checked(pid, Actor::system()),
                &ProductInput {
                    name_fr: (*fr).into(),
                    name_en: (*en).into(),
                    category: *category,
                    description: String::new(),
                    unit: *unit,
                    unit_detail: (*detail).into(),
                    catch_weight,
                    est_weight_g,
                    tax_class: *tax,
                    origin: if *category == Prepared {
                        Origin::QuebecProcessed
                    } else {
                        Origin::QuebecGrown
                    },
                    region: region(producer).into(),
                    certifications,
                    organic_certifier: if *organic {
                        "Ecocert Canada".into()
                    } else {
                        String::new()
                    },
                    active: true,
                    details: demo_details(fr, *category),
                },
            )
            .await?;
        if *fr == ON_DEMAND {
            on_demand = Some(p.id);
        }
        offer.push((pid, p.id, *price, *qty));
    }
    // Weeks are written at their own time, through a clock that walks from the past to today.
    let today = store.now();
    let clock = Arc::new(ManualClock::new(today));
    let past = store.with_clock(clock.clone());
    let day = SignedDuration::from_hours(24);
    for week in (0..4).rev() {
        let opens = today - day * (7 * week + 1);
        let closes = opens + day * 3;
        // Deliveries the day after the cut-off; this week's cycle also delivers the day after.
        let next = |d: jiff::civil::Date| d.tomorrow().unwrap_or(d);
        let first_day = next(halles_core::ordering::local_day(closes));
        let delivery_days = if week == 0 {
            vec![first_day, next(first_day)]
        } else {
            vec![first_day]
        };
        clock.set(opens - day);
        let cycle = past
            .create_cycle(
                &h,
                &CycleInput {
                    name: format!("Semaine {}", 4 - week),
                    opens_at: opens,
                    closes_at: closes,
                    delivery_note: "Livraison jeudi; cueillette au Pôle jeudi de 14 h à 18 h"
                        .into(),
                    delivery_days: delivery_days.clone(),
                    order_fee: Cents(0),
                    producers: producer_ids.clone(),
                    locations: vec![
                        LocationInput {
                            kind: "pickup".into(),
                            name: "Entrepôt du Pôle, 1200 rue des Saules".into(),
                            fee: Cents(0),
                            min_order: Cents(2500),
                        },
                        LocationInput {
                            kind: "delivery".into(),
                            name: "Zone Ouest".into(),
                            fee: Cents(1500),
                            min_order: Cents(10_000),
                        },
                    ],
                },
            )
            .await?;
        for producer in &producer_ids {
            let entries: Vec<_> = offer
                .iter()
                .filter(|(p, ..)| p == producer)
                .map(|(_, id, price, qty)| {
                    let stock = if on_demand == Some(*id) {
                        Stock::OnDemand
                    } else {
                        Stock::Limited(Qty::units(*qty))
                    };
                    let price = Cents(*price);
                    (*id, Some(Offer { stock, price }))
                })
                .collect();
            let as_producer = past
                .hub_scope(&TenantScope::checked(*producer, Actor::system()), hub)
                .await?;
            past.save_availability(&as_producer, cycle, *producer, &entries)
                .await?;
        }
        clock.set(opens + SignedDuration::from_hours(2));
        past.advance_cycles().await?;
        // The daycare's standing order (set up the first week) runs as each later cycle opens.
        past.run_standing_orders(&h, cycle).await?;
        let c = past.cycle(&h, cycle).await?;
        let (pickup, delivery) = (c.locations[0].id, c.locations[1].id);
        // The current week has fewer orders yet; past weeks are complete.
        let n_buyers = if week == 0 { 3 } else { buyers.len() };
        for (i, buyer) in buyers.iter().take(n_buyers).enumerate() {
            let lines: Vec<_> = offer
                .iter()
                .enumerate()
                .filter(|(j, _)| (j + i * 7 + week as usize).is_multiple_of(9))
                .map(|(j, (_, id, ..))| (*id, Qty::units(1 + ((i + j) % 4) as i64)))
                .collect();
            let input = OrderInput {
                buyer: *buyer,
                location: Some(if i % 2 == 0 { delivery } else { pickup }),
                // One buyer in three takes this week's second day.
                delivery_day: delivery_days
                    .get(i % 3 / 2)
                    .or(delivery_days.first())
                    .copied(),
                po_number: format!("BC-{}-{}", 4 - week, i + 1),
                note: String::new(),
                lines,
            };
            let as_buyer = past
                .hub_scope(&TenantScope::checked(*buyer, Actor::system()), hub)
                .await?;
            if let Err(e) = past.place_order(&as_buyer, cycle, &input).await {
                // A demo order under a minimum is simply not placed.
                tracing::debug!(error = %e, "demo order skipped");
            }
        }
        if week == 3
            && let Some(cpe) = id_of("CPE Les Petits Pommiers")
        {
            let lines: Vec<_> = offer
                .iter()
                .take(30)
                .step_by(10)
                .map(|(_, id, ..)| (*id, Qty::units(4)))
                .collect();
            let as_cpe = past
                .hub_scope(&TenantScope::checked(cpe, Actor::system()), hub)
                .await?;
            past.create_standing_order(
                &as_cpe,
                &crate::hub::standing::StandingInput {
                    buyer: cpe,
                    every_weeks: 1,
                    until: today + day * 90,
                    location_name: "Zone Ouest".into(),
                    po_number: "BC-HEBDO".into(),
                    note: "Commande de la semaine pour les dîners".into(),
                    lines,
                    starts_at: None,
                },
            )
            .await?;
        }
        if week > 0 {
            clock.set(closes + SignedDuration::from_hours(1));
            past.advance_cycles().await?;
            // Last week's is closed, its purchase orders sent, ready to receive and pack; the
            // week before was received, packed and delivered.
            past.issue_purchase_orders(&h, cycle).await?;
            if week == 1 {
                continue;
            }
            if week == 2 {
                clock.set(closes + day);
                fulfil(&past, &h, cycle, &buyers, &delivery_days).await?;
            }
            past.set_cycle_status(&h, cycle, halles_core::ordering::CycleStatus::Completed)
                .await?;
        }
    }
    Ok(())
}

/// A demo week after its cut-off: everything received (one line short, reduced), weighed,
/// packed in one case per order, put on two routes (deliveries in the west, pickups at the
/// hub), delivered and invoiced.
async fn fulfil(
    past: &Store,
    h: &crate::hub::HubScope,
    cycle: halles_core::CycleId,
    buyers: &[OrgId],
    days: &[jiff::civil::Date],
) -> StoreResult<()> {
    use crate::hub::fulfilment::receiving::{Receipt, ReceiptLine, Resolution};
    use crate::hub::fulfilment::routes::{DeliveryDetails, StopOutcome};
    let mut first = true;
    for po in past.purchase_orders(h, cycle).await? {
        let lines = po
            .lines
            .iter()
            .map(|l| {
                // The first producer brings one unit less of its first product.
                let short = first && l.quantity.0 >= 2 * Qty::SCALE;
                first = false;
                ReceiptLine {
                    product: l.product,
                    extra: false,
                    unit: l.unit,
                    quantity: if short {
                        Qty(l.quantity.0 - Qty::SCALE)
                    } else {
                        l.quantity
                    },
                    lot_code: String::new(),
                    packed_on: po.delivery_day.and_then(|d| d.yesterday().ok()),
                    best_before: po
                        .delivery_day
                        .and_then(|d| d.checked_add(jiff::Span::new().days(10)).ok()),
                }
            })
            .collect();
        let receipt = Receipt {
            producer: po.producer,
            delivery_day: po.delivery_day,
            lines,
        };
        past.receive(h, cycle, &receipt).await?;
    }
    for s in past.shortages(h, cycle).await? {
        let reduce = Resolution {
            choice: halles_core::fulfilment::ShortageChoice::Reduce,
            substitute: None,
        };
        past.resolve_shortage(h, cycle, s.line, &reduce).await?;
    }
    for w in past.lines_to_weigh(h, cycle).await? {
        let units = w.quantity.0 / Qty::SCALE;
        let weights: Vec<i64> = (0..units)
            .map(|i| w.est_weight_g + 40 * (i % 3) - 40)
            .collect();
        past.record_weights(h, w.line, &weights, true).await?;
    }
    let west = past.create_route(h, "Ouest").await?;
    let pickup = past.create_route(h, "Cueillette au Pôle").await?;
    let on = |parity: usize| -> Vec<OrgId> {
        buyers
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, b)| *b)
            .collect()
    };
    past.set_route_buyers(h, west, &on(0)).await?;
    past.set_route_buyers(h, pickup, &on(1)).await?;
    for (i, b) in buyers.iter().enumerate() {
        let details = DeliveryDetails {
            address: format!("{} rue Sherbrooke Ouest, Montréal", 1000 + 120 * i),
            contact: format!("Réception, 514 555-01{:02}", i + 10),
            instructions: if i % 2 == 0 {
                "Quai de livraison à l’arrière, avant 10 h".into()
            } else {
                "Cueillette au Pôle, jeudi de 14 h à 18 h".into()
            },
        };
        past.set_delivery_details(h, *b, &details).await?;
    }
    let placed = past
        .cycle_orders(h, cycle, &crate::hub::orders::OrderFilter::default())
        .await?;
    for o in placed
        .iter()
        .filter(|o| o.status == halles_core::ordering::OrderStatus::Placed)
    {
        past.pack_order(h, o.id, &[]).await?;
    }
    // The hub bills: registered for the taxes, the delivery fee following the goods, each
    // delivered order invoiced when its delivery is confirmed; the first buyer pays net 30,
    // the last on receipt (its invoice of the delivered week is overdue today).
    let settings = crate::hub::billing::settings::BillingSettings {
        legal_name: "Pôle nourricier de l'Ouest, coopérative de solidarité".into(),
        address: "1200, rue des Saules\nMontréal (Québec) H4B 2A1".into(),
        registered: true,
        gst_number: "123456789RT0001".into(),
        qst_number: "1234567890TQ0001".into(),
        invoice_prefix: "PNO-".into(),
        yearly_reset: true,
        fee_taxation: halles_core::taxes::FeeTaxation::FollowsGoods,
        payment_terms: halles_core::billing::PaymentTerms::Net15,
        how_to_pay: "Virement Interac à factures@pole-ouest.example, ou chèque à l'ordre du Pôle"
            .into(),
        auto_issue: true,
    };
    past.set_billing_settings(h, settings).await?;
    if let Some(first) = buyers.first() {
        past.set_buyer_billing(
            h,
            *first,
            "",
            Some(halles_core::billing::PaymentTerms::Net30),
        )
        .await?;
    }
    if let Some(last) = buyers.last().filter(|b| Some(*b) != buyers.first()) {
        past.set_buyer_billing(
            h,
            *last,
            "",
            Some(halles_core::billing::PaymentTerms::OnReceipt),
        )
        .await?;
    }
    for d in days {
        past.plan_routes(h, cycle, Some(*d)).await?;
        for route in [west, pickup] {
            for stop in past.stops(h, cycle, Some(*d), route).await? {
                let delivered = StopOutcome::Delivered {
                    recipient: "Réception".into(),
                    note: String::new(),
                };
                past.mark_stop(h, stop.id, &delivered).await?;
            }
        }
    }
    receivables(past, h).await
}

/// The receivables of the delivered week: the oldest invoice has a credit note (its first line
/// credited in part), the next is partly paid by Interac, the others stay unpaid (the last
/// buyer's, due on receipt, overdue; the others once their due date has passed).
async fn receivables(past: &Store, h: &crate::hub::HubScope) -> StoreResult<()> {
    use crate::hub::billing::credit_notes::{CreditLineInput, NewCreditNote};
    use crate::hub::billing::receivables::NewPayment;
    let mut invoices = past.invoices(h.tenant(), None, 200).await?;
    invoices.sort_by_key(|i| i.id);
    if let Some(first) = invoices.first() {
        let inv = past.invoice(h.tenant(), first.id).await?;
        if let Some(line) = inv.lines.first() {
            let credit = NewCreditNote {
                reason: "Produit abîmé à la livraison".into(),
                lines: Some(vec![CreditLineInput {
                    line_no: line.line_no,
                    quantity: None,
                    amount: Some(Cents(line.amount.0.min(500))),
                }]),
            };
            past.issue_credit_note(h, first.id, &credit).await?;
        }
    }
    if let Some(second) = invoices.get(1) {
        let half = Cents(second.total.0 / 2);
        if half.0 > 0 {
            let payment = NewPayment {
                buyer: second.buyer,
                method: halles_core::receivables::PaymentMethod::Interac,
                received_on: second.invoice_date,
                amount: half,
                reference: "CA-DEMO-0001".into(),
                allocations: vec![(second.id, half)],
            };
            past.record_payment(h, &payment).await?;
        }
    }
    Ok(())
}

/// Allergens and storage of a demo product, from its name and category.
fn demo_details(name_fr: &str, category: Category) -> crate::hub::catalog::ProductDetails {
    use halles_core::catalog::{Allergen, Storage};
    let storage = if name_fr.contains("surgel") {
        Storage::Frozen
    } else if matches!(category, Category::Dairy | Category::MeatEggs)
        || name_fr.starts_with("Laitue")
        || name_fr.starts_with("Mesclun")
        || name_fr.starts_with("Épinards")
    {
        Storage::Refrigerated
    } else {
        Storage::Ambient
    };
    let mut allergens = Vec::new();
    if category == Category::Dairy {
        allergens.push(Allergen::Milk);
    }
    if name_fr.starts_with("Œufs") {
        allergens.push(Allergen::Eggs);
    }
    if name_fr.contains("Farine") || name_fr.starts_with("Pain") {
        allergens.push(Allergen::Wheat);
    }
    crate::hub::catalog::ProductDetails {
        allergens,
        storage: Some(storage),
        ..Default::default()
    }
}
