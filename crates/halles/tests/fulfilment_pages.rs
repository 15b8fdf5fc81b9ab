//! Fulfilment through the real pages, worker and mail, on SQLite and (when configured)
//! PostgreSQL: the hub sends purchase orders (read back as PDF), receives with a refused row
//! then right, settles a shortage (the buyer is told), the farmer weighs its chickens on its
//! own page, the hub packs, prints labels whose every code decodes (zbarimg) to a value that
//! finds its case, plans its route, delivers (the buyer is told), and finds who received a lot.

mod support;

use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role};
use halles_core::pricing::BuyerType;
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::hub::orders::OrderInput;
use jiff::SignedDuration;
use std::process::Command;
use support::TestApp;
use support::mail::about;
use support::world::{people, scope};

const HOSPITAL: &str = "cuisine@hopital.example";

fn product(name: &str, unit: SaleUnit) -> ProductInput {
    ProductInput {
        name_fr: name.into(),
        name_en: String::new(),
        category: Category::Vegetables,
        description: String::new(),
        unit,
        unit_detail: String::new(),
        catch_weight: false,
        est_weight_g: None,
        tax_class: TaxClass::ZeroRated,
        origin: Origin::QuebecGrown,
        region: String::new(),
        certifications: vec![],
        organic_certifier: String::new(),
        active: true,
        details: Default::default(),
    }
}

/// Runs a tool on a file; `None` when the tool is missing (required when
/// `HALLES_REQUIRE_TOOLS` is set).
fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(_) if std::env::var_os("HALLES_REQUIRE_TOOLS").is_none() => {
            eprintln!("{name} is not installed: skipped");
            None
        }
        Err(e) => panic!("{name} is required: {e}"),
    }
}

/// Writes bytes to a file of the test's own folder.
fn file(name: &str, bytes: &[u8]) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("halles-fulfilment");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
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
        let hub = app.org(OrgKind::Hub, "Pôle Nord").await;
        let farm = app.org(OrgKind::Producer, "Ferme Lavoie").await;
        let hospital = app.org(OrgKind::Buyer, "Hôpital Sainte-Anne").await;
        app.user(people::COORDINATOR, Some((hub.id, Role::Admin)))
            .await;
        app.user(people::FARMER, Some((farm.id, Role::Admin))).await;
        app.user(HOSPITAL, Some((hospital.id, Role::Staff))).await;
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        app.store.link_producer(&h, farm.id).await.unwrap();
        app.store
            .link_buyer(&h, hospital.id, BuyerType::Institution)
            .await
            .unwrap();
        let new = |input: ProductInput| {
            let store = app.store.clone();
            async move {
                store
                    .create_product(&scope(farm.id), &input)
                    .await
                    .unwrap()
                    .id
            }
        };
        let carrots = new(product("Carottes", SaleUnit::Kg)).await;
        let chicken = new(ProductInput {
            catch_weight: true,
            est_weight_g: Some(2000),
            ..product("Poulet entier", SaleUnit::Each)
        })
        .await;
        let now = app.store.now();
        let day: jiff::civil::Date =
            halles_core::ordering::local_day(now + SignedDuration::from_hours(96));
        let cycle = app
            .store
            .create_cycle(
                &h,
                &CycleInput {
                    name: "Semaine 49".into(),
                    opens_at: now + SignedDuration::from_hours(1),
                    closes_at: now + SignedDuration::from_hours(72),
                    delivery_days: vec![day],
                    delivery_note: String::new(),
                    order_fee: Cents(0),
                    producers: vec![farm.id],
                    locations: vec![LocationInput {
                        kind: "delivery".into(),
                        name: "Montréal".into(),
                        fee: Cents(0),
                        min_order: Cents(0),
                    }],
                },
            )
            .await
            .unwrap();
        let grid = app.store.hub_scope(&scope(farm.id), hub.id).await.unwrap();
        app.store
            .save_availability(
                &grid,
                cycle,
                farm.id,
                &[
                    (carrots, Some((Qty::units(100), Cents(250)))),
                    (chicken, Some((Qty::units(10), Cents(1200)))),
                ],
            )
            .await
            .unwrap();
        app.clock.advance(SignedDuration::from_hours(2));
        app.store.advance_cycles().await.unwrap();
        let loc = app.store.cycle(&h, cycle).await.unwrap().locations[0].id;
        let buyer = app
            .store
            .hub_scope(&scope(hospital.id), hub.id)
            .await
            .unwrap();
        let order = app
            .store
            .place_order(
                &buyer,
                cycle,
                &OrderInput {
                    buyer: hospital.id,
                    location: Some(loc),
                    delivery_day: None,
                    po_number: "HSA-1".into(),
                    note: "Quai B".into(),
                    lines: vec![(carrots, Qty::units(30)), (chicken, Qty::units(2))],
                },
            )
            .await
            .unwrap();
        // The cut-off; the worker issues the purchase order and the farmer gets it.
        app.clock.advance(SignedDuration::from_hours(71));
        halles::worker::on_time(&app.store, &app.url).await;
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
        let mut named = fields("Mme Tremblay");
        named[2].1 = &route_s;
        named[3].1 = &day_s;
        assert_eq!(coord.upload(&mark, &named, no_photo()).await.status, 303);
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
