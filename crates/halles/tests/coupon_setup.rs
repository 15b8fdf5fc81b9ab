//! Set-up mistakes fixed through the real pages and API, on SQLite and (when configured)
//! PostgreSQL: a schedule changed after a preview (pages: preview then confirm; API: the same
//! body without, then with, `confirm`), market groups and registers renamed, a program's `PUT`
//! that no longer blanks what it was not sent, and the report's notes.

mod support;

use halles_core::coupons::{Expiry, LoadMoment};
use halles_core::money::Cents;
use halles_core::organizations::Scope;
use halles_store::coupons::ScheduleInput;
use jiff::civil::date;
use serde_json::json;
use support::TestApp;
use support::world::{CouponProgram, World, people, scope};

/// A monthly schedule of the world's program, December to March, at most 4 loads of 10.00 for
/// the first type, with an envelope of 100.00 for the partner; the world's holder enrolled.
async fn schedule(app: &TestApp, w: &CouponProgram) -> (halles_core::ScheduleId, String) {
    let op = w.operated(app).await;
    let t = app.store.participant_types(w.program).await.unwrap()[0].id;
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
                expiry: Expiry::OnDate {
                    date: date(2027, 3, 31),
                },
                amounts: vec![(t, w.fruits, Cents(1000))],
            },
        )
        .await
        .unwrap();
    app.store
        .set_envelope(&op, s, w.partner.id, Cents(10_000))
        .await
        .unwrap();
    let holder = w.card.participant.unwrap();
    app.store
        .enrol_in_schedule(&w.access(app, w.partner.id).await, s, holder, false, None)
        .await
        .unwrap();
    (s, format!("amount_{t}_{}", w.fruits))
}

#[tokio::test]
async fn a_schedule_is_changed_on_its_page_after_a_preview_and_only_as_previewed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (s, amount) = schedule(&app, &w).await;
        let operator = app.logged_in(people::OPERATOR).await;
        let path = w.program_page(&format!("/versements/{s}/modifier"));
        let form = operator.page(&path).await;
        assert_eq!(form.status, 200);
        assert_eq!(form.value_of("name"), "Hiver");
        assert_eq!(form.value_of(&amount), "10.00");
        // The program page links to it.
        assert!(operator.page(&w.program_page("")).await.has(&path));

        let fields = |max: &'static str, amount_value: &'static str| {
            vec![
                ("name", "Hiver prolongé"),
                ("starts_on", "2026-12-01"),
                ("ends_on", "2027-05-31"),
                ("moment", "first_of_month"),
                ("max_loads", max),
                ("expiry", "date"),
                ("expires_on", "2027-05-31"),
                ("expires_days", ""),
                (amount.as_str(), amount_value),
            ]
        };
        let mut preview_fields = fields("6", "15,00");
        preview_fields.push(("step", "preview"));
        let preview = operator.send(&path, &preview_fields).await;
        assert_eq!(preview.status, 200, "{preview:?}");
        // December to May: six loads of 15.00 instead of four of 10.00.
        assert!(preview.has("data-preview=\"participants\" data-n=\"1\""));
        assert!(preview.has("data-before=\"4000\" data-after=\"9000\""));
        assert_eq!(app.store.schedule(s).await.unwrap().name, "Hiver");
        let previewed = preview.value_of("previewed");

        // Confirming other values than those previewed previews them again.
        let mut other = fields("5", "15,00");
        other.push(("step", "confirm"));
        other.push(("previewed", previewed.as_str()));
        let again = operator.send(&path, &other).await;
        assert_eq!(again.status, 200);
        assert!(again.has("data-after=\"7500\""));
        assert_eq!(app.store.schedule(s).await.unwrap().max_loads, 4);

        let mut confirm = fields("6", "15,00");
        confirm.push(("step", "confirm"));
        confirm.push(("previewed", previewed.as_str()));
        let done = operator.send(&path, &confirm).await;
        assert_eq!(done.status, 303, "{done:?}");
        let changed = app.store.schedule(s).await.unwrap();
        assert_eq!(
            (changed.name.as_str(), changed.max_loads, changed.ends_on),
            ("Hiver prolongé", 6, date(2027, 5, 31))
        );

        // A bad value comes back with its message and what was typed.
        let mut bad = fields("beaucoup", "15,00");
        bad.push(("step", "preview"));
        let refused = operator.send(&path, &bad).await;
        assert_eq!(refused.status, 422);
        assert_eq!(refused.field_errors(), vec!["max_loads"]);
        assert_eq!(refused.value_of("max_loads"), "beaucoup");
        let mut past = fields("6", "15,00");
        past[2] = ("ends_on", "2026-01-31");
        past.push(("step", "preview"));
        let refused = operator.send(&path, &past).await;
        assert_eq!(refused.status, 422);
        assert!(refused.has_error("ends_in_past"), "{refused:?}");

        // A partner's staff cannot open it.
        let partner = app.logged_in(people::PARTNER_STAFF).await;
        let theirs = format!(
            "/o/{}/programmes/{}/versements/{s}/modifier",
            w.partner.id, w.program
        );
        assert_eq!(partner.page(&theirs).await.status, 403);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_previews_a_schedule_change_then_applies_it_when_confirmed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (s, _) = schedule(&app, &w).await;
        let token = app
            .token(w.operator.id, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let api = app.api(&token);
        let path = format!(
            "/organizations/{}/programs/{}/allocation-schedules/{s}",
            w.operator.id, w.program
        );
        let body = json!({"ends_on": "2027-05-31", "max_loads": 6});
        let preview = api.patch_json(&path, &body).await;
        assert_eq!(preview.status, 200, "{preview:?}");
        assert_eq!(preview.body["applied"], false);
        assert_eq!(preview.body["participants"], 1);
        assert_eq!(
            (
                preview.body["reserved_before_cents"].as_i64(),
                preview.body["reserved_after_cents"].as_i64()
            ),
            (Some(4000), Some(6000))
        );
        assert_eq!(app.store.schedule(s).await.unwrap().max_loads, 4);
        let mut confirmed = body.clone();
        confirmed["confirm"] = true.into();
        let applied = api.patch_json(&path, &confirmed).await;
        assert_eq!(applied.status, 200);
        assert_eq!(applied.body["applied"], true);
        let changed = app.store.schedule(s).await.unwrap();
        // Fields not sent are kept.
        assert_eq!((changed.name.as_str(), changed.max_loads), ("Hiver", 6));
        for (body, status, field, code) in [
            (json!({"max_loads": 0}), 422, "max_loads", "max_loads"),
            (json!({"max_loads": 1001}), 422, "max_loads", "max_loads"),
            (
                json!({"ends_on": "2026-01-31"}),
                422,
                "ends_on",
                "ends_in_past",
            ),
            (json!({"ends_on": "demain"}), 422, "ends_on", "date_invalid"),
            (
                json!({"expiry": {"kind": "on_date", "date": "2026-01-01"}}),
                422,
                "expires_on",
                "expiry_in_past",
            ),
            (json!({"moment": "daily"}), 422, "moment", "choice_invalid"),
        ] {
            let r = api.patch_json(&path, &body).await;
            assert_eq!(r.field_error(), (status, field, code), "{body}");
        }
        // Beyond the envelope: the preview says which, applying is refused.
        let more = json!({"max_loads": 20, "ends_on": "2027-12-31", "amounts": [{"participant_type_id": changed.amounts[0].0.0, "product_group_id": w.fruits.0, "amount_cents": 5000}]});
        let short = api.patch_json(&path, &more).await;
        assert_eq!(short.status, 200);
        assert_eq!(short.body["short"][0]["partner_id"], w.partner.id.0);
        let mut more_confirmed = more.clone();
        more_confirmed["confirm"] = true.into();
        let refused = api.patch_json(&path, &more_confirmed).await;
        assert_eq!((refused.status, refused.code()), (409, "over_budget"));
        let missing = format!(
            "/organizations/{}/programs/{}/allocation-schedules/999999",
            w.operator.id, w.program
        );
        assert_eq!(api.patch_json(&missing, &json!({})).await.status, 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_program_put_requires_every_field_and_never_blanks_one_it_was_not_sent() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let token = app
            .token(w.operator.id, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let api = app.api(&token);
        let path = format!("/organizations/{}/programs/{}", w.operator.id, w.program);
        let full = json!({
            "name": "Bonne Bouffe", "public_name": "Bons santé", "public_address": "1 rue du Marché",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "report_period": "month",
            "partners_assign_cards": true, "pin_required": false
        });
        assert_eq!(api.put_json(&path, &full).await.status, 204);
        let mut partial = full.clone();
        partial.as_object_mut().unwrap().remove("public_name");
        partial.as_object_mut().unwrap().remove("public_address");
        partial["name"] = "Autre nom".into();
        let r = api.put_json(&path, &partial).await;
        assert_eq!(r.status, 400, "{r:?}");
        let p = app.store.program_by_id(w.program).await.unwrap();
        assert_eq!(
            (
                p.name.as_str(),
                p.public_name.as_str(),
                p.public_address.as_str()
            ),
            ("Bonne Bouffe", "Bons santé", "1 rue du Marché")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn market_groups_and_registers_are_renamed_on_their_pages() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = w.operated(&app).await;
        let g = app
            .store
            .create_market_group(&op, "Nord", None)
            .await
            .unwrap();
        app.store
            .set_market_group(&op, w.market.id, Some(g))
            .await
            .unwrap();
        let operator = app.logged_in(people::OPERATOR).await;
        let field = format!("market_group_{g}");
        let rename = w.program_page(&format!("/groupes-marches/{g}/renommer"));
        let done = operator
            .send(&rename, &[(field.as_str(), "Nord-Est")])
            .await;
        assert_eq!(done.status, 303, "{done:?}");
        assert!(operator.page(&w.program_page("")).await.has("Nord-Est"));
        let empty = operator.send(&rename, &[(field.as_str(), " ")]).await;
        assert_eq!(empty.status, 422);
        assert_eq!(empty.field_errors(), vec![field.clone()]);
        // Not empty: deleting is refused with its reason; archiving keeps it, marked.
        let delete = w.program_page(&format!("/groupes-marches/{g}/supprimer"));
        let refused = operator.send(&delete, &[]).await;
        assert_eq!(refused.status, 422);
        assert!(refused.has_error("market_group_in_use"), "{refused:?}");
        let archive = w.program_page(&format!("/groupes-marches/{g}/archiver"));
        assert_eq!(operator.send(&archive, &[]).await.status, 303);
        assert!(
            operator
                .page(&w.program_page(""))
                .await
                .has_status("archived")
        );

        // The market's administrator renames a register.
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let path = format!("/o/{}/caisses/{}/renommer", w.market.id, w.register);
        let done = admin.send(&path, &[("name", "Comptoir de l'entrée")]).await;
        assert_eq!(done.status, 303, "{done:?}");
        assert_eq!(
            app.store.registers(&scope(w.market.id)).await.unwrap()[0].1,
            "Comptoir de l'entrée"
        );
        let empty = admin.send(&path, &[("name", "")]).await;
        assert_eq!(empty.status, 422);
        assert_eq!(empty.field_errors(), vec![format!("name_{}", w.register)]);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_negative_envelope_budget_is_the_budget_fields_error_and_the_report_explains_its_figures()
{
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (s, _) = schedule(&app, &w).await;
        let operator = app.logged_in(people::OPERATOR).await;
        let page = operator
            .send(
                &w.program_page("/enveloppes"),
                &[
                    ("schedule", s.to_string().as_str()),
                    ("partner", w.partner.id.to_string().as_str()),
                    ("from", ""),
                    ("budget", "-5,00"),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{page:?}");
        assert_eq!(page.field_errors(), vec!["budget"]);
        assert!(!page.has_error("not_a_partner"));
        let report = operator.page(&w.program_page("/rapports")).await;
        assert_eq!(report.status, 200);
        assert!(report.has("id=\"report-note-remaining\""));
        app.stop().await;
    }
}
