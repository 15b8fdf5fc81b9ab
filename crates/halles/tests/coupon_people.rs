//! People who come, go and change during a season (issue 16) through the real pages and API,
//! on SQLite and (when configured) PostgreSQL: a change of type shows its effects before it
//! applies and a type without amount shows as a conflict; a removed person comes back; staff
//! load missed dates at once.

mod support;

use halles_core::coupons::{Expiry, LoadMoment};
use halles_core::money::Cents;
use halles_core::organizations::Scope;
use halles_store::coupons::{ParticipantInput, ScheduleInput};
use jiff::civil::date;
use serde_json::{Value, json};
use support::TestApp;
use support::world::{CouponSetup, World, people};

#[tokio::test]
async fn a_type_change_is_previewed_on_the_page_and_refused_by_the_api_until_confirmed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program_with(
            &app,
            CouponSetup {
                holder: None,
                ..CouponSetup::default()
            },
        )
        .await;
        let types = app.store.participant_types(w.program).await.unwrap();
        let (one, two, three) = (types[0].id, types[1].id, types[2].id);
        let op = w.operated(&app).await;
        let s = app
            .store
            .create_schedule(
                &op,
                &ScheduleInput {
                    name: "Hiver".into(),
                    starts_on: date(2026, 12, 1),
                    ends_on: date(2027, 3, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 4,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::Never,
                    amounts: vec![(one, w.fruits, Cents(1000)), (two, w.fruits, Cents(2000))],
                },
            )
            .await
            .unwrap();
        app.store
            .set_envelope(&op, s, w.partner.id, Cents(100_000))
            .await
            .unwrap();
        let pid = w
            .participant_from(
                &app,
                ParticipantInput {
                    id1: "T-1".into(),
                    ..ParticipantInput::default()
                },
            )
            .await;
        let partner = w.access(&app, w.partner.id).await;
        app.store
            .enrol_in_schedule(&partner, s, pid, false, None)
            .await
            .unwrap();
        let (org, program) = (w.partner.id, w.program);
        let page = format!("/o/{org}/programmes/{program}/participants/{pid}");
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        let edit = |t: String, confirm: bool| {
            let staff = &staff;
            let page = &page;
            async move {
                let mut fields = vec![
                    ("participant_type", t),
                    ("id1", "T-1".to_owned()),
                    ("name", "Personne".to_owned()),
                ];
                if confirm {
                    fields.push(("confirm_type_change", "1".to_owned()));
                }
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                staff.send(&format!("{page}/modifier"), &fields).await
            }
        };
        // Without confirming: the form comes back with what the change does.
        let res = edit(three.to_string(), false).await;
        assert_eq!(res.status, 422, "{res:?}");
        assert!(res.html.contains("id=\"type-change-effects\""), "{res:?}");
        assert!(res.html.contains("confirm_type_change"));
        assert!(res.html.contains("0,00"), "the new amount shows: {res:?}");
        assert_eq!(
            app.store
                .participant(&partner, pid)
                .await
                .unwrap()
                .participant_type,
            one
        );
        // Confirmed: applied, and the participant's page and the list flag the conflict.
        assert_eq!(edit(three.to_string(), true).await.status, 303);
        let shown = staff.page(&page).await;
        assert!(shown.html.contains("id=\"type-conflicts\""), "{shown:?}");
        let list = staff
            .page(&format!("/o/{org}/programmes/{program}/participants"))
            .await;
        assert!(list.html.contains("id=\"type-conflicts\""), "{list:?}");

        // The API: refused with a stable code until confirmed; the effects read first.
        let token = app
            .token(org, &[Scope::CouponsWrite, Scope::CouponsRead])
            .await;
        let api = app.at(&format!(
            "/api/v1/organizations/{org}/programs/{program}/participants/{pid}"
        ));
        let effects: Value = reqwest::Client::new()
            .get(format!(
                "{api}/type-change-effects?participant_type_id={two}"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(effects[0]["per_load_before_cents"], 0);
        assert_eq!(effects[0]["per_load_after_cents"], 2000);
        assert_eq!(effects[0]["pending_loads"], 4);
        let body = json!({
            "participant_type_id": two.0, "id1": "T-1", "name": "Personne",
            "consent_on": "2026-11-01", "consent_purpose": "programme"
        });
        let res = reqwest::Client::new()
            .put(&api)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "type_change_unconfirmed");
        let res = reqwest::Client::new()
            .put(format!("{api}?confirm_type_change=true"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let conflicts: Value = reqwest::Client::new()
            .get(app.at(&format!(
                "/api/v1/organizations/{org}/programs/{program}/type-conflicts"
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(conflicts, json!([]));
        app.stop().await;
    }
}

#[tokio::test]
async fn a_removed_person_comes_back_from_their_page_and_staff_load_missed_dates_at_once() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program_with(
            &app,
            CouponSetup {
                holder: None,
                ..CouponSetup::default()
            },
        )
        .await;
        let types = app.store.participant_types(w.program).await.unwrap();
        let op = w.operated(&app).await;
        let s = app
            .store
            .create_schedule(
                &op,
                &ScheduleInput {
                    name: "Hiver".into(),
                    starts_on: date(2026, 12, 1),
                    ends_on: date(2027, 5, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 6,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::Never,
                    amounts: vec![(types[0].id, w.fruits, Cents(1000))],
                },
            )
            .await
            .unwrap();
        app.store
            .set_envelope(&op, s, w.partner.id, Cents(100_000))
            .await
            .unwrap();
        let pid = w
            .participant_from(
                &app,
                ParticipantInput {
                    id1: "R-1".into(),
                    ..ParticipantInput::default()
                },
            )
            .await;
        let partner = w.access(&app, w.partner.id).await;
        app.store
            .enrol_in_schedule(&partner, s, pid, false, None)
            .await
            .unwrap();
        // No card on December 1st and January 1st.
        for d in ["2026-12-01T17:00:00Z", "2027-01-01T17:00:00Z"] {
            app.clock.set(d.parse().unwrap());
            app.store
                .run_due_loads(halles_core::coupons::local_date(d.parse().unwrap()))
                .await
                .unwrap();
        }
        let (org, program) = (w.partner.id, w.program);
        let page = format!("/o/{org}/programmes/{program}/participants/{pid}");
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        assert_eq!(staff.send(&format!("{page}/carte"), &[]).await.status, 303);
        let shown = staff.page(&page).await;
        assert!(shown.html.contains("rattraper-tout"), "{shown:?}");
        let res = staff
            .send(
                &format!("{page}/rattraper-tout"),
                &[("schedule", &s.to_string())],
            )
            .await;
        assert_eq!(res.status, 303, "{res:?}");
        let card = app
            .store
            .participant(&partner, pid)
            .await
            .unwrap()
            .card
            .unwrap()
            .0;
        let on_card: i64 = app
            .store
            .card_balances(card)
            .await
            .unwrap()
            .iter()
            .map(|b| b.balance.0)
            .sum();
        assert_eq!(on_card, 2000, "both missed dates loaded");
        // The transactions page names who loaded them.
        let ops = app.logged_in(people::OPERATOR).await;
        let tx = ops
            .page(&format!(
                "/o/{}/programmes/{program}/mouvements",
                w.operator.id
            ))
            .await;
        assert_eq!(tx.status, 200);
        assert!(tx.html.contains(people::PARTNER_STAFF), "{tx:?}");

        // Removed, then back from their page, the same person.
        assert_eq!(
            staff.send(&format!("{page}/retirer"), &[]).await.status,
            303
        );
        let shown = staff.page(&page).await;
        assert!(
            shown.html.contains("id=\"participant-return\""),
            "{shown:?}"
        );
        let res = staff.send(&format!("{page}/revenir"), &[]).await;
        assert_eq!(res.status, 303, "{res:?}");
        assert!(app.store.participant(&partner, pid).await.unwrap().active);
        // The API says there is nothing more to bring back.
        let token = app.token(org, &[Scope::CouponsWrite]).await;
        let res = reqwest::Client::new()
            .post(app.at(&format!(
                "/api/v1/organizations/{org}/programs/{program}/participants/{pid}/return"
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "participant_active");
        // Enrolled again from the page: four loads of six are left.
        let res = staff
            .send(&format!("{page}/inscrire"), &[("schedule", &s.to_string())])
            .await;
        assert_eq!(res.status, 303, "{res:?}");
        assert_eq!(app.store.forecast(&partner, s, pid).await.unwrap().len(), 4);
        app.stop().await;
    }
}
