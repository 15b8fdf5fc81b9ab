//! Importing participant lists through the pages and the API: a list imported again updates
//! the people it knows after a preview of each change, the template's sample row is refused,
//! a file that is no list says so, and every problem of every row is given at once.

mod support;

use halles_core::organizations::Scope;
use serde_json::{Value, json};
use support::TestApp;
use support::requests::Page;
use support::world::{PartnerProgram, World, bonne_bouffe};

/// Sends a participant list (CSV) to the import page, to `preview` or `apply` it.
async fn upload(b: &support::Browser, path: &str, bytes: Vec<u8>, action: &str) -> Page {
    let fields = [
        ("consent_purpose", "Programme Bonne Bouffe"),
        ("action", action),
    ];
    b.upload(path, &fields, ("file", "liste.csv", bytes)).await
}

#[tokio::test]
async fn a_list_imported_again_shows_each_change_then_updates_the_people_it_knows() {
    for app in TestApp::on_every_db().await {
        let PartnerProgram {
            partner, program, ..
        } = World::partner_program(&app, bonne_bouffe()).await;
        let b = app.logged_in("accueil@p.example").await;
        let path = format!(
            "/o/{}/programmes/{program}/participants/importer",
            partner.id
        );
        let first = "type,identifiant 1,nom,téléphone,date du consentement\n\
                     1,A-1,Élise,514 555-0101,2026-11-01\n2,A-2,Hugo,,2026-11-01\n";
        let res = upload(&b, &path, first.into(), "apply").await;
        assert_eq!(res.status, 303, "{res:?}");
        // Again, Élise renamed and of type 2 (her phone cell empty: kept), Hugo as he was,
        // Inès new: the preview says what each row does and shows Élise's changes.
        let second = "type,identifiant 1,nom,téléphone,date du consentement\n\
                      2,A-1,Élise Tremblay,,2026-11-01\n2,A-2,Hugo,,2026-11-01\n3+,A-3,Inès,,2026-11-01\n";
        let res = upload(&b, &path, second.into(), "preview").await;
        assert_eq!(res.status, 200, "{res:?}");
        assert!(res.errors().is_empty(), "{res:?}");
        for status in ["updated", "unchanged", "created"] {
            assert!(res.has_status(status), "{status}: {res:?}");
        }
        assert!(res.has("data-counts=\"1 1 1\""), "{res:?}");
        assert!(
            res.has("data-change=\"name\"") && res.has("data-change=\"participant_type\""),
            "{res:?}"
        );
        assert!(!res.has("data-change=\"phone\""), "{res:?}");
        assert!(
            res.has("Élise Tremblay") && res.has("1 personne") && res.has("2 personnes"),
            "{res:?}"
        );
        let ps = app
            .store
            .program_access(&support::world::scope(partner.id), program)
            .await
            .unwrap();
        let elise = |all: Vec<halles_store::coupons::Participant>| {
            all.into_iter().find(|p| p.id1 == "A-1").unwrap()
        };
        assert_eq!(
            elise(app.store.all_participants(&ps).await.unwrap()).name,
            "Élise"
        );
        // Applied from the preview's own form (the list it carries).
        let data = res.value_of("data");
        let res = b
            .upload(
                &path,
                &[
                    ("data", data.as_str()),
                    ("consent_purpose", "Programme Bonne Bouffe"),
                    ("action", "apply"),
                ],
                ("file", "", Vec::new()),
            )
            .await;
        assert_eq!(res.status, 303, "{res:?}");
        let all = app.store.all_participants(&ps).await.unwrap();
        assert_eq!(all.len(), 3);
        let e = elise(all);
        assert_eq!(
            (e.name.as_str(), e.phone.as_str()),
            ("Élise Tremblay", "514 555-0101")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_sample_row_a_file_that_is_no_list_and_every_problem_of_a_row_are_named() {
    for app in TestApp::on_every_db().await {
        let PartnerProgram {
            partner, program, ..
        } = World::partner_program(&app, bonne_bouffe()).await;
        let b = app.logged_in("accueil@p.example").await;
        let path = format!(
            "/o/{}/programmes/{program}/participants/importer",
            partner.id
        );
        // The template sent back as it came: its sample row is refused, not imported.
        let template = b
            .get(&format!("{path}/modele?format=csv"))
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec();
        assert!(String::from_utf8_lossy(&template).contains(halles_store::coupons::SAMPLE_ID1));
        let res = upload(&b, &path, template, "apply").await;
        assert_eq!(res.status, 422);
        assert_eq!(res.errors(), ["sample_row"]);
        // A letter is no list (not "a column is missing"); bytes that are not UTF-8 either.
        let res = upload(
            &b,
            &path,
            "Bonjour,\nvoici nos inscriptions.\n".into(),
            "preview",
        )
        .await;
        assert_eq!(res.status, 422);
        assert_eq!(res.errors(), ["import_not_a_list"]);
        assert!(res.has(".xlsx"), "{res:?}");
        let res = upload(&b, &path, vec![0x49, 0xe9, 0xff, 0x0a], "preview").await;
        assert_eq!(res.errors(), ["import_encoding"]);
        // Every problem of the row at once.
        let bad = "type,identifiant 1,identifiant 2,courriel,date du consentement\n\
                   9,B-1,R-1,pas-un-courriel,hier\n1,B-2,r-1,,2026-11-01\n";
        let res = upload(&b, &path, bad.into(), "preview").await;
        assert_eq!(
            res.errors(),
            [
                "unknown_type",
                "date_invalid",
                "email_invalid",
                "duplicate_id2_in_file"
            ]
        );
        // The API gives them all too, and each change of a known person.
        let token = app.token(partner.id, &[Scope::CouponsWrite]).await;
        let url = app.at(&format!(
            "/api/v1/organizations/{}/programs/{program}/participants/import",
            partner.id
        ));
        let send = |body: Value| {
            let (url, token) = (url.clone(), token.clone());
            async move {
                reqwest::Client::new()
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .json::<Value>()
                    .await
                    .unwrap()
            }
        };
        let report = send(json!({"dry_run": true, "consent_purpose": "p", "rows": [
            {"participant_type": "9", "id1": "C-1", "email": "x", "consent_on": "2026-13-01"}]}))
        .await;
        assert_eq!(
            report["rows"][0]["problems"],
            json!(["unknown_type", "date_invalid", "email_invalid"])
        );
        assert_eq!(report["rows"][0]["problem"], "unknown_type");
        let report = send(json!({"consent_purpose": "p", "rows": [
            {"participant_type": "1", "id1": "C-1", "name": "Léa", "consent_on": "2026-11-01"}]}))
        .await;
        assert_eq!(report["applied"], true, "{report}");
        let report = send(json!({"dry_run": true, "consent_purpose": "p", "rows": [
            {"participant_type": "1", "id1": "C-1", "name": "Léa Roy", "consent_on": "2026-11-01"}]}))
        .await;
        assert_eq!(report["rows"][0]["action"], "updated");
        assert_eq!(
            report["rows"][0]["changes"],
            json!([{"field": "name", "before": "Léa", "after": "Léa Roy"}])
        );
        app.stop().await;
    }
}
