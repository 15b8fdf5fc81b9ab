//! World builders: the organizations, people and data a story starts from, made once here
//! so that a test names what it needs (`World::coupon_program(&app)`) instead of building it.

use super::requests::{Api, Page, Reply};
use super::{Browser, TestApp};
use halles_core::coupons::{ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::{CardBatchId, OrgId, ParticipantId, ProductGroupId, ProgramId, RegisterId};
use halles_store::coupons::{Card, ParticipantInput, ProgramInput, ProgramScope};
use halles_store::platform::organizations::Organization;
use halles_store::{Actor, TenantScope};
use jiff::SignedDuration;
use jiff::civil::date;
use serde_json::{Value, json};

/// The log-ins every world makes (password [`super::PASSWORD`]).
pub mod people {
    /// The market's cashier.
    pub const CASHIER: &str = "caisse@m.example";
    /// The market's administrator.
    pub const MARKET_ADMIN: &str = "gestion@m.example";
    /// The program operator's administrator.
    pub const OPERATOR: &str = "prog@o.example";
    /// The partner's staff.
    pub const PARTNER_STAFF: &str = "accueil@p.example";
    /// The hub's coordinator.
    pub const COORDINATOR: &str = "coord@pole.example";
    /// The institution buyer's kitchen.
    pub const KITCHEN: &str = "cuisine@cpe.example";
    /// The farm's producer.
    pub const FARMER: &str = "ferme@x.example";
}

/// An organization's tenant scope, as the system.
pub fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// The program most tests run: two seasons long, reconciled by month, nothing optional.
pub fn bonne_bouffe() -> ProgramInput {
    ProgramInput {
        name: "Bonne Bouffe".into(),
        public_name: String::new(),
        starts_on: date(2026, 1, 1),
        ends_on: date(2027, 12, 31),
        report_period: ReportPeriod::Month,
        anonymous: false,
        pin_required: false,
        off_platform: false,
    }
}

/// What a coupon world is made of: the market's name, the program, and the name of the holder
/// whose card is loaded with 20 $ of fruits (`None`: no holder, the world's card is unassigned).
pub struct CouponSetup {
    pub market: &'static str,
    pub program: ProgramInput,
    pub holder: Option<&'static str>,
}

impl Default for CouponSetup {
    fn default() -> Self {
        CouponSetup {
            market: "Marché",
            program: bonne_bouffe(),
            holder: Some("Personne"),
        }
    }
}

impl CouponSetup {
    /// The default setup with the holder named `name`.
    pub fn holder(name: &'static str) -> Self {
        CouponSetup {
            holder: Some(name),
            ..CouponSetup::default()
        }
    }
}

/// Entry points of the world builders.
pub struct World;

impl World {
    /// [`CouponProgram`] with the default setup.
    pub async fn coupon_program(app: &TestApp) -> CouponProgram {
        Self::coupon_program_with(app, CouponSetup::default()).await
    }

    /// [`CouponProgram`] from `setup`.
    pub async fn coupon_program_with(app: &TestApp, setup: CouponSetup) -> CouponProgram {
        CouponProgram::build(app, setup).await
    }

    /// [`PartnerProgram`] running `program`.
    pub async fn partner_program(app: &TestApp, program: ProgramInput) -> PartnerProgram {
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user(people::PARTNER_STAFF, Some((partner.id, Role::Staff)))
            .await;
        let op = scope(operator.id);
        let program = app.store.create_program(&op, &program).await.unwrap();
        let operated = app.store.program_access(&op, program).await.unwrap();
        app.store
            .add_program_member(&operated, partner.id, ProgramRole::Partner)
            .await
            .unwrap();
        PartnerProgram {
            operator,
            partner,
            program,
        }
    }

    /// [`HubWeek`]: a hub's week, built through the API.
    pub async fn hub_week(app: &TestApp) -> HubWeek {
        HubWeek::build(app).await
    }
}

/// A program run by an operator, with a partner and a market; one participant whose card holds
/// 20 $ of fruits (batch of 3 cards); a register "Comptoir 1" at the market; the people of
/// [`people`] (cashier, market admin, operator admin, partner staff) and a market API token
/// that redeems and reads coupons.
pub struct CouponProgram {
    pub operator: Organization,
    pub partner: Organization,
    pub market: Organization,
    pub program: ProgramId,
    pub batch: CardBatchId,
    pub cards: usize,
    pub fruits: ProductGroupId,
    pub card: Card,
    pub register: RegisterId,
    pub market_token: String,
}

impl CouponProgram {
    /// A month of sales at the market: $5.50 at the register, $1.50 of it refunded by the
    /// market's administrator, then $3 and $1 through the API.
    pub async fn a_month_of_sales(&self, app: &TestApp) {
        let cashier = app.logged_in(people::CASHIER).await;
        let sale = self.sell(&cashier, self.card.number.as_str(), "5,50").await;
        assert_eq!(sale.status, 303);
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let field = format!("refund_{}", self.fruits);
        let refund = format!("{}/rembourser", sale.location);
        assert_eq!(
            admin
                .send(&refund, &[(field.as_str(), "1,50")])
                .await
                .status,
            303
        );
        for (key, cents) in [("k1", 300), ("k2", 100)] {
            assert_eq!(
                self.redeem(app, key, self.card.number.as_str(), cents)
                    .await
                    .status,
                201
            );
        }
    }

    async fn build(app: &TestApp, setup: CouponSetup) -> CouponProgram {
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        let market = app.org(OrgKind::Market, setup.market).await;
        for (email, org, role) in [
            (people::CASHIER, market.id, Role::Cashier),
            (people::MARKET_ADMIN, market.id, Role::Admin),
            (people::OPERATOR, operator.id, Role::Admin),
            (people::PARTNER_STAFF, partner.id, Role::Staff),
        ] {
            app.user(email, Some((org, role))).await;
        }
        let op = scope(operator.id);
        let program = app.store.create_program(&op, &setup.program).await.unwrap();
        let operated = app.store.program_access(&op, program).await.unwrap();
        for (org, role) in [
            (partner.id, ProgramRole::Partner),
            (market.id, ProgramRole::Market),
        ] {
            app.store
                .add_program_member(&operated, org, role)
                .await
                .unwrap();
        }
        let fruits = app.store.product_groups(program).await.unwrap()[0].id;
        let (batch, cards) = app.store.create_card_batch(&operated, 3).await.unwrap();
        let market_token = app
            .token(market.id, &[Scope::RedemptionsWrite, Scope::CouponsRead])
            .await;
        let mut w = CouponProgram {
            operator,
            partner,
            market,
            program,
            batch,
            cards: cards.len(),
            fruits,
            card: cards[0].clone(),
            register: RegisterId(0),
            market_token,
        };
        if let Some(holder) = setup.holder {
            let person = w.participant(app, holder).await;
            w.card = w.card_for(app, person, 2000).await;
        }
        w.register = app
            .store
            .create_register(&scope(w.market.id), "Comptoir 1")
            .await
            .unwrap();
        w
    }

    /// The program as its operator reaches it.
    pub async fn operated(&self, app: &TestApp) -> ProgramScope {
        self.access(app, self.operator.id).await
    }

    /// The program as `org` reaches it.
    pub async fn access(&self, app: &TestApp, org: OrgId) -> ProgramScope {
        app.store
            .program_access(&scope(org), self.program)
            .await
            .unwrap()
    }

    /// A new participant of the partner, of the first type, who consented on November 1st.
    pub async fn participant(&self, app: &TestApp, name: &str) -> ParticipantId {
        self.participant_from(
            app,
            ParticipantInput {
                name: name.into(),
                ..ParticipantInput::default()
            },
        )
        .await
    }

    /// A new participant of the partner from `input`, with the first type and a consent when
    /// `input` has none.
    pub async fn participant_from(&self, app: &TestApp, input: ParticipantInput) -> ParticipantId {
        let types = app.store.participant_types(self.program).await.unwrap();
        let input = ParticipantInput {
            participant_type: input.participant_type.or(Some(types[0].id)),
            consent_on: input.consent_on.or(Some(date(2026, 11, 1))),
            consent_purpose: if input.consent_purpose.is_empty() {
                "programme".into()
            } else {
                input.consent_purpose
            },
            ..input
        };
        let partner = self.access(app, self.partner.id).await;
        app.store
            .create_participant(&partner, &input)
            .await
            .unwrap()
            .id
    }

    /// Gives `person` a card of the batch, loaded by the operator with `cents` of fruits.
    pub async fn card_for(&self, app: &TestApp, person: ParticipantId, cents: i64) -> Card {
        let partner = self.access(app, self.partner.id).await;
        let card = app.store.assign_card(&partner, person, None).await.unwrap();
        if cents > 0 {
            let op = self.operated(app).await;
            app.store.fund_reserve(&op, Cents(cents)).await.unwrap();
            app.store
                .adjust_funds(
                    &op,
                    card.id,
                    self.fruits,
                    Cents(cents),
                    Some(halles_store::coupons::FundSource::Reserve),
                    "chargement",
                )
                .await
                .unwrap();
        }
        card
    }

    /// The fruits balance of the world's card (0 when it has none).
    pub async fn balance(&self, app: &TestApp) -> i64 {
        balance_of(app, &self.card).await
    }

    /// The market's API client.
    pub fn market_api(&self, app: &TestApp) -> Api {
        app.api(&self.market_token)
    }

    /// Redeems `cents` of fruits through the API, under `key`, with `card` (a number or the QR
    /// value).
    pub async fn redeem(&self, app: &TestApp, key: &str, card: &str, cents: i64) -> Reply {
        self.market_api(app)
            .post_keyed(
                &format!("/organizations/{}/redemptions", self.market.id),
                key,
                &json!({"card": card, "lines": [{"product_group_id": self.fruits.0, "amount_cents": cents}]}),
            )
            .await
    }

    /// The register's step 2 (the card's balances) for `card`, as `cashier`.
    pub async fn scan(&self, cashier: &Browser, card: &str) -> Page {
        cashier
            .send(
                &format!("/o/{}/caisse/carte", self.market.id),
                &[("card", card)],
            )
            .await
    }

    /// The register's step 3: pays `amount` (as typed, "5,50") of fruits with `card`, with the
    /// one-time sale number step 2's page gave (none when step 2 refused the card).
    pub async fn sell(&self, cashier: &Browser, card: &str, amount: &str) -> Page {
        let sale = self.sale_key(cashier, card).await;
        self.sell_keyed(cashier, card, amount, &sale).await
    }

    /// The one-time sale number of the register's step 2 for `card` (empty if it refused it).
    pub async fn sale_key(&self, cashier: &Browser, card: &str) -> String {
        let page = self.scan(cashier, card).await;
        if page.status == 200 {
            page.value_of("sale")
        } else {
            String::new()
        }
    }

    /// The register's step 3 with a given sale number (a form sent again sends the same).
    pub async fn sell_keyed(
        &self,
        cashier: &Browser,
        card: &str,
        amount: &str,
        sale: &str,
    ) -> Page {
        let field = format!("amount_{}", self.fruits);
        cashier
            .send(
                &format!("/o/{}/caisse/vente", self.market.id),
                &[("card", card), ("sale", sale), (field.as_str(), amount)],
            )
            .await
    }

    /// The program's pages below `/o/{operator}/programmes/{program}`.
    pub fn program_page(&self, rest: &str) -> String {
        format!("/o/{}/programmes/{}{rest}", self.operator.id, self.program)
    }
}

/// An operator's program with one partner (whose staff is [`people::PARTNER_STAFF`]) and
/// nothing else: what list imports start from.
pub struct PartnerProgram {
    pub operator: Organization,
    pub partner: Organization,
    pub program: ProgramId,
}

impl PartnerProgram {
    /// The program as the partner reaches it.
    pub async fn as_partner(&self, app: &TestApp) -> ProgramScope {
        app.store
            .program_access(&scope(self.partner.id), self.program)
            .await
            .unwrap()
    }

    /// The partner's import page.
    pub fn import_page(&self) -> String {
        format!(
            "/o/{}/programmes/{}/participants/importer",
            self.partner.id, self.program
        )
    }
}

/// The fruits (first group) balance of `card`, 0 when it has none.
pub async fn balance_of(app: &TestApp, card: &Card) -> i64 {
    app.store
        .card_balances(card.id)
        .await
        .unwrap()
        .first()
        .map(|b| b.balance.0)
        .unwrap_or(0)
}

/// A hub's week, built through the API: the hub "Pôle" with two producers ("Ferme" sells
/// carrots at 2.50 $/kg, 40 kg; "Laiterie" sells cheddar at 8.00 $ each, 10 of them), two buyers
/// ("CPE", an institution, 15 % margin; "Bistro", a restaurant, the 25 % default), and the cycle
/// "Semaine 49" with one pickup location (minimum 10 $, order fee 3 $), open. Every organization
/// has an all-scopes token; the coordinator and the kitchen of [`people`] can log in.
pub struct HubWeek {
    pub hub: Organization,
    pub farm: Organization,
    pub dairy: Organization,
    pub cpe: Organization,
    pub bistro: Organization,
    pub carrots: i64,
    pub cheese: i64,
    pub cycle: i64,
    pub location: i64,
    pub tokens: HubTokens,
}

/// The all-scopes API tokens of a [`HubWeek`]'s organizations.
pub struct HubTokens {
    pub hub: String,
    pub farm: String,
    pub dairy: String,
    pub cpe: String,
    pub bistro: String,
}

/// The body of a new vegetable product grown in Québec.
pub fn product_body(name: &str, unit: &str) -> Value {
    json!({"name_fr": name, "category": "vegetables", "unit": unit, "tax_class": "zero_rated",
           "origin": "quebec_grown", "certifications": ["aliments_du_quebec"]})
}

impl HubWeek {
    async fn build(app: &TestApp) -> HubWeek {
        use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
        let hub = app.org(OrgKind::Hub, "Pôle").await;
        let farm = app.org(OrgKind::Producer, "Ferme").await;
        let dairy = app.org(OrgKind::Producer, "Laiterie").await;
        let cpe = app.org(OrgKind::Buyer, "CPE").await;
        let bistro = app.org(OrgKind::Buyer, "Bistro").await;
        app.user(people::COORDINATOR, Some((hub.id, Role::Admin)))
            .await;
        app.user(people::KITCHEN, Some((cpe.id, Role::Admin))).await;
        app.user(people::FARMER, Some((farm.id, Role::Admin))).await;
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        for p in [farm.id, dairy.id] {
            app.store.link_producer(&h, p).await.unwrap();
        }
        for (b, t) in [
            (cpe.id, BuyerType::Institution),
            (bistro.id, BuyerType::Restaurant),
        ] {
            app.store.link_buyer(&h, b, t).await.unwrap();
        }
        for (buyer_type, margin) in [(None, 2500), (Some(BuyerType::Institution), 1500)] {
            let rule = PriceRule {
                buyer_type,
                buyer: None,
                product: None,
                margin: MarginBp(margin),
            };
            app.store.add_price_rule(&h, &rule).await.unwrap();
        }
        let all = Scope::ALL;
        let tokens = HubTokens {
            hub: app.token(hub.id, &all).await,
            farm: app.token(farm.id, &all).await,
            dairy: app.token(dairy.id, &all).await,
            cpe: app.token(cpe.id, &all).await,
            bistro: app.token(bistro.id, &all).await,
        };
        let carrots = app
            .api(&tokens.farm)
            .post_json(
                &format!("/organizations/{}/products", farm.id),
                &product_body("Carottes", "kg"),
            )
            .await
            .id();
        let cheese = app
            .api(&tokens.dairy)
            .post_json(
                &format!("/organizations/{}/products", dairy.id),
                &product_body("Cheddar", "each"),
            )
            .await
            .id();
        let cycle = app
            .api(&tokens.hub)
            .post_json(
                &format!("/organizations/{}/order-cycles", hub.id),
                &cycle_body(app, &[farm.id, dairy.id]),
            )
            .await;
        assert_eq!(cycle.status, 201, "{}", cycle.body);
        let w = HubWeek {
            location: cycle.body["locations"][0]["id"].as_i64().unwrap_or(0),
            cycle: cycle.id(),
            hub,
            farm,
            dairy,
            cpe,
            bistro,
            carrots,
            cheese,
            tokens,
        };
        for (who, product, qty, price) in [
            (Who::Farm, carrots, "40", 250),
            (Who::Dairy, cheese, "10", 800),
        ] {
            let r = w
                .post_availability(
                    app,
                    who,
                    &json!([{"product_id": product, "quantity": qty, "price_cents": price}]),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        app.clock.advance(SignedDuration::from_hours(2));
        halles::worker::on_time(&app.store, &app.url).await;
        w
    }

    /// The token and organization of `who`.
    pub fn of(&self, who: Who) -> (&Organization, &str) {
        match who {
            Who::Hub => (&self.hub, &self.tokens.hub),
            Who::Farm => (&self.farm, &self.tokens.farm),
            Who::Dairy => (&self.dairy, &self.tokens.dairy),
            Who::Cpe => (&self.cpe, &self.tokens.cpe),
            Who::Bistro => (&self.bistro, &self.tokens.bistro),
        }
    }

    /// `who`'s API client.
    pub fn api(&self, app: &TestApp, who: Who) -> Api {
        app.api(self.of(who).1)
    }

    /// Puts a producer's availability grid for the cycle.
    pub async fn post_availability(&self, app: &TestApp, who: Who, grid: &Value) -> Reply {
        self.api(app, who)
            .put_json(&self.availability_path(who, self.cycle), grid)
            .await
    }

    /// A producer's grid for the cycle, as the producer reads it.
    pub async fn availability(&self, app: &TestApp, who: Who) -> Reply {
        self.api(app, who)
            .get(&self.availability_path(who, self.cycle))
            .await
    }

    /// The API path of `who`'s availability grid for `cycle`.
    pub fn availability_path(&self, who: Who, cycle: i64) -> String {
        format!(
            "/organizations/{}/hubs/{}/order-cycles/{cycle}/availability",
            self.of(who).0.id,
            self.hub.id,
        )
    }

    /// `who`'s catalog for the cycle.
    pub async fn catalog(&self, app: &TestApp, who: Who) -> Reply {
        let org = self.of(who).0.id;
        self.api(app, who)
            .get(&format!(
                "/organizations/{org}/hubs/{}/order-cycles/{}/catalog",
                self.hub.id, self.cycle
            ))
            .await
    }

    /// An order body at the cycle's location with `lines` of `(product, quantity)`.
    pub fn order_body(&self, lines: &[(i64, &str)]) -> Value {
        let lines: Vec<Value> = lines
            .iter()
            .map(|(p, q)| json!({"product_id": p, "quantity": q}))
            .collect();
        json!({"hub_id": self.hub.id.0, "cycle_id": self.cycle, "location_id": self.location,
               "lines": lines})
    }

    /// `who` places `body` (under `key` when given).
    pub async fn order(&self, app: &TestApp, who: Who, key: Option<&str>, body: &Value) -> Reply {
        let api = self.api(app, who);
        let path = format!("/organizations/{}/orders", self.of(who).0.id);
        match key {
            Some(k) => api.post_keyed(&path, k, body).await,
            None => api.post_json(&path, body).await,
        }
    }
}

/// The week's cycle as the API answers it, and its path.
pub async fn hub_cycle(app: &TestApp, w: &HubWeek) -> (String, Value) {
    let path = format!("/organizations/{}/order-cycles/{}", w.hub.id, w.cycle);
    let cycle = w.api(app, Who::Hub).get(&path).await;
    assert_eq!(cycle.status, 200);
    (path, cycle.body)
}

/// The day `days` after today in Montréal, as the API writes it.
pub fn day_in(app: &TestApp, days: i64) -> String {
    let today = halles_core::ordering::local_day(app.store.now());
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

/// Gives the week's cycle two delivery days, four and five days from today (after its
/// cut-off), through the hub's API; the two days as the API writes them.
pub async fn two_delivery_days(app: &TestApp, w: &HubWeek) -> (String, String) {
    let (path, mut cycle) = hub_cycle(app, w).await;
    let (thursday, friday) = (day_in(app, 4), day_in(app, 5));
    cycle["delivery_days"] = json!([thursday, friday]);
    let r = w.api(app, Who::Hub).put_json(&path, &cycle).await;
    assert_eq!(r.status, 200, "{}", r.body);
    (thursday, friday)
}

/// An order of `kg` carrots at the week's pickup point, delivered on `day`.
pub fn carrots_on(w: &HubWeek, kg: &str, day: Option<&str>) -> Value {
    let mut body = w.order_body(&[(w.carrots, kg)]);
    if let Some(day) = day {
        body["delivery_day"] = day.into();
    }
    body
}

/// The organizations of a [`HubWeek`].
#[derive(Clone, Copy, Debug)]
pub enum Who {
    Hub,
    Farm,
    Dairy,
    Cpe,
    Bistro,
}

/// The body of the cycle "Semaine 49": opens in an hour, closes in three days, 3 $ a order,
/// one pickup location with a 10 $ minimum.
pub fn cycle_body(app: &TestApp, producers: &[OrgId]) -> Value {
    let now = app.store.now();
    let ids: Vec<i64> = producers.iter().map(|p| p.0).collect();
    json!({
        "name": "Semaine 49", "opens_at": (now + SignedDuration::from_hours(1)).to_string(),
        "closes_at": (now + SignedDuration::from_hours(72)).to_string(), "order_fee_cents": 300,
        "producer_ids": ids,
        "locations": [{"kind": "pickup", "name": "Entrepôt", "fee_cents": 0, "min_order_cents": 1000}]
    })
}
