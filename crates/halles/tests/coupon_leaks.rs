//! Money that escapes its budget (issue 16), through the pages and the API, on SQLite and
//! PostgreSQL: the register's confirm form sent twice, a manual load's source, a disabled card
//! on its holder's page, a schedule's amounts given twice.

mod support;

use halles_core::money::Cents;
use halles_core::organizations::Scope;
use serde_json::json;
use support::TestApp;
use support::world::{World, people};

#[tokio::test]
async fn the_registers_confirm_form_sent_twice_makes_one_sale() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let number = w.card.number.as_str();
        let sale = w.sale_key(&cashier, number).await;
        assert!(sale.len() >= 16, "step 2 carries a one-time sale number");
        // A double click: the same form twice, one sale, the same receipt.
        let first = w.sell_keyed(&cashier, number, "5,00", &sale).await;
        let second = w.sell_keyed(&cashier, number, "5,00", &sale).await;
        assert_eq!((first.status, second.status), (303, 303), "{second:?}");
        assert_eq!(first.location, second.location);
        assert_eq!(w.balance(&app).await, 1500, "spent once");
        // The same number with other amounts: refused, nothing spent.
        let other = w.sell_keyed(&cashier, number, "7,00", &sale).await;
        assert_eq!(other.status, 422);
        assert!(other.has_error("register-sale-again"), "{other:?}");
        // A form without a number (an old page): refused, nothing spent.
        let old = w.sell_keyed(&cashier, number, "5,00", "").await;
        assert_eq!(old.status, 422);
        assert_eq!(w.balance(&app).await, 1500);
        // A new scan is a new sale.
        assert_eq!(w.sell(&cashier, number, "5,00").await.status, 303);
        assert_eq!(w.balance(&app).await, 1000);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_manual_load_on_the_page_names_its_source_and_keeps_what_was_typed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let holder = w.card.participant.expect("the card's holder");
        let page_path = w.program_page(&format!("/participants/{holder}"));
        let page = op.page(&page_path).await;
        assert!(
            page.has("name=\"adjust_source\"") && page.has("Réserve du programme"),
            "{page:?}"
        );
        let group = w.fruits.to_string();
        let send = |source: &'static str| {
            let (op, group, path) = (&op, group.clone(), format!("{page_path}/ajuster"));
            let page_path = page_path.clone();
            async move {
                let once = op.page(&page_path).await.value_of("adjust_once");
                op.send(
                    &path,
                    &[
                        ("adjust_group", group.as_str()),
                        ("adjust_amount", "12,34"),
                        ("adjust_reason", "rattrapage"),
                        ("adjust_source", source),
                        ("adjust_once", once.as_str()),
                    ],
                )
                .await
            }
        };
        // No source: the message on the source, the amount kept.
        let page = send("").await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["adjust_source"]);
        assert!(
            page.has("12,34") && page.has_error("fund_source_required"),
            "{page:?}"
        );
        // The reserve is empty: refused on the source, in French, the amount kept.
        let page = send("reserve").await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["adjust_source"]);
        assert!(
            page.has("12,34") && page.has_error("reserve_too_low") && page.has("ne suffit pas"),
            "{page:?}"
        );
        assert_eq!(w.balance(&app).await, 2000);
        // Funded on the program page, it pays.
        let funded = op
            .send(&w.program_page("/reserve"), &[("reserve_budget", "50,00")])
            .await;
        assert_eq!(funded.status, 303, "{funded:?}");
        assert_eq!(send("reserve").await.status, 303);
        assert_eq!(w.balance(&app).await, 3234);
        let program = op.page(&w.program_page("")).await;
        assert!(
            program.has("program-reserve") && program.has("50,00"),
            "{program:?}"
        );
        // The report's envelopes show it as such: the program's reserve, no partner's.
        let report = op.page(&w.program_page("/rapports")).await;
        assert!(
            report.has("report-program-reserve") && report.has("Réserve du programme"),
            "{report:?}"
        );
        // A budget below what it loaded is refused, with what was typed.
        let low = op
            .send(&w.program_page("/reserve"), &[("reserve_budget", "1,00")])
            .await;
        assert_eq!(low.status, 422);
        assert_eq!(low.field_errors(), ["reserve_budget"]);
        assert!(low.has("1,00"), "{low:?}");
        let check = app.store.funds_check(w.program).await.unwrap();
        assert!(check.balanced(), "{check:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_manual_load_form_sent_twice_loads_once() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let holder = w.card.participant.expect("the card's holder");
        let page_path = w.program_page(&format!("/participants/{holder}"));
        let funded = op
            .send(&w.program_page("/reserve"), &[("reserve_budget", "50,00")])
            .await;
        assert_eq!(funded.status, 303, "{funded:?}");
        let once = op.page(&page_path).await.value_of("adjust_once");
        assert!(once.len() >= 16, "the form carries a one-time key");
        let group = w.fruits.to_string();
        let load = |once: String| {
            let (op, group, path) = (&op, group.clone(), format!("{page_path}/ajuster"));
            async move {
                op.send(
                    &path,
                    &[
                        ("adjust_group", group.as_str()),
                        ("adjust_amount", "10,00"),
                        ("adjust_reason", "oubli"),
                        ("adjust_source", "reserve"),
                        ("adjust_once", once.as_str()),
                    ],
                )
                .await
            }
        };
        assert_eq!(w.balance(&app).await, 2000);
        // A double click: the same form twice loads once; the second says so.
        let first = load(once.clone()).await;
        assert_eq!(first.status, 303, "{first:?}");
        let second = load(once.clone()).await;
        assert_eq!(second.status, 303, "{second:?}");
        assert_eq!(w.balance(&app).await, 3000, "loaded once");
        let after = op.page(&second.location).await;
        assert_eq!(after.flash(), "flash-adjust-already", "{after:?}");
        // Both at the same instant: still once.
        let again = op.page(&page_path).await.value_of("adjust_once");
        assert_ne!(again, once, "a new page, a new key");
        let (a, b) = tokio::join!(load(again.clone()), load(again.clone()));
        assert_eq!((a.status, b.status), (303, 303), "{a:?} {b:?}");
        assert_eq!(w.balance(&app).await, 4000, "loaded once more");
        // A form without its key (an old page): refused, nothing loaded.
        let old = load(String::new()).await;
        assert_eq!(old.status, 422, "{old:?}");
        assert!(old.has_error("idempotency_key_reused"), "{old:?}");
        assert_eq!(w.balance(&app).await, 4000);
        let check = app.store.funds_check(w.program).await.unwrap();
        assert!(check.balanced(), "{check:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_disabled_card_stays_on_its_holders_page_with_working_actions() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        let holder = w.card.participant.expect("the card's holder");
        let page_path = format!(
            "/o/{}/programmes/{}/participants/{holder}",
            w.partner.id, w.program
        );
        let off = staff.send(&format!("{page_path}/desactiver"), &[]).await;
        assert_eq!(off.status, 303, "{off:?}");
        let page = staff.page(&page_path).await;
        assert!(
            page.has(w.card.number.grouped().as_str()) && page.has("card-disabled"),
            "the disabled card vanished: {page:?}"
        );
        // "Give a card" is refused while it is there.
        let again = staff
            .send(&format!("{page_path}/carte"), &[("card", "")])
            .await;
        assert_eq!(again.status, 422, "{again:?}");
        // Enable works from the page, and so does reporting it lost.
        assert_eq!(
            staff
                .send(&format!("{page_path}/activer"), &[])
                .await
                .status,
            303
        );
        assert_eq!(
            staff
                .send(&format!("{page_path}/desactiver"), &[])
                .await
                .status,
            303
        );
        let lost = staff
            .send(&format!("{page_path}/perdue"), &[("card", "")])
            .await;
        assert_eq!(lost.status, 303, "{lost:?}");
        assert_eq!(w.balance(&app).await, 0, "the funds moved to the new card");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_schedule_api_refuses_a_type_and_group_given_twice_with_a_422() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let token = app
            .token(w.operator.id, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let api = app.api(&token);
        let t = app.store.participant_types(w.program).await.unwrap()[0].id;
        let amount = json!({"participant_type_id": t.0, "product_group_id": w.fruits.0, "amount_cents": 1000});
        let body = json!({
            "name": "Été", "starts_on": "2026-06-01", "ends_on": "2026-08-31",
            "moment": "first_of_month", "max_loads": 3, "carry_over": true, "usage_based": false,
            "amounts": [amount, amount],
        });
        let res = api
            .post_json(
                &format!(
                    "/organizations/{}/programs/{}/allocation-schedules",
                    w.operator.id, w.program
                ),
                &body,
            )
            .await;
        assert_eq!(
            (res.status, res.code()),
            (422, "duplicate_amount"),
            "{res:?}"
        );
        let _ = Cents(0);
        app.stop().await;
    }
}
