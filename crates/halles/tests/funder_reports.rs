//! The reports funders ask for (issue 16), end to end on SQLite and PostgreSQL: every coupon
//! report export is a workbook of typed cells (amounts and counts are numbers, dates are dates)
//! with a total row, read back with calamine; the report's counts, charts (SVG with a title, a
//! description and the figures in a table), the envelope history on pages and in the API; the
//! monthly report e-mailed by the worker to those who asked, once.

mod support;

use calamine::{Data, Reader, Xlsx};
use halles_core::organizations::Scope;
use std::io::Cursor;
use support::Browser;
use support::TestApp;
use support::mail::about;
use support::world::{World, people};

/// A download's sheet, read back by calamine.
async fn workbook(who: &Browser, path: &str) -> calamine::Range<Data> {
    let res = who.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    book.worksheet_range(&name).unwrap()
}

/// The column of `title` in the header row.
fn column(range: &calamine::Range<Data>, title: &str) -> usize {
    (0..range.width())
        .find(|c| range.get_value((0, *c as u32)).map(|v| v.to_string()) == Some(title.into()))
        .unwrap_or_else(|| panic!("no column {title}"))
}

/// The cell at a row and a column, as found.
fn cell(range: &calamine::Range<Data>, row: usize, col: usize) -> Data {
    range
        .get_value((row as u32, col as u32))
        .cloned()
        .unwrap_or(Data::Empty)
}

/// The last row: the total.
fn last(range: &calamine::Range<Data>) -> usize {
    range.height() - 1
}

#[tokio::test]
async fn every_coupon_export_is_a_workbook_of_typed_cells_with_a_total_row() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        w.a_month_of_sales(&app).await;
        let op = app.logged_in(people::OPERATOR).await;

        // The report by market: amounts and counts are numbers; the total row is the
        // program's own figures (the loads have no market: their row has none).
        let report = workbook(&op, &w.program_page("/rapports?by=market&format=xlsx")).await;
        let spent = column(&report, "Dépensé");
        let purchases = column(&report, "Achats");
        let basket = column(&report, "Panier moyen");
        let market_row = (1..report.height())
            .find(|r| cell(&report, *r, 0) == Data::String("Marché".into()))
            .unwrap();
        assert_eq!(cell(&report, market_row, spent), Data::Float(9.5));
        assert_eq!(cell(&report, market_row, purchases), Data::Float(3.0));
        let total = last(&report);
        assert_eq!(cell(&report, total, 0).to_string(), "Total");
        assert_eq!(cell(&report, total, spent), Data::Float(9.5));
        assert_eq!(cell(&report, total, purchases), Data::Float(3.0));
        // $9.50 over 3 purchases: $3.17.
        assert_eq!(cell(&report, total, basket), Data::Float(3.17));
        let loaded = column(&report, "Versé");
        assert_eq!(cell(&report, total, loaded), Data::Float(0.0));
        let adjusted = column(&report, "Ajustements et cartes-cadeaux");
        assert_eq!(cell(&report, total, adjusted), Data::Float(20.0));

        // The CSV keeps its text cells, the counts after the amounts, the total row last.
        let csv = op
            .page(&w.program_page("/rapports?by=market&format=csv"))
            .await
            .html;
        assert!(
            csv.contains("Marché,0.00,0.00,9.50,1.50,0.00,-8.00,8.00,3,1,1,1,3.17"),
            "{csv}"
        );
        assert!(
            csv.trim_end()
                .ends_with("Total,0.00,20.00,9.50,1.50,0.00,12.00,8.00,3,1,1,1,3.17"),
            "{csv}"
        );

        // The transaction log: instants are dates, amounts numbers; the total is their sum
        // (what is left on cards) as a formula.
        let log = workbook(&op, &w.program_page("/mouvements?format=xlsx")).await;
        assert!(
            matches!(cell(&log, 1, 0), Data::DateTime(_)),
            "{:?}",
            cell(&log, 1, 0)
        );
        let amount = column(&log, "Montant");
        assert!(matches!(cell(&log, 1, amount), Data::Float(_)));
        let total = last(&log);
        assert_eq!(cell(&log, total, 0).to_string(), "Total");
        assert_eq!(cell(&log, total, amount), Data::Float(12.0));

        // Card balances: per group and total, summed.
        let balances = workbook(&op, &w.program_page("/soldes?format=xlsx")).await;
        let total = last(&balances);
        assert_eq!(cell(&balances, total, 0).to_string(), "Total");
        assert_eq!(
            cell(&balances, total, balances.width() - 1),
            Data::Float(12.0)
        );

        // The participant export carries each one's balances per group and in all.
        let people = workbook(&op, &w.program_page("/participants/exporter?format=xlsx")).await;
        let all = column(&people, "Solde total");
        assert_eq!(cell(&people, 1, all), Data::Float(12.0));
        let consent = column(&people, "Date du consentement");
        assert!(matches!(cell(&people, 1, consent), Data::DateTime(_)));
        assert_eq!(cell(&people, last(&people), all), Data::Float(12.0));

        // English readers get English headers; the cells are the same numbers.
        app.stop().await;
    }
}

#[tokio::test]
async fn the_report_page_shows_counts_charts_and_envelope_histories_also_in_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        w.a_month_of_sales(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let page = op.page(&w.program_page("/rapports?by=market")).await;
        assert_eq!(page.status, 200);
        assert!(
            page.has(r#"id="freport-total-purchases">3<"#),
            "{}",
            page.html
        );
        assert!(page.has(r#"id="freport-total-participants">1<"#));
        // Three charts, each an image with a title and a description, and its table.
        for id in [
            "freport-chart-month",
            "freport-chart-market",
            "freport-chart-group",
        ] {
            assert!(
                page.has(&format!(
                    r#"<svg role="img" aria-labelledby="{id}-t {id}-d""#
                )),
                "{id}"
            );
            assert!(page.has(&format!(r#"<title id="{id}-t">"#)));
            assert!(page.has(&format!(r#"<desc id="{id}-d">"#)));
        }
        assert!(page.has("Dépenses par marché"));
        // No script and no outside asset in the charts.
        let charts = &page.html[page.html.find("freport-chart-month").unwrap()..];
        assert!(!charts.contains("<script") && !charts.contains("href=\"http"));
        // The month's bar and its figure: November 2026, $8.00 net.
        assert!(page.has("novembre 2026"));
        // The reserve's history: funded $20, $20 drawn onto the card.
        let history = op
            .page(&w.program_page("/rapports/enveloppes?envelope=reserve"))
            .await;
        assert_eq!(history.status, 200);
        assert!(history.has_status("funding") && history.has_status("manual_load"));
        assert!(history.has(r#"data-balance="0""#));
        let xlsx = workbook(
            &op,
            &w.program_page("/rapports/enveloppes?envelope=reserve&format=xlsx"),
        )
        .await;
        assert_eq!(cell(&xlsx, 1, 2), Data::Float(20.0));
        assert_eq!(cell(&xlsx, 2, 2), Data::Float(-20.0));
        assert_eq!(cell(&xlsx, last(&xlsx), 4), Data::Float(0.0));
        // An envelope of another program, or none: 404.
        assert_eq!(
            op.page(&w.program_page("/rapports/enveloppes?envelope=999999"))
                .await
                .status,
            404
        );
        assert_eq!(
            op.page(&w.program_page("/rapports/enveloppes?envelope=x"))
                .await
                .status,
            404
        );
        // The market reads its counts, not the reserve.
        let market = app.logged_in(people::MARKET_ADMIN).await;
        let own = format!("/o/{}/programmes/{}/rapports", w.market.id, w.program);
        assert!(
            market
                .page(&own)
                .await
                .has(r#"id="freport-total-purchases">3<"#)
        );
        let reserve = format!("{own}/enveloppes?envelope=reserve");
        assert_eq!(market.page(&reserve).await.status, 404);

        // The API: the same figures, and the reserve's history.
        let api = app.api(&app.token(w.operator.id, &[Scope::CouponsRead]).await);
        let base = format!("/organizations/{}/programs/{}", w.operator.id, w.program);
        let r = api.get(&format!("{base}/reports?by=market")).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["by"], "market");
        assert_eq!(r.body["total"]["purchases"], 3);
        assert_eq!(r.body["total"]["participants"], 1);
        assert_eq!(r.body["total"]["average_basket_cents"], 317);
        assert_eq!(r.body["total"]["spent_cents"], 950);
        let row = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["key"] == w.market.id.0)
            .unwrap();
        assert_eq!(row["totals"]["markets"], 1);
        let bad = api.get(&format!("{base}/reports?by=colour")).await;
        assert_eq!(bad.field_error(), (422, "by", "choice_invalid"));
        let bad = api.get(&format!("{base}/reports?from=hier")).await;
        assert_eq!(bad.field_error(), (422, "from", "date_invalid"));
        let h = api.get(&format!("{base}/reserve/history")).await;
        assert_eq!(h.status, 200);
        let kinds: Vec<_> = h.list().iter().map(|m| m["kind"].clone()).collect();
        assert_eq!(kinds, ["funding", "manual_load"]);
        assert_eq!(h.list()[1]["balance_cents"], 0);
        let none = api.get(&format!("{base}/envelopes/999999/history")).await;
        assert_eq!(none.status, 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_monthly_report_is_mailed_on_the_first_to_those_who_asked_once() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        w.a_month_of_sales(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let page = op.page(&w.program_page("/rapports")).await;
        assert!(page.has("freport-monthly"));
        let asked = op
            .send(&w.program_page("/rapports/envoi-mensuel"), &[("on", "1")])
            .await;
        assert_eq!(asked.status, 303);
        assert_eq!(
            op.page(&asked.location).await.flash(),
            "freport-flash-monthly-on"
        );
        assert!(
            op.page(&w.program_page("/rapports"))
                .await
                .has(r#"name="on" value="1" aria-describedby="freport-monthly-hint" checked"#)
        );
        // A market does not get the form, nor may it ask.
        let market = app.logged_in(people::MARKET_ADMIN).await;
        let own = format!("/o/{}/programmes/{}/rapports", w.market.id, w.program);
        assert!(!market.page(&own).await.has("freport-monthly-hint"));
        assert_eq!(
            market
                .send(&format!("{own}/envoi-mensuel"), &[("on", "1")])
                .await
                .status,
            404
        );
        // Still November, and October ended before they asked: nothing goes out.
        halles::worker::on_time(&app.store, &app.url).await;
        app.run_jobs().await;
        assert!(
            app.mail_to(people::OPERATOR)
                .await
                .iter()
                .all(|m| !m.subject.contains("Rapport mensuel"))
        );
        // December 1st: November's report, with its figures and links, once even if the
        // worker runs again (or restarts).
        app.clock.set("2026-12-01T17:00:00Z".parse().unwrap());
        for _ in 0..2 {
            halles::worker::on_time(&app.store, &app.url).await;
            app.run_jobs().await;
        }
        let mail = app.mail_to(people::OPERATOR).await;
        let monthly: Vec<_> = mail
            .iter()
            .filter(|m| m.subject.contains("Rapport mensuel"))
            .collect();
        assert_eq!(monthly.len(), 1, "{mail:?}");
        let m = about(&mail, "Rapport mensuel");
        assert!(m.subject.contains("novembre 2026"), "{}", m.subject);
        assert!(m.body.contains("Achats : 3"), "{}", m.body);
        assert!(m.body.contains("Panier moyen : 3,17"), "{}", m.body);
        assert!(
            m.body.contains(&format!(
                "/o/{}/programmes/{}/rapports?by=market&from=2026-11-01&to=2026-11-30&format=xlsx",
                w.operator.id, w.program
            )),
            "{}",
            m.body
        );
        // The link opens the workbook for the signed-in reader.
        let xlsx = workbook(
            &op,
            &w.program_page("/rapports?by=market&from=2026-11-01&to=2026-11-30&format=xlsx"),
        )
        .await;
        assert_eq!(cell(&xlsx, last(&xlsx), 0).to_string(), "Total");
        // Stopped: December's report finds nobody.
        let stopped = op
            .send(&w.program_page("/rapports/envoi-mensuel"), &[])
            .await;
        assert_eq!(stopped.status, 303);
        assert_eq!(
            op.page(&stopped.location).await.flash(),
            "freport-flash-monthly-off"
        );
        app.stop().await;
    }
}
