//! Domain events: recorded with their change and nothing else, delivered by the worker's poll
//! in batches; a subscriber's e-mails are written once. Each test runs on SQLite and, when
//! configured, PostgreSQL.

mod support;

use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};
use halles_store::platform::accounts::{NewUser, User};
use halles_store::platform::email::OutgoingEmail;
use halles_store::platform::events::{DELIVER_EVENT_JOB, DeliverEvent, Event};
use halles_store::platform::jobs::backoff;
use halles_store::{Actor, Store, TenantScope};

/// Runs `body` once per configured database, the clock on Saturday, November 28th, 2026.
async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_db(support::at("2026-11-28T14:00:00Z"), |store, _| body(store)).await;
}

/// An account, as a person who signs up.
async fn account(store: &Store, email: &str, name: &str, lang: Lang) -> User {
    store
        .create_user(
            Actor::system(),
            NewUser {
                email,
                name,
                lang,
                password: Some("mot-de-passe-de-test"),
                is_platform_admin: false,
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_change_records_its_event_and_no_job() {
    on_every_db(|store| async move {
        let user = account(&store, "marie@ferme.example", "Marie", Lang::Fr).await;
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
        // No job per event: it waits for the worker's poll.
        assert!(store.claim_job().await.unwrap().is_none());
        let waiting = store.undelivered_events(100).await.unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].id, events[0].id);

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
        let user = account(&store, "paul@ferme.example", "Paul", Lang::En).await;
        store.create_password_reset(user.id).await.unwrap();
        let event = store.events(None, 1).await.unwrap().remove(0).id;
        let emails = [OutgoingEmail {
            org: None,
            to: "paul@ferme.example".into(),
            subject: "Reset".into(),
            body: "Link".into(),
            attachment: None,
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

#[tokio::test]
async fn the_poll_takes_undelivered_events_in_order_and_leaves_a_failed_one_to_its_job() {
    on_every_db(|store| async move {
        let user = account(&store, "lea@ferme.example", "Léa", Lang::Fr).await;
        for _ in 0..3 {
            store.create_password_reset(user.id).await.unwrap();
        }
        let waiting = store.undelivered_events(100).await.unwrap();
        assert_eq!(waiting.len(), 3);
        assert!(
            waiting.windows(2).all(|w| w[0].id < w[1].id),
            "oldest first"
        );
        assert_eq!(store.undelivered_events(2).await.unwrap().len(), 2);

        // The second failed: its own job retries it later, and the poll leaves it alone.
        store.defer_event_delivery(&waiting[1]).await.unwrap();
        store.defer_event_delivery(&waiting[1]).await.unwrap();
        let jobs = store.jobs(None, 10).await.unwrap();
        assert_eq!(jobs.len(), 1, "one job however often it failed");
        assert_eq!(jobs[0].kind, DELIVER_EVENT_JOB);
        let payload: DeliverEvent = serde_json::from_str(&jobs[0].payload).unwrap();
        assert_eq!(payload.event_id, waiting[1].id);
        assert_eq!(jobs[0].run_at, store.now() + backoff(1));
        let left: Vec<_> = store
            .undelivered_events(100)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(left, vec![waiting[0].id, waiting[2].id]);

        // Marked delivered in one go: none waits, and none keeps its link's secret.
        store
            .mark_events_delivered(&[waiting[0].clone(), waiting[2].clone()])
            .await
            .unwrap();
        assert!(store.undelivered_events(100).await.unwrap().is_empty());
        for e in [&waiting[0], &waiting[2]] {
            let stored = store.event(e.id).await.unwrap();
            assert!(stored.delivered_at.is_some());
            assert_eq!(stored.event, e.event.clone().without_secrets());
            assert_ne!(stored.event, e.event);
        }
        assert!(
            store
                .event(waiting[1].id)
                .await
                .unwrap()
                .delivered_at
                .is_none()
        );
    })
    .await;
}
