//! Importing participant lists again: a known first identifier updates that person, the
//! preview gives every change before and after, every problem of every row at once, the
//! template's sample row is refused, second identifiers are unique in the organization, and a
//! participant type answers to several import keys.

mod support;

use halles_core::coupons::ProgramRole;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{OrgId, ProgramId};
use halles_store::coupons::{ImportRow, ParticipantInput, ProgramScope, SAMPLE_ID1};
use halles_store::platform::audit::Filter;
use halles_store::{Store, TenantScope};
use jiff::civil::date;
use support::{at, on_every_db, refused, scope, season};

struct World {
    operator: OrgId,
    partner: OrgId,
    other: OrgId,
    program: ProgramId,
}

async fn world(store: &Store) -> World {
    let operator = support::org(store, OrgKind::ProgramOperator, "Collectif").await;
    let partner = support::org(store, OrgKind::PartnerOrg, "Entraide A").await;
    let other = support::org(store, OrgKind::PartnerOrg, "Maison B").await;
    let program = store
        .create_program(&scope(operator), &season())
        .await
        .unwrap();
    let op = store
        .program_access(&scope(operator), program)
        .await
        .unwrap();
    for p in [partner, other] {
        store
            .add_program_member(&op, p, ProgramRole::Partner)
            .await
            .unwrap();
    }
    World {
        operator,
        partner,
        other,
        program,
    }
}

async fn access(store: &Store, scope: &TenantScope, id: ProgramId) -> ProgramScope {
    store.program_access(scope, id).await.unwrap()
}

fn row(line: usize, t: &str, id1: &str, name: &str) -> ImportRow {
    ImportRow {
        line,
        participant_type: t.into(),
        id1: id1.into(),
        name: name.into(),
        consent_on: "2026-05-01".into(),
        ..ImportRow::default()
    }
}

async fn import(
    store: &Store,
    ps: &ProgramScope,
    rows: &[ImportRow],
    apply: bool,
) -> halles_store::coupons::ImportReport {
    store
        .import_participants(ps, rows, "Programme Bonne Bouffe", None, apply)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_list_imported_again_updates_the_people_it_knows_after_a_preview_of_each_change() {
    on_every_db(at("2026-05-20T16:00:00Z"), |store, _clock| async move {
        let w = world(&store).await;
        let pa = scope(w.partner);
        let ps = access(&store, &pa, w.program).await;
        let types = store.participant_types(w.program).await.unwrap();
        let first = vec![
            ImportRow {
                phone: "514 555-0101".into(),
                ..row(2, "1", "A-1", "Élise")
            },
            row(3, "2", "A-2", "Hugo"),
        ];
        assert!(import(&store, &ps, &first, true).await.applied);
        let before = store.all_participants(&ps).await.unwrap();
        let elise = before.iter().find(|p| p.id1 == "A-1").unwrap().clone();

        // The same people again, Élise with a new name, type and postal code (her phone cell
        // empty: kept), Hugo as he was, and someone new: nothing fails, each row says what it
        // does.
        let second = vec![
            ImportRow {
                postal_code: "h2x 1y4".into(),
                ..row(2, "2", "a-1", "Élise Tremblay")
            },
            row(3, "2", "A-2", "Hugo"),
            row(4, "3+", "A-3", "Inès"),
        ];
        let preview = import(&store, &ps, &second, false).await;
        assert_eq!(preview.problems, 0, "{preview:?}");
        assert!(!preview.applied);
        let actions: Vec<_> = preview.rows.iter().map(|r| r.action).collect();
        assert_eq!(
            actions,
            [Some("updated"), Some("unchanged"), Some("created")]
        );
        let changes: Vec<_> = preview.rows[0]
            .changes
            .iter()
            .map(|c| (c.field, c.before.as_str(), c.after.as_str()))
            .collect();
        let (t1, t2) = (types[0].id.0.to_string(), types[1].id.0.to_string());
        assert_eq!(
            changes,
            [
                ("participant_type", t1.as_str(), t2.as_str()),
                ("id1", "A-1", "a-1"),
                ("name", "Élise", "Élise Tremblay"),
                ("postal_code", "", "H2X 1Y4"),
            ]
        );
        assert!(preview.rows[1].changes.is_empty());
        assert_eq!(
            (
                preview.count("created"),
                preview.count("updated"),
                preview.count("unchanged")
            ),
            (1, 1, 1)
        );
        // The preview saved nothing.
        assert_eq!(store.all_participants(&ps).await.unwrap().len(), 2);
        let still = store.participant(&ps, elise.id).await.unwrap();
        assert_eq!(still.name, "Élise");

        // Applied: Élise keeps her code and her phone, her fields change; Inès is new.
        let done = import(&store, &ps, &second, true).await;
        assert!(done.applied);
        assert_eq!(done.rows[0].code.as_deref(), Some(elise.code.as_str()));
        let now = store.participant(&ps, elise.id).await.unwrap();
        assert_eq!(
            (
                now.name.as_str(),
                now.participant_type,
                now.phone.as_str(),
                now.postal_code.as_str()
            ),
            ("Élise Tremblay", types[1].id, "514 555-0101", "H2X 1Y4")
        );
        assert_eq!(store.all_participants(&ps).await.unwrap().len(), 3);
        // The audit log has the update of Élise's fields, before and after, and the import.
        let log = store
            .audit_entries(
                &pa,
                &Filter {
                    entity: Some("participant".into()),
                    action: Some("update".into()),
                    ..Filter::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].entity_id, elise.id.0.to_string());
        let after = log[0].after.as_ref().unwrap();
        assert_eq!(after["name"], "Élise Tremblay");
        assert!(after.get("phone").is_none(), "{after}");

        // A partner's list never reaches another's people: the same identifier there is new.
        let ob = access(&store, &scope(w.other), w.program).await;
        let theirs = import(&store, &ob, &second[..1], false).await;
        assert_eq!(theirs.rows[0].action, Some("created"));
        let _ = w.operator;
    })
    .await;
}

#[tokio::test]
async fn every_problem_of_every_row_is_reported_at_once_and_nothing_is_saved() {
    on_every_db(at("2026-05-20T16:00:00Z"), |store, _clock| async move {
        let w = world(&store).await;
        let ps = access(&store, &scope(w.partner), w.program).await;
        let types = store.participant_types(w.program).await.unwrap();
        let kept = store
            .create_participant(
                &ps,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    id1: "K-1".into(),
                    id2: "RAMQ-1".into(),
                    consent_on: Some(date(2026, 5, 1)),
                    consent_purpose: "p".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        let gone = store
            .create_participant(
                &ps,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    id1: "G-1".into(),
                    consent_on: Some(date(2026, 5, 1)),
                    consent_purpose: "p".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        store.remove_participant(&ps, gone.id).await.unwrap();
        let rows = vec![
            // Three problems in one row, all named.
            ImportRow {
                email: "pas-un-courriel".into(),
                consent_on: "hier".into(),
                ..row(2, "9", "N-1", "Un")
            },
            // The template's sample row left in.
            row(3, "1", SAMPLE_ID1, "Exemple"),
            // A second identifier someone else of the organization has, case aside.
            ImportRow {
                id2: "ramq-1".into(),
                ..row(4, "1", "N-2", "Deux")
            },
            // The same second identifier twice in the file.
            ImportRow {
                id2: "X".into(),
                ..row(5, "1", "N-3", "Trois")
            },
            ImportRow {
                id2: "x".into(),
                ..row(6, "1", "N-4", "Quatre")
            },
            // A removed participant's identifier, twice.
            row(7, "1", "G-1", "Gone"),
            row(8, "1", "g-1", "Gone"),
        ];
        let report = import(&store, &ps, &rows, true).await;
        let problems: Vec<Vec<&str>> = report.rows.iter().map(|r| r.problems.clone()).collect();
        assert_eq!(
            problems,
            vec![
                vec!["unknown_type", "date_invalid", "email_invalid"],
                vec!["sample_row"],
                vec!["duplicate_id2"],
                vec![],
                vec!["duplicate_id2_in_file"],
                vec!["participant_removed"],
                vec!["participant_removed", "duplicate_id1_in_file"],
            ]
        );
        assert_eq!(report.rows[0].problem, Some("unknown_type"));
        assert_eq!(report.problems, 6);
        assert!(!report.applied);
        // All or nothing: not even the good rows were saved, and K-1 is as it was.
        assert_eq!(store.all_participants(&ps).await.unwrap().len(), 2);
        assert_eq!(store.participant(&ps, kept.id).await.unwrap().name, "");
        // The known person keeps their own second identifier: no problem.
        let own = ImportRow {
            id2: "RAMQ-1".into(),
            ..row(2, "1", "K-1", "Kept")
        };
        let report = import(&store, &ps, &[own], false).await;
        assert!(report.rows[0].problems.is_empty(), "{report:?}");
        assert_eq!(report.rows[0].action, Some("updated"));
    })
    .await;
}

#[tokio::test]
async fn a_participant_type_answers_to_several_import_keys_none_shared() {
    on_every_db(at("2026-05-20T16:00:00Z"), |store, _clock| async move {
        let w = world(&store).await;
        let op = access(&store, &scope(w.operator), w.program).await;
        let types = store.participant_types(w.program).await.unwrap();
        store
            .update_participant_type(
                &op,
                types[0].id,
                "1 personne",
                "1 person",
                "1; Solo, seul ,",
            )
            .await
            .unwrap();
        let t = store.participant_types(w.program).await.unwrap();
        assert_eq!(t[0].match_key, "1, solo, seul");
        // Another type cannot take one of its keys, nor a new one.
        refused(
            store
                .update_participant_type(&op, types[1].id, "2 personnes", "", "2, SEUL")
                .await,
            Refusal::DuplicateMatchKey,
        );
        refused(
            store
                .add_participant_type(&op, "Famille", "Family", "famille, solo")
                .await,
            Refusal::DuplicateMatchKey,
        );
        // Every key, and the names, find the type in a list.
        let ps = access(&store, &scope(w.partner), w.program).await;
        let rows = vec![
            row(2, "1", "S-1", "Un"),
            row(3, "Solo", "S-2", "Deux"),
            row(4, " seul ", "S-3", "Trois"),
            row(5, "1 person", "S-4", "Quatre"),
            row(6, "solitaire", "S-5", "Cinq"),
        ];
        let report = import(&store, &ps, &rows, false).await;
        let problems: Vec<_> = report.rows.iter().map(|r| r.problem).collect();
        assert_eq!(problems, [None, None, None, None, Some("unknown_type")]);
    })
    .await;
}
