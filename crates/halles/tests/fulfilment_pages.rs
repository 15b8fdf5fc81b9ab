//! Fulfilment through the real pages, worker and mail, on SQLite and (when configured)
//! PostgreSQL: the hub sends purchase orders (read back as PDF), receives with a refused row
//! then right, settles a shortage (the buyer is told), the farmer weighs its chickens on its
//! own page, the hub packs, prints labels whose every code decodes (zbarimg) to a value that
//! finds its case, plans its route, delivers (the buyer is told), and finds who received a lot.

mod support;

use halles_core::money::Cents;
use support::TestApp;
use support::mail::about;
use support::week::{CutOffWeek, HOSPITAL, WeekSetup, chicken};
use support::world::people;

use support::pdf::tool;

/// Writes bytes to a file of the test's own folder.
fn file(name: &str, bytes: &[u8]) -> String {
    support::pdf::file("halles-fulfilment", name, bytes)
}

/// The text of a PDF, by pdftotext.
fn pdf_text(name: &str, pdf: &[u8]) -> Option<String> {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let path = file(name, pdf);
    tool("pdftotext", &["-layout", &path, "-"])
}

#[tokio::test]
async fn a_hub_runs_its_week_after_the_cut_off_from_its_pages() {
    for app in TestApp::on_every_db().await {
        let w = CutOffWeek::build(
            &app,
            WeekSetup {
                cycle_name: "Semaine 49",
                chicken: chicken(),
                po_number: "HSA-1",
                note: "Quai B",
            },
        )
        .await;
        let CutOffWeek {
            hub,
            farm,
            hospital,
            h,
            buyer,
            chicken,
            cycle,
            day,
            order,
            ..
        } = w;
        // The cut-off passed; the worker issued the purchase order and the farmer gets it.
        app.run_jobs().await;
        let mail = app.mail_to(people::FARMER).await;
        let po_mail = about(&mail, "Bon de commande de Pôle Nord");
        assert!(po_mail.body.contains("30 kg Carottes"), "{}", po_mail.body);

        let coord = app.logged_in(people::COORDINATOR).await;
        let prep = format!("/o/{}/cycles/{cycle}/preparation", hub.id);
        let page = coord.page(&prep).await;
        assert_eq!(page.status, 200);
        assert!(
            page.html.contains("data-status=\"issued\""),
            "{}",
            page.html
        );
        // The purchase order as a PDF.
        let po = format!(
            "/o/{}/cycles/{cycle}/preparation/bons-de-commande/{}?jour={day}&format=pdf",
            hub.id, farm.id
        );
        let res = coord.get(&po).await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        if let Some(text) = pdf_text("po.pdf", &bytes) {
            assert!(text.contains("Bon de commande BC-"), "{text}");
            assert!(text.contains("Ferme Lavoie"), "{text}");
            assert!(text.contains("Carottes"), "{text}");
            assert!(text.contains("30 kg"), "{text}");
            assert!(text.contains("Page 1 de 1"), "{text}");
        }

        // Receiving: a malformed lot comes back with the row's message and what was typed.
        let receive = format!(
            "/o/{}/cycles/{cycle}/preparation/reception/{}?jour={day}",
            hub.id, farm.id
        );
        let form = coord.page(&receive).await;
        assert_eq!(form.status, 200);
        let bad = coord
            .send(
                &receive,
                &[
                    ("lines[0].quantity", "28"),
                    ("lines[0].lot_code", "LOT 49"),
                    ("lines[1].quantity", "2"),
                    ("lines[1].lot_code", ""),
                    ("lines[1].best_before", "demain"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(
            bad.html.contains("data-error=\"lot_code_invalid\""),
            "{}",
            bad.html
        );
        assert!(
            bad.html.contains("data-error=\"date_invalid\""),
            "{}",
            bad.html
        );
        assert!(bad.html.contains("value=\"LOT 49\""));
        assert!(app.store.lots(&h, Some(cycle)).await.unwrap().is_empty());
        let ok = coord
            .send(
                &receive,
                &[
                    ("lines[0].quantity", "28"),
                    ("lines[0].lot_code", "CAR-49"),
                    ("lines[0].best_before", "2027-01-10"),
                    ("lines[1].quantity", "2"),
                    ("lines[1].lot_code", ""),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.html);

        // 2 kg of carrots short: the hub reduces the line, and the hospital is told.
        let shortages = app.store.shortages(&h, cycle).await.unwrap();
        assert_eq!(shortages.len(), 1);
        let settle = format!(
            "/o/{}/cycles/{cycle}/preparation/manques/{}",
            hub.id, shortages[0].line
        );
        assert_eq!(
            coord.send(&settle, &[("choice", "reduce")]).await.status,
            303
        );
        halles::worker::on_time(&app.store, &app.url).await;
        app.run_jobs().await;
        let mail = app.mail_to(HOSPITAL).await;
        let adjusted = about(&mail, &format!("Commande n° {order} ajustée"));
        assert!(
            adjusted.body.contains("28 kg Carottes"),
            "{}",
            adjusted.body
        );
        assert!(
            adjusted.body.contains("commandé : 30 kg"),
            "{}",
            adjusted.body
        );

        // The farmer weighs its chickens on its own page; a far weight asks for a confirmation.
        let farmer = app.logged_in(people::FARMER).await;
        let mine = format!("/o/{}/bons-de-commande/{}/{cycle}", farm.id, hub.id);
        let page = farmer.page(&mine).await;
        assert_eq!(page.status, 200);
        let weigh = page.link(&format!(
            "/o/{}/bons-de-commande/{}/pesees/",
            farm.id, hub.id
        ));
        let far = farmer
            .send(
                &weigh,
                &[
                    ("cycle", &cycle.to_string()),
                    ("weights", "3000"),
                    ("weights", "3100"),
                ],
            )
            .await;
        assert_eq!(far.status, 422);
        assert!(
            far.html.contains("data-error=\"weight_out_of_tolerance\""),
            "{}",
            far.html
        );
        let done = farmer
            .send(
                &weigh,
                &[
                    ("cycle", &cycle.to_string()),
                    ("weights", "2100"),
                    ("weights", "1 950"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.html);
        let o = app.store.order(&buyer, order).await.unwrap();
        let line = o.lines.iter().find(|l| l.product.id == chicken).unwrap();
        // 4.05 kg × $12.00.
        assert_eq!(line.total(), Cents(4_860));

        // Packing: chickens in case 2; then the labels, every code decoded.
        let pack = format!("/o/{}/cycles/{cycle}/preparation/emballage/{order}", hub.id);
        let page = coord.page(&pack).await;
        assert_eq!(page.status, 200);
        assert!(page.html.contains("CAR-49"), "{}", page.html);
        let case_chicken = format!("case[{}]", line.id);
        let packed = coord.send(&pack, &[(&case_chicken, "2")]).await;
        assert_eq!(packed.status, 303, "{}", packed.html);
        let p = app.store.packing_order(&h, order).await.unwrap();
        assert_eq!(p.cases.len(), 2);
        let labels = format!(
            "/o/{}/cycles/{cycle}/preparation/documents/etiquettes?jour={day}",
            hub.id
        );
        let res = coord.get(&labels).await;
        assert_eq!(res.status(), 200);
        let pdf = res.bytes().await.unwrap();
        let path = file("labels.pdf", &pdf);
        if tool(
            "pdftoppm",
            &["-r", "300", "-png", &path, &format!("{path}-page")],
        )
        .is_some()
        {
            let png = format!("{path}-page-1.png");
            if let Some(out) = tool("zbarimg", &["--raw", "-q", &png]) {
                for c in &p.cases {
                    assert!(out.lines().any(|l| l == c.code), "{} not in {out}", c.code);
                    // The decoded value finds its case on the packing page.
                    let found = coord
                        .get(&format!(
                            "/o/{}/cycles/{cycle}/preparation/caisse?code={}",
                            hub.id, c.code
                        ))
                        .await;
                    assert_eq!(found.status(), 303);
                    let to = support::location(&found);
                    assert!(to.starts_with(&pack), "{to}");
                }
            }
        }
        let zpl = coord
            .get(&format!(
                "/o/{}/cycles/{cycle}/preparation/documents/etiquettes-zpl?jour={day}",
                hub.id
            ))
            .await
            .text()
            .await
            .unwrap();
        for c in &p.cases {
            assert!(zpl.contains(&c.code), "{zpl}");
        }
        let list = coord
            .get(&format!(
                "/o/{}/cycles/{cycle}/preparation/documents/emballage?jour={day}",
                hub.id
            ))
            .await;
        assert_eq!(list.status(), 200);
        if let Some(text) = pdf_text("packing.pdf", &list.bytes().await.unwrap()) {
            assert!(text.contains("Hôpital Sainte-Anne"), "{text}");
            assert!(text.contains("CAR-49"), "{text}");
            assert!(text.contains("2100 g"), "{text}");
        }

        // Delivery: a route, the hospital on it, the stop planned, delivered to Mme Tremblay.
        let routes = format!("/o/{}/tournees", hub.id);
        assert_eq!(coord.send(&routes, &[("name", "")]).await.status, 422);
        assert_eq!(coord.send(&routes, &[("name", "Nord")]).await.status, 303);
        let route = app.store.routes(&h).await.unwrap()[0].id;
        let place = format!("place[{}]", hospital.id);
        assert_eq!(
            coord
                .send(&format!("{routes}/{route}"), &[(&place, "1")])
                .await
                .status,
            303
        );
        let plan = format!("/o/{}/cycles/{cycle}/preparation/tournees", hub.id);
        assert_eq!(
            coord
                .send(&plan, &[("jour", &day.to_string())])
                .await
                .status,
            303
        );
        let manifest = format!("{plan}/{route}?jour={day}");
        let page = coord.page(&manifest).await;
        assert!(page.html.contains("Hôpital Sainte-Anne"), "{}", page.html);
        let mark = page.link(&format!("/o/{}/cycles/{cycle}/preparation/arrets/", hub.id));
        let fields = |recipient: &'static str| {
            vec![
                ("outcome", "livre"),
                ("recipient", recipient),
                ("route", "R"),
                ("jour", "J"),
            ]
        };
        let mut blank = fields(" ");
        let route_s = route.to_string();
        let day_s = day.to_string();
        blank[2].1 = &route_s;
        blank[3].1 = &day_s;
        // The driver's form is multipart (it may carry a photo); none is chosen here.
        let no_photo = || ("photo", "", Vec::new());
        let refused = coord.upload(&mark, &blank, no_photo()).await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.html.contains("data-error=\"recipient_required\""),
            "{}",
            refused.html
        );
        // A file that is not a picture is refused beside the missing name, not instead of it.
        let garbage = || ("photo", "livraison.jpg", b"pas une photo".to_vec());
        let refused = coord.upload(&mark, &blank, garbage()).await;
        assert_eq!(refused.status, 422);
        for code in ["recipient_required", "photo_unreadable"] {
            assert!(
                refused.html.contains(&format!("data-error=\"{code}\"")),
                "{code}: {}",
                refused.html
            );
        }
        let mut named = fields("Mme Tremblay");
        named[2].1 = &route_s;
        named[3].1 = &day_s;
        assert_eq!(coord.upload(&mark, &named, no_photo()).await.status, 303);
        // The hub adds the photo once the stop is marked (the driver had no signal), then
        // replaces it; a file that is not a picture keeps the one there.
        let page = coord.page(&manifest).await;
        let prefix = format!("/o/{}/cycles/{cycle}/preparation/arrets/", hub.id);
        let photo = page
            .html
            .match_indices(&prefix)
            .filter_map(|(at, _)| page.html[at..].split('"').next())
            .find(|link| link.ends_with("/photo"))
            .unwrap_or_else(|| panic!("no photo form in {}", page.html))
            .to_owned();
        let back = [("route", route_s.as_str()), ("jour", day_s.as_str())];
        let sent = coord
            .upload(&photo, &back, ("photo", "bon.png", support::png(40, 30)))
            .await;
        assert_eq!(sent.status, 303);
        let first = coord.get(&photo).await.bytes().await.unwrap();
        assert!(first.starts_with(&[0xFF, 0xD8, 0xFF]));
        let refused = coord.upload(&photo, &back, garbage()).await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.html.contains("data-error=\"photo_unreadable\""),
            "{}",
            refused.html
        );
        let sent = coord
            .upload(&photo, &back, ("photo", "bon.png", support::png(80, 60)))
            .await;
        assert_eq!(sent.status, 303);
        let second = coord.get(&photo).await.bytes().await.unwrap();
        assert_ne!(first, second, "the photo was replaced");
        halles::worker::on_time(&app.store, &app.url).await;
        app.run_jobs().await;
        let mail = app.mail_to(HOSPITAL).await;
        let delivered = about(&mail, &format!("Commande n° {order} livrée"));
        assert!(
            delivered.body.contains("Mme Tremblay"),
            "{}",
            delivered.body
        );

        // Recall: the carrots' lot was received by the hospital, and its CSV says so.
        let found = coord
            .get(&format!("/o/{}/stock/rappel?lot=car-49", hub.id))
            .await;
        assert_eq!(found.status(), 303);
        let lot = support::location(&found);
        let csv = coord
            .get(&format!("{lot}?format=csv"))
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains("CAR-49"), "{csv}");
        assert!(csv.contains("Hôpital Sainte-Anne"), "{csv}");
        assert!(csv.contains(",28,"), "{csv}");
        app.stop().await;
    }
}
