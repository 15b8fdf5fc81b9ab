//! Domain events: recorded with their change and their delivery job; a subscriber's e-mails
//! are written once. Each test runs on SQLite and, when configured, PostgreSQL.

mod support;

use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};
use halles_store::platform::accounts::NewUser;
use halles_store::platform::email::OutgoingEmail;
use halles_store::platform::events::{DELIVER_EVENT_JOB, DeliverEvent, Event};
use halles_store::{Actor, Store, TenantScope};

/// Runs `body` once per configured database, the clock on Saturday, November 28th, 2026.
async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_db(support::at("2026-11-28T14:00:00Z"), |store, _| body(store)).await;
}

#[tokio::test]
async fn a_change_records_its_event_and_the_job_that_delivers_it() {
    on_every_db(|store| async move {
        let user = store
            .create_user(
                Actor::system(),
                NewUser {
                    email: "marie@ferme.example",
                    name: "Marie",
                    lang: Lang::Fr,
                    password: Some("mot-de-passe-de-test"),
                    is_platform_admin: false,
                },
            )
            .await
            .unwrap();
        let secret = store.create_password_reset(user.id).await.unwrap();
        let events = store.events(None, 10).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].event,
            Event::PasswordResetAsked {
                user: user.id,
                secret
            }
        );
        assert!(events[0].delivered_at.is_none());
        let job = store.claim_job().await.unwrap().unwrap();
        assert_eq!(job.kind, DELIVER_EVENT_JOB);
        let payload: DeliverEvent = serde_json::from_str(&job.payload).unwrap();
        assert_eq!(payload.event_id, events[0].id);

        // An invitation carries who invited and the link's secret; the organization's.
        let org = store
            .create_organization(Actor::user(user.id), OrgKind::Hub, "Halle", Lang::Fr)
            .await
            .unwrap();
        let scope = TenantScope::checked(org.id, Actor::user(user.id));
        let (inv, secret) = store
            .create_invitation(&scope, "nouvelle@ferme.example", Role::Staff)
            .await
            .unwrap();
        let sent = store.events(Some("invitation_sent"), 10).await.unwrap();
        assert_eq!(sent.len(), 1);
        match &sent[0].event {
            Event::InvitationSent {
                org: o,
                invitation,
                inviter,
                secret: s,
                ..
            } => {
                assert_eq!((*o, *invitation), (org.id, inv.id));
                assert_eq!((inviter.as_str(), s), ("Marie", &secret));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(sent[0].event.organization(), Some(org.id));
    })
    .await;
}

#[tokio::test]
async fn a_subscriber_writes_an_events_e_mails_once() {
    on_every_db(|store| async move {
        let user = store
            .create_user(
                Actor::system(),
                NewUser {
                    email: "paul@ferme.example",
                    name: "Paul",
                    lang: Lang::En,
                    password: Some("mot-de-passe-de-test"),
                    is_platform_admin: false,
                },
            )
            .await
            .unwrap();
        store.create_password_reset(user.id).await.unwrap();
        let event = store.events(None, 1).await.unwrap().remove(0).id;
        let emails = [OutgoingEmail {
            org: None,
            to: "paul@ferme.example".into(),
            subject: "Reset".into(),
            body: "Link".into(),
        }];
        assert!(
            store
                .queue_event_emails(event, "email", &emails)
                .await
                .unwrap()
        );
        // A retried delivery writes nothing more.
        assert!(
            !store
                .queue_event_emails(event, "email", &emails)
                .await
                .unwrap()
        );
        let outbox = store.outbox(Some("paul@ferme.example"), 10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        store.mark_event_delivered(event).await.unwrap();
        assert!(store.event(event).await.unwrap().delivered_at.is_some());
    })
    .await;
}
