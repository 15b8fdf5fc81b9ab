//! The rest of a hub's week, through the real pages and API on SQLite and (when configured)
//! PostgreSQL: a product the producer brought beyond its purchase order is received (every
//! row's problem at once first, nothing recorded), producers' product labels are printed by
//! the hub and by the producer, rasterized and decoded by zbar and ZXing (GS1-128 reported as
//! GS1, element strings parsed, GTIN check digits right, ZPL `^FD` data equal to the PDF's
//! codes; a product without a GTIN carries its lot as Code 128), and the driver's photo of a
//! delivery is refused when it is not a picture, then kept, shown to the hub and to the buyer
//! only.

mod support;

#[path = "../../halles-docs/tests/common/mod.rs"]
mod docs_common;

use docs_common::{Decoded, LABEL_TOOLS, page_count, rasterize, tools_ready, write, zbar, zxing};
use halles_core::catalog::SaleUnit;
use halles_core::organizations::{OrgKind, Scope};
use halles_core::pricing::BuyerType;
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_docs::gs1::{self, Element, GS};
use serde_json::json;
use support::TestApp;
use support::week::{CutOffWeek, HOSPITAL, WeekSetup, chicken, new_product, product};
use support::world::people;

const DIR: &str = "halles-product-labels";
/// The chicken's GTIN-13 (check digit right).
const GTIN: &str = "0614141000012";

/// The codes a ZPL document's `^BC` fields carry, read as a scanner would (`>;` set C, `>:`
/// set B, a leading `>8` FNC1 making it GS1, a later one a group separator), sorted.
fn zpl_codes(zpl: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = zpl
        .split("^XA")
        .skip(1)
        .filter_map(|label| {
            let line = label.lines().find(|l| l.contains("^BC"))?;
            let data = &line[line.find("^FD")? + 3..line.rfind("^FS")?];
            let (mut text, mut gs1, mut set_c) = (String::new(), false, false);
            let mut chars = data.chars();
            while let Some(c) = chars.next() {
                match (c, set_c) {
                    ('>', _) => match chars.next() {
                        Some(';' | '5') => set_c = true,
                        Some(':' | '6') => set_c = false,
                        Some('8') if text.is_empty() => gs1 = true,
                        Some('8') => text.push(GS),
                        other => panic!("unexpected >{other:?} in {data}"),
                    },
                    (c, true) => {
                        text.push(c);
                        text.extend(chars.next());
                    }
                    (c, false) => text.push(c),
                }
            }
            Some((text, gs1))
        })
        .collect();
    out.sort();
    out
}

/// Decodes every page of a label PDF with zbar and, for one label a page, ZXing (Debian's
/// ZXing 1.4 aborts on an assertion when a page holds the same linear code twice, as a letter
/// sheet of one lot's units does): they must agree, ZXing must call the GTIN labels' codes
/// GS1, their element strings must parse with right check digits, and the ZPL must carry the
/// very same codes (on a letter sheet, each code once: zbar reports a code once per page).
/// Answers the codes, sorted, with whether each is GS1.
fn assert_labels_scan(
    name: &str,
    pdf: &[u8],
    zpl: &str,
    one_per_page: bool,
) -> Vec<(String, bool)> {
    let path = write(DIR, name, pdf);
    let mut by_zbar = Vec::new();
    let mut by_zxing: Vec<Decoded> = Vec::new();
    for page in 1..=page_count(&path) {
        let png = rasterize(&path, page, DIR, &format!("{name}-{page}"));
        by_zbar.extend(zbar(&png));
        if one_per_page {
            by_zxing.extend(zxing(&png));
        }
    }
    let mut codes: Vec<(String, bool)> = by_zbar
        .iter()
        .map(|d| (d.text.clone(), d.text.starts_with("01")))
        .collect();
    codes.sort();
    if one_per_page {
        let mut by_zxing: Vec<(String, bool)> =
            by_zxing.iter().map(|d| (d.text.clone(), d.gs1)).collect();
        by_zxing.sort();
        assert_eq!(
            by_zxing, codes,
            "ZXing agrees with zbar on {name} and reports GS1"
        );
    }
    for (text, is_gs1) in &codes {
        if *is_gs1 {
            let elements = gs1::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let Element::Gtin(g) = &elements[0] else {
                panic!("{text} starts with its GTIN")
            };
            assert_eq!(&gs1::gtin14(g).expect("GTIN check digit"), g);
            assert_eq!(g, &gs1::gtin14(GTIN).unwrap());
        }
    }
    let mut in_zpl = zpl_codes(zpl);
    if !one_per_page {
        // zbar reports a code once per page, however many labels carry it.
        in_zpl.dedup();
        codes.dedup();
    }
    assert_eq!(in_zpl, codes, "ZPL ^FD data equal the PDF's codes");
    codes
}

#[tokio::test]
async fn product_labels_extra_receipts_and_delivery_photos_work_end_to_end() {
    let tools = tools_ready("product label read-back", LABEL_TOOLS);
    for app in TestApp::on_every_db().await {
        let mut gtin_chicken = chicken();
        gtin_chicken.details.gtin = Some(GTIN.parse().unwrap());
        let w = CutOffWeek::build(
            &app,
            WeekSetup {
                cycle_name: "Semaine 50",
                chicken: gtin_chicken,
                po_number: "",
                note: "",
            },
        )
        .await;
        let CutOffWeek {
            hub,
            farm,
            hospital,
            h,
            buyer,
            farm_scope: grid,
            chicken,
            cycle,
            day,
            order,
            ..
        } = w;
        let daycare = app.org(OrgKind::Buyer, "CPE Les Lucioles").await;
        app.store
            .link_buyer(&h, daycare.id, BuyerType::Institution)
            .await
            .unwrap();
        let garlic = new_product(
            &app,
            &farm,
            product("Ail", SaleUnit::Kg, TaxClass::ZeroRated),
        )
        .await;

        // Receiving with garlic beyond the purchase order: the first try has a problem on a
        // line of the order and one on the extra row, both shown, nothing recorded.
        let coord = app.logged_in(people::COORDINATOR).await;
        let receive = format!(
            "/o/{}/cycles/{cycle}/preparation/reception/{}?jour={day}",
            hub.id, farm.id
        );
        let form = coord.page(&receive).await;
        assert_eq!(form.status, 200);
        assert!(form.has(&format!("value=\"{garlic}\"")), "{}", form.html);
        let garlic_s = garlic.to_string();
        let bad = coord
            .send(
                &receive,
                &[
                    ("lines[0].quantity", "30"),
                    ("lines[0].lot_code", "LOT 50"),
                    ("lines[1].quantity", "2"),
                    ("lines[2].product", &garlic_s),
                    ("lines[2].quantity", "beaucoup"),
                    ("lines[3].product", ""),
                    ("lines[3].quantity", "4"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.html);
        let mut fields = bad.field_errors();
        fields.sort();
        assert_eq!(
            fields,
            ["lines[0].lot_code", "lines[2].quantity", "lines[3].product"],
            "{}",
            bad.html
        );
        assert!(bad.has_error("unknown_product"), "{}", bad.html);
        assert!(bad.has("value=\"beaucoup\""));
        assert!(app.store.lots(&h, Some(cycle)).await.unwrap().is_empty());
        let ok = coord
            .send(
                &receive,
                &[
                    ("lines[0].quantity", "30"),
                    ("lines[0].lot_code", "CAR-50"),
                    ("lines[1].quantity", "2"),
                    ("lines[1].packed_on", &day.to_string()),
                    ("lines[2].product", &garlic_s),
                    ("lines[2].quantity", "5"),
                    ("lines[2].lot_code", "AIL-50"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.html);
        let lots = app.store.lots(&h, Some(cycle)).await.unwrap();
        let ail = lots.iter().find(|l| l.code == "AIL-50").unwrap();
        // Free stock, usable for substitutions.
        assert_eq!((ail.received, ail.free()), (Qty::units(5), Qty::units(5)));

        // The API receives beyond the purchase order too, every problem at once.
        let token = app
            .token(hub.id, &[Scope::OrdersRead, Scope::OrdersWrite])
            .await;
        let api = app.api(&token);
        let receipts = format!("/organizations/{}/order-cycles/{cycle}/receipts", hub.id);
        let refused = api
            .post_json(
                &receipts,
                &json!({"producer_id": farm.id.0, "delivery_day": day.to_string(), "lines": [
                    {"product_id": garlic.0, "unit": "kg", "quantity": "0", "extra": true},
                    {"product_id": 999_999, "unit": "kg", "quantity": "1", "extra": true},
                    {"product_id": garlic.0, "unit": "kg", "quantity": "1"}]}),
            )
            .await;
        assert_eq!(refused.status, 422, "{:?}", refused.body);
        let mut codes: Vec<String> = refused.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["field"].as_str().unwrap(),
                    e["code"].as_str().unwrap()
                )
            })
            .collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                "lines[0].quantity qty_zero",
                "lines[1].product unknown_product",
                "lines[2].product not_on_purchase_order"
            ]
        );
        let taken = api
            .post_json(
                &receipts,
                &json!({"producer_id": farm.id.0, "delivery_day": day.to_string(), "lines": [
                    {"product_id": garlic.0, "unit": "kg", "quantity": "2.5", "extra": true}]}),
            )
            .await;
        assert_eq!(taken.status, 201, "{:?}", taken.body);
        assert_eq!(taken.body["lots"][0]["allocated"], "0");

        // The farmer weighs its two chickens; the hub packs.
        let o = app.store.order(&buyer, order).await.unwrap();
        let line = o.lines.iter().find(|l| l.product.id == chicken).unwrap();
        app.store
            .record_weights(&grid, line.id, &[2100, 1950], false)
            .await
            .unwrap();
        app.store.pack_order(&h, order, &[]).await.unwrap();

        // The hub's product labels: 4 lots (carrots, chickens, two of garlic) and 2 chickens.
        let docs = format!("/o/{}/cycles/{cycle}/preparation/documents", hub.id);
        let res = coord.get(&format!("{docs}/produits?jour={day}")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let letter = res.bytes().await.unwrap().to_vec();
        let thermal = coord
            .get(&format!("{docs}/produits?jour={day}&stock=thermique"))
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let zpl = coord
            .get(&format!("{docs}/produits-zpl?jour={day}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(zpl.matches("^XA").count(), 6, "{zpl}");
        assert!(
            zpl.contains("12,00"),
            "the hub's labels carry prices: {zpl}"
        );
        let chicken_lot = lots.iter().find(|l| l.product == chicken).unwrap();
        if tools {
            let codes = assert_labels_scan("hub-4x6.pdf", &thermal, &zpl, true);
            let mut once = codes.clone();
            once.dedup();
            assert_eq!(
                assert_labels_scan("hub-letter.pdf", &letter, &zpl, false),
                once
            );
            let date = format!("{:02}{:02}{:02}", day.year() % 100, day.month(), day.day());
            let gs1 = format!(
                "01{}13{date}10{}",
                gs1::gtin14(GTIN).unwrap(),
                chicken_lot.code
            );
            let generated = app
                .store
                .lots(&h, Some(cycle))
                .await
                .unwrap()
                .into_iter()
                .find(|l| l.product == garlic && l.code != "AIL-50")
                .unwrap()
                .code;
            let mut want = vec![
                ("AIL-50".to_owned(), false),
                (gs1.clone(), true),
                (gs1.clone(), true),
                (gs1, true),
                ("CAR-50".to_owned(), false),
                (generated, false),
            ];
            want.sort();
            assert_eq!(codes, want);
            // The decoded lot code finds its lot.
            let found = coord
                .get(&format!("/o/{}/stock/rappel?lot=CAR-50", hub.id))
                .await;
            assert_eq!(found.status(), 303);
        }

        // The producer prints its own products' labels, without prices, from its page and
        // through the API.
        let farmer = app.logged_in(people::FARMER).await;
        let mine = format!("/o/{}/bons-de-commande/{}/{cycle}", farm.id, hub.id);
        let page = farmer.page(&mine).await;
        let link = page.link(&format!("{mine}/etiquettes"));
        let own = farmer.get(&link).await;
        assert_eq!(own.status(), 200);
        assert!(own.bytes().await.unwrap().starts_with(b"%PDF-"));
        let own_zpl = farmer
            .get(&format!("{mine}/etiquettes?jour={day}&format=zpl"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(own_zpl.matches("^XA").count(), 6);
        assert!(!own_zpl.contains("12,00"), "{own_zpl}");
        let ftoken = app.token(farm.id, &[Scope::OrdersRead]).await;
        let fapi = app.api(&ftoken);
        let labels = format!(
            "/organizations/{}/hubs/{}/order-cycles/{cycle}/product-labels?delivery_day={day}&format=zpl",
            farm.id, hub.id
        );
        let r = fapi.get(&labels).await;
        assert_eq!(r.status, 200);
        // Another producer, or a buyer, reaches none of them.
        let btoken = app.token(hospital.id, &[Scope::OrdersRead]).await;
        let bapi = app.api(&btoken);
        let theirs = labels.replace(
            &format!("organizations/{}/", farm.id),
            &format!("organizations/{}/", hospital.id),
        );
        assert_eq!(bapi.get(&theirs).await.status, 404);
        let hub_labels = api
            .get(&format!(
                "/organizations/{}/order-cycles/{cycle}/documents/product-labels?delivery_day={day}&stock=thermal",
                hub.id
            ))
            .await;
        assert_eq!(hub_labels.status, 200);

        // Delivery with a photo: a file that is not a picture comes back with the message and
        // what was typed, nothing marked; then a real photo is kept.
        let routes = format!("/o/{}/tournees", hub.id);
        assert_eq!(coord.send(&routes, &[("name", "Nord")]).await.status, 303);
        let route = app.store.routes(&h).await.unwrap()[0].id;
        let place = format!("place[{}]", hospital.id);
        coord
            .send(&format!("{routes}/{route}"), &[(&place, "1")])
            .await;
        let plan = format!("/o/{}/cycles/{cycle}/preparation/tournees", hub.id);
        coord.send(&plan, &[("jour", &day.to_string())]).await;
        let manifest = format!("{plan}/{route}?jour={day}");
        let page = coord.page(&manifest).await;
        assert!(page.has("capture=\"environment\""), "{}", page.html);
        let mark = page.link(&format!("/o/{}/cycles/{cycle}/preparation/arrets/", hub.id));
        let (route_s, day_s) = (route.to_string(), day.to_string());
        let fields = [
            ("outcome", "livre"),
            ("recipient", "Mme Tremblay"),
            ("note", "Quai B"),
            ("route", route_s.as_str()),
            ("jour", day_s.as_str()),
        ];
        let refused = coord
            .upload(
                &mark,
                &fields,
                ("photo", "bon.jpg", b"pas une photo".to_vec()),
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(refused.has_error("photo_unreadable"), "{}", refused.html);
        assert!(refused.has("value=\"Mme Tremblay\"") && refused.has("value=\"Quai B\""));
        let stop = app.store.stops(&h, cycle, Some(day), route).await.unwrap()[0].clone();
        assert_eq!(stop.status.code(), "pending");
        let done = coord
            .upload(
                &mark,
                &fields,
                ("photo", "livraison.png", support::png(1600, 900)),
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.html);
        let stop = app.store.stop(&h, stop.id).await.unwrap();
        assert!(stop.photo && stop.status.code() == "delivered");
        let page = coord.page(&manifest).await;
        let photo = page.link(&format!(
            "/o/{}/cycles/{cycle}/preparation/arrets/{}/photo",
            hub.id, stop.id
        ));
        let res = coord.get(&photo).await;
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let jpeg = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
        assert_eq!((jpeg.width(), jpeg.height()), (800, 450));

        // The buyer sees it on its order, and through the API; another buyer does not.
        let cook = app.logged_in(HOSPITAL).await;
        let theirs = cook
            .page(&format!("/o/{}/commandes/{}/{order}", hospital.id, hub.id))
            .await;
        assert!(theirs.has_status("delivered"), "{}", theirs.html);
        let own_photo = format!(
            "/o/{}/commandes/{}/{order}/livraison/photo",
            hospital.id, hub.id
        );
        assert!(theirs.has(&own_photo), "{}", theirs.html);
        assert_eq!(cook.get(&own_photo).await.status(), 200);
        let api_photo = format!(
            "/organizations/{}/orders/{order}/delivery/photo",
            hospital.id
        );
        assert_eq!(bapi.get(&api_photo).await.status, 200);
        let delivery = bapi
            .get(&format!(
                "/organizations/{}/orders/{order}/delivery",
                hospital.id
            ))
            .await;
        assert_eq!(delivery.body["photo"], true);
        let other = app.token(daycare.id, &[Scope::OrdersRead]).await;
        let other_photo = api_photo.replace(&hospital.id.to_string(), &daycare.id.to_string());
        assert_eq!(app.api(&other).get(&other_photo).await.status, 404);

        // The hub replaces it through the API; a body that is not a picture is refused.
        let put = |body: Vec<u8>| {
            let url = app.at(&format!(
                "/api/v1/organizations/{}/stops/{}/photo",
                hub.id, stop.id
            ));
            let token = token.clone();
            async move {
                reqwest::Client::new()
                    .put(url)
                    .bearer_auth(token)
                    .header("content-type", "image/png")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let bad = put(b"GIF89a pas vraiment".to_vec()).await;
        assert_eq!(bad.status(), 422);
        let body: serde_json::Value = bad.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "photo_unreadable", "{body}");
        let good = put(support::png(300, 200)).await;
        assert_eq!(good.status(), 200);
        let got = api
            .get(&format!(
                "/organizations/{}/stops/{}/photo",
                hub.id, stop.id
            ))
            .await;
        assert_eq!(got.status, 200);
        app.stop().await;
    }
}
