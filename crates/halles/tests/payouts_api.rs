//! Producers' statements and payouts through the API and the pages, on SQLite and (when
//! configured) PostgreSQL: a delivered cycle (a catch-weight line, a substitution, a loss) is
//! put on the farm's statement, read by the farm only, printed (read back with pdftotext),
//! paid once, e-mailed; the hub's page shows the period's balance; who may call each route.

mod support;

use halles_core::accounts::Lang;
use halles_core::fulfilment::MovementKind;
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::quantity::Qty;
use halles_store::testing::billing_week::{self, registered};
use halles_web::i18n::I18n;
use serde_json::json;
use support::TestApp;
use support::mail::{about, link_in};
use support::matrix::{Fixture, api_rows, check};
use support::pdf::{at, pdf_text, plain};

#[tokio::test]
async fn a_cycle_becomes_the_farms_statement_read_by_the_farm_only_and_paid_once() {
    for app in TestApp::on_every_db().await {
        let w = billing_week::week_with_margin(&app.store, &app.clock, 2, 1_500)
            .await
            .unwrap();
        let hs = app
            .store
            .own_hub(&support::world::scope(w.hub))
            .await
            .unwrap();
        app.store
            .set_billing_settings(&hs, registered())
            .await
            .unwrap();
        billing_week::deliver_all(&app.store, &w).await.unwrap();
        let lot = app.store.lot_by_code(&hs, "MUF-49").await.unwrap();
        app.store
            .record_movement(&hs, lot.id, MovementKind::Lost, Qty::units(1), "Écrasé")
            .await
            .unwrap();
        app.user("ferme@lavoie.example", Some((w.farm, Role::Staff)))
            .await;
        app.user("compta@polenord.example", Some((w.hub, Role::Staff)))
            .await;
        let h = app.api(&app.token(w.hub, &Scope::ALL).await);
        let f = app.api(&app.token(w.farm, &Scope::ALL).await);
        let b = app.api(&app.token(w.buyers[0], &Scope::ALL).await);

        // Issued by the hub, bad input refused on its field.
        let r = h
            .post_json(
                &at(w.hub, "/producer-statements"),
                &json!({"producer_id": w.farm.0, "period": {"kind": "month", "month": "2026-13"}}),
            )
            .await;
        assert_eq!(
            r.field_error(),
            (422, "period.month", "period_invalid"),
            "{}",
            r.body
        );
        let body = json!({"producer_id": w.farm.0,
            "period": {"kind": "cycle", "cycle_id": w.cycle.0}, "losses_charged_to": "hub"});
        let r = h.post_json(&at(w.hub, "/producer-statements"), &body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["number"], json!("REL-2026-0001"));
        assert_eq!(r.body["producer_cents"], json!(28_114));
        assert_eq!(r.body["owed_cents"], json!(28_339));
        assert_eq!(r.body["lines"].as_array().unwrap().len(), 7);
        assert_eq!(r.body["adjustments"][0]["reason"], json!("Écrasé"));
        let r = h.post_json(&at(w.hub, "/producer-statements"), &body).await;
        assert_eq!((r.status, r.code()), (409, "statement_empty"));
        let r = f
            .post_json(&at(w.farm, "/producer-statements"), &body)
            .await;
        assert_eq!((r.status, r.code()), (403, "wrong_kind"));

        // The farm reads its own; a buyer has none; another producer finds nothing.
        assert_eq!(
            f.get(&at(w.farm, "/producer-statements"))
                .await
                .list()
                .len(),
            1
        );
        let r = f
            .get(&at(w.farm, &format!("/producer-statements/{id}")))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = b
            .get(&at(w.buyers[0], &format!("/producer-statements/{id}")))
            .await;
        assert_eq!((r.status, r.code()), (403, "wrong_kind"));
        let other = app.org(OrgKind::Producer, "Autre ferme").await;
        let o = app.api(&app.token(other.id, &Scope::ALL).await);
        assert_eq!(
            o.get(&at(other.id, &format!("/producer-statements/{id}")))
                .await
                .status,
            404
        );
        assert_eq!(
            o.get(&at(other.id, "/producer-statements"))
                .await
                .list()
                .len(),
            0
        );

        // The PDF, read back, in the farm's language.
        let res = reqwest::Client::new()
            .get(app.at(&format!(
                "/api/v1/organizations/{}/producer-statements/{id}/pdf",
                w.farm
            )))
            .bearer_auth(app.token(w.farm, &[Scope::OrdersRead]).await)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let pdf = res.bytes().await.unwrap();
        if let Some(text) = pdf_text(&pdf, "statement") {
            let fr = I18n::new(Lang::Fr);
            for want in [
                "Relevé REL-2026-0001".to_owned(),
                "Producteur : Ferme Lavoie".to_owned(),
                plain(&format!("À votre prix : {}", fr.money(Cents(28_114)))),
                plain(&format!("Montant dû : {}", fr.money(Cents(28_339)))),
                "remplace Carottes".to_owned(),
                "4,05 kg".to_owned(),
                "Perte : Écrasé".to_owned(),
                "Pas encore versé".to_owned(),
            ] {
                assert!(text.contains(&want), "{want:?} not in {text}");
            }
        }

        // A payout typed wrong on the hub's page comes back with what was typed.
        let hub = app.logged_in("compta@polenord.example").await;
        let res = hub
            .post_form(
                &format!("/o/{}/releves-producteurs/{id}/versement", w.hub),
                &[("paid_on", "demain"), ("reference", "VIR-77")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("data-error=\"payout_date_invalid\""),
            "{page}"
        );
        assert!(page.contains("value=\"VIR-77\"") && page.contains("value=\"demain\""));

        // Paid once, by the hub.
        let pay = |d: &str| json!({"paid_on": d, "reference": "CHQ 1042"});
        let r = h
            .post_json(
                &at(w.hub, &format!("/producer-statements/{id}/payout")),
                &pay("2026-12-31"),
            )
            .await;
        assert_eq!(
            r.field_error(),
            (422, "paid_on", "payout_date_invalid"),
            "{}",
            r.body
        );
        let r = f
            .post_json(
                &at(w.farm, &format!("/producer-statements/{id}/payout")),
                &pay("2026-12-05"),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = h
            .post_json(
                &at(w.hub, &format!("/producer-statements/{id}/payout")),
                &pay("2026-12-05"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["paid_on"], json!("2026-12-05"));
        let r = h
            .post_json(
                &at(w.hub, &format!("/producer-statements/{id}/payout")),
                &pay("2026-12-05"),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "statement_already_paid"));

        // The farm's staff hear of both, with the link to the PDF in their account.
        app.run_jobs().await;
        let mail = app.mail_to("ferme@lavoie.example").await;
        let issued = about(&mail, "Relevé REL-2026-0001");
        let paid = about(&mail, "Versement du relevé REL-2026-0001");
        assert!(paid.body.contains("CHQ 1042"), "{}", paid.body);
        let link = link_in(&issued.body, "/o/");
        let farm = app.logged_in("ferme@lavoie.example").await;
        let res = farm.get(&link).await;
        assert_eq!(res.status(), 200, "{link}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/pdf"
        );
        let page = farm
            .get(&format!("/o/{}/releves-producteurs", w.farm))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("REL-2026-0001") && page.contains("data-status=\"paid\""));

        // The hub's page: the cycle's balance, everything on a statement.
        let res = hub
            .get(&format!(
                "/o/{}/releves-producteurs?periode=cycle-{}",
                w.hub, w.cycle
            ))
            .await;
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(page.contains("data-status=\"balanced\""), "{page}");
        assert!(page.contains("data-status=\"nothing-left\""), "{page}");
        let res = hub
            .get(&format!("/o/{}/releves-producteurs?mois=2026-13", w.hub))
            .await;
        assert_eq!(res.status(), 422);
        app.stop().await;
    }
}

#[tokio::test]
async fn statement_routes_answer_only_whom_they_should() {
    for app in TestApp::on_every_db().await {
        let hub = Fixture::new(&app, OrgKind::Hub, "rel-hub").await;
        check(&app, &hub, api_rows::STATEMENTS_HUB).await;
        let producer = Fixture::new(&app, OrgKind::Producer, "rel-prod").await;
        check(&app, &producer, api_rows::STATEMENTS_PRODUCER).await;
        let buyer = Fixture::new(&app, OrgKind::Buyer, "rel-buy").await;
        check(&app, &buyer, api_rows::STATEMENTS_BUYER).await;
        app.stop().await;
    }
}
