//! Amounts and quantities beyond their maximum (`halles_core::limits`) are refused through the
//! real pages and API, on SQLite and (when configured) PostgreSQL, and nothing changes: the
//! balances, the ledger and every page stay as they were.

mod support;

use halles_core::coupons::{Expiry, LoadMoment, ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_store::coupons::{ParticipantInput, ProgramInput, ScheduleInput};
use halles_store::{Actor, TenantScope};
use jiff::civil::date;
use serde_json::{Value, json};
use support::TestApp;

fn scope(org: halles_core::OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// The first field error of a 422 problem: (field, code).
async fn field_error(res: reqwest::Response) -> (String, String) {
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    (
        p["errors"][0]["field"].as_str().unwrap_or_default().into(),
        p["errors"][0]["code"].as_str().unwrap_or_default().into(),
    )
}

#[tokio::test]
async fn money_beyond_its_maximum_is_refused_everywhere_and_nothing_changes() {
    for app in TestApp::on_every_db().await {
        eprintln!("running on {}", app.label());
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        let market = app.org(OrgKind::Market, "Marché").await;
        app.user("prog@o.example", Some((operator.id, Role::Admin)))
            .await;
        let op = scope(operator.id);
        let program = app
            .store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Bonne Bouffe".into(),
                    public_name: String::new(),
                    starts_on: date(2026, 1, 1),
                    ends_on: date(2027, 12, 31),
                    report_period: ReportPeriod::Month,
                    anonymous: false,
                    pin_required: false,
                    off_platform: false,
                },
            )
            .await
            .unwrap();
        let opg = app.store.operated_program(&op, program).await.unwrap();
        for (org, role) in [
            (partner.id, ProgramRole::Partner),
            (market.id, ProgramRole::Market),
        ] {
            app.store.add_program_member(&opg, org, role).await.unwrap();
        }
        let fruits = app.store.product_groups(program).await.unwrap()[0].id;
        let types = app.store.participant_types(program).await.unwrap();
        app.store.create_card_batch(&opg, 1).await.unwrap();
        let ppg = app
            .store
            .program_access(&scope(partner.id), program)
            .await
            .unwrap();
        let person = app
            .store
            .create_participant(
                &ppg,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    name: "Alex".into(),
                    consent_on: Some(date(2026, 11, 1)),
                    consent_purpose: "programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        let card = app.store.assign_card(&ppg, person.id, None).await.unwrap();
        app.store
            .adjust_funds(&opg, card.id, fruits, Cents(2000), "chargement")
            .await
            .unwrap();
        let schedule = app
            .store
            .create_schedule(
                &opg,
                &ScheduleInput {
                    name: "Été".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 8, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 3,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::Never,
                    amounts: vec![(types[0].id, fruits, Cents(1000))],
                },
            )
            .await
            .unwrap();
        let op_token = app
            .token(operator.id, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let market_token = app
            .token(market.id, &[Scope::RedemptionsWrite, Scope::CouponsRead])
            .await;
        let http = reqwest::Client::new();
        let api = |org: halles_core::OrgId, rest: &str| {
            app.at(&format!("/api/v1/organizations/{org}{rest}"))
        };

        // The attack of the report: i64::MAX as a manual adjustment answers 422, either sign.
        let adjust = api(
            operator.id,
            &format!("/programs/{program}/cards/{}/adjustments", card.id),
        );
        for cents in [i64::MAX, i64::MIN, 10_000_001, -10_000_001] {
            let res = http
                .post(&adjust)
                .bearer_auth(&op_token)
                .json(&json!({"product_group_id": fruits.0, "amount_cents": cents, "reason": "x"}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                field_error(res).await,
                ("amount_cents".into(), "amount_too_large".into()),
                "{cents}"
            );
        }

        // The page form: 1 000 000 000,00 comes back with the message and what was typed.
        let prog = app.logged_in("prog@o.example").await;
        let group = fruits.to_string();
        let res = prog
            .post_form(
                &format!(
                    "/o/{}/programmes/{program}/participants/{}/ajuster",
                    operator.id, person.id
                ),
                &[
                    ("adjust_group", group.as_str()),
                    ("adjust_amount", "1000000000,00"),
                    ("adjust_reason", "erreur"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("1000000000,00") && html.contains("dépasse le maximum permis"),
            "{html}"
        );

        // A schedule amount, through the API.
        let res = http
            .post(api(
                operator.id,
                &format!("/programs/{program}/allocation-schedules"),
            ))
            .bearer_auth(&op_token)
            .json(
                &json!({"name": "Trop", "starts_on": "2026-06-01", "ends_on": "2026-08-31",
                "moment": "first_of_month", "max_loads": 3,
                "amounts": [{"participant_type_id": types[0].id.0, "product_group_id": fruits.0,
                    "amount_cents": 10_000_001}]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            field_error(res).await,
            ("amounts[0].amount_cents".into(), "amount_too_large".into())
        );

        // An envelope, through the page: above $10,000,000 comes back with the message.
        let (sid, pid) = (schedule.to_string(), partner.id.to_string());
        let res = prog
            .post_form(
                &format!("/o/{}/programmes/{program}/enveloppes", operator.id),
                &[
                    ("schedule", sid.as_str()),
                    ("partner", pid.as_str()),
                    ("budget", "10 000 000,01"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("10 000 000,01") && html.contains("10 000 000,00 $ par budget"),
            "{html}"
        );

        // A redemption line, and a refund line, through the market's API.
        let number = card.number.as_str().to_owned();
        let redeem = |cents: i64| {
            http.post(api(market.id, "/redemptions"))
                .bearer_auth(&market_token)
                .json(&json!({"card": number, "lines": [{"product_group_id": fruits.0, "amount_cents": cents}]}))
                .send()
        };
        for cents in [i64::MAX, 10_000_001] {
            assert_eq!(
                field_error(redeem(cents).await.unwrap()).await,
                ("lines[0].amount_cents".into(), "amount_too_large".into())
            );
        }
        let sale: Value = redeem(500).await.unwrap().json().await.unwrap();
        let res = http
            .post(api(
                market.id,
                &format!("/redemptions/{}/refunds", sale["id"]),
            ))
            .bearer_auth(&market_token)
            .json(&json!({"lines": [{"product_group_id": fruits.0, "amount_cents": i64::MAX}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            field_error(res).await,
            ("lines[0].amount_cents".into(), "amount_too_large".into())
        );

        // Nothing changed but the one honest sale: balances, ledger and lots agree, and the
        // program's pages still answer.
        let (ledger, cached, lots) = app.store.ledger_check(program).await.unwrap();
        assert_eq!(
            (ledger, cached, lots),
            (Cents(1500), Cents(1500), Cents(1500))
        );
        let envelopes = app.store.envelopes(program, None).await.unwrap();
        assert!(envelopes.is_empty(), "{envelopes:?}");
        for page in [
            "",
            "/participants",
            "/cartes",
            "/rapports",
            "/soldes",
            "/mouvements",
        ] {
            let res = prog
                .get(&format!("/o/{}/programmes/{program}{page}", operator.id))
                .await;
            assert_eq!(res.status(), 200, "{page}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn prices_fees_and_quantities_beyond_their_maximum_are_refused() {
    use halles_core::pricing::BuyerType;
    use jiff::SignedDuration;
    for app in TestApp::on_every_db().await {
        eprintln!("running on {}", app.label());
        let hub = app.org(OrgKind::Hub, "Pôle").await;
        let farm = app.org(OrgKind::Producer, "Ferme").await;
        let cpe = app.org(OrgKind::Buyer, "CPE").await;
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        app.store.link_producer(&h, farm.id).await.unwrap();
        app.store
            .link_buyer(&h, cpe.id, BuyerType::Institution)
            .await
            .unwrap();
        let all = Scope::ALL;
        let (t_hub, t_farm, t_cpe) = (
            app.token(hub.id, &all).await,
            app.token(farm.id, &all).await,
            app.token(cpe.id, &all).await,
        );
        let http = reqwest::Client::new();
        let api = |path: &str| app.at(&format!("/api/v1/organizations{path}"));
        let carrots: Value = http
            .post(api(&format!("/{}/products", farm.id)))
            .bearer_auth(&t_farm)
            .json(
                &json!({"name_fr": "Carottes", "category": "vegetables", "unit": "kg",
                "tax_class": "zero_rated", "origin": "quebec_grown"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let carrots = carrots["id"].as_i64().unwrap();

        // A cycle's fee above $100,000 is refused; a sane one is created.
        let now = app.store.now();
        let cycle = |fee: i64, min: i64| {
            json!({"name": "Semaine 49", "opens_at": (now + SignedDuration::from_hours(1)).to_string(),
                "closes_at": (now + SignedDuration::from_hours(72)).to_string(), "order_fee_cents": fee,
                "producer_ids": [farm.id.0],
                "locations": [{"kind": "pickup", "name": "Entrepôt", "fee_cents": 0, "min_order_cents": min}]})
        };
        for (body, field) in [
            (cycle(i64::MAX, 0), "order_fee_cents"),
            (cycle(0, 10_000_001), "locations[0].min_order_cents"),
        ] {
            let res = http
                .post(api(&format!("/{}/order-cycles", hub.id)))
                .bearer_auth(&t_hub)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                field_error(res).await,
                (field.into(), "amount_too_large".into())
            );
        }
        let res = http
            .post(api(&format!("/{}/order-cycles", hub.id)))
            .bearer_auth(&t_hub)
            .json(&cycle(300, 0))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let c: Value = res.json().await.unwrap();
        let (cycle_id, location) = (c["id"].as_i64().unwrap(), c["locations"][0]["id"].clone());

        // A price above $100,000 or a quantity above 100,000 units is refused.
        let grid = api(&format!(
            "/{}/hubs/{}/order-cycles/{cycle_id}/availability",
            farm.id, hub.id
        ));
        for (offer, field, code) in [
            (
                json!({"quantity": "40", "price_cents": 10_000_001}),
                "[0].price_cents",
                "amount_too_large",
            ),
            (
                json!({"quantity": "100000.001", "price_cents": 250}),
                "[0].quantity",
                "qty_too_large",
            ),
            (
                json!({"quantity": "99999999999999999999", "price_cents": 250}),
                "[0].quantity",
                "qty_too_large",
            ),
        ] {
            let mut offer = offer;
            offer["product_id"] = json!(carrots);
            let res = http
                .put(&grid)
                .bearer_auth(&t_farm)
                .json(&json!([offer]))
                .send()
                .await
                .unwrap();
            assert_eq!(field_error(res).await, (field.into(), code.into()));
        }
        let res = http
            .put(&grid)
            .bearer_auth(&t_farm)
            .json(&json!([{"product_id": carrots, "quantity": "40", "price_cents": 250}]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);

        // An order quantity above 100,000 units is refused as such, not as a shortage.
        app.clock.advance(SignedDuration::from_hours(2));
        halles::worker::on_time(&app.store, &app.url).await;
        for q in ["100001", "9223372036854775.807"] {
            let res = http
                .post(api(&format!("/{}/orders", cpe.id)))
                .bearer_auth(&t_cpe)
                .json(
                    &json!({"hub_id": hub.id.0, "cycle_id": cycle_id, "location_id": location,
                    "lines": [{"product_id": carrots, "quantity": q}]}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(
                field_error(res).await,
                ("lines[0].quantity".into(), "qty_too_large".into()),
                "{q}"
            );
        }
        // Nothing was reserved.
        let offered: Vec<Value> = http
            .get(api(&format!(
                "/{}/hubs/{}/order-cycles/{cycle_id}/catalog",
                cpe.id, hub.id
            )))
            .bearer_auth(&t_cpe)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(offered[0]["remaining"], "40", "{offered:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn an_imported_row_beyond_the_maximums_is_named_and_nothing_is_imported() {
    for app in TestApp::on_every_db().await {
        eprintln!("running on {}", app.label());
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user("accueil@p.example", Some((partner.id, Role::Staff)))
            .await;
        let op = scope(operator.id);
        let program = app
            .store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Hors plateforme".into(),
                    public_name: String::new(),
                    starts_on: date(2026, 1, 1),
                    ends_on: date(2027, 12, 31),
                    report_period: ReportPeriod::Month,
                    anonymous: false,
                    pin_required: false,
                    off_platform: true,
                },
            )
            .await
            .unwrap();
        app.store
            .add_program_member(
                &app.store.operated_program(&op, program).await.unwrap(),
                partner.id,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
        let b = app.logged_in("accueil@p.example").await;
        let path = format!(
            "/o/{}/programmes/{program}/participants/importer",
            partner.id
        );
        let head =
            "type;identifiant 1;date du consentement;début;fin;fréquence;Fruits et légumes\n";
        // One load above $100,000; then loads that add up to more than $10,000,000.
        for (row, message) in [
            (
                "1;A-1;2026-11-01;2026-12-01;2027-05-31;mensuel;1000000000,00\n",
                "100 000,00 $ par mouvement",
            ),
            (
                "1;A-2;2026-11-01;2026-12-01;2099-05-31;hebdomadaire;100000,00\n",
                "10 000 000,00 $ par budget",
            ),
        ] {
            let form = reqwest::multipart::Form::new()
                .text("csrf", b.csrf().await)
                .text("consent_purpose", "Programme")
                .text("action", "apply")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(format!("{head}{row}").into_bytes())
                        .file_name("liste.csv"),
                );
            let res = b
                .http
                .post(format!("{}{path}", b.base))
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 422);
            let html = res.text().await.unwrap();
            assert!(html.contains(message), "{html}");
        }
        let people = app
            .store
            .participants(
                &app.store
                    .program_access(&scope(partner.id), program)
                    .await
                    .unwrap(),
                "",
            )
            .await
            .unwrap();
        assert!(people.is_empty());
        app.stop().await;
    }
}
