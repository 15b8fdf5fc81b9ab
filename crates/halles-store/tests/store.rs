//! Store tests: each runs on a fresh SQLite file and, when `HALLES_TEST_POSTGRES_URL` is set,
//! on a fresh PostgreSQL database.

mod support;

use halles_core::ManualClock;
use halles_core::OrgId;
use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::refusals::Refusal;
use halles_store::platform::accounts::{LoginRefusal, NewUser};
use halles_store::platform::audit::Filter;
use halles_store::platform::idempotency::Claim;
use halles_store::platform::jobs::NewJob;
use halles_store::{Actor, Store, StoreError, TenantScope};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

fn start() -> Timestamp {
    "2026-11-28T14:00:00Z".parse().unwrap()
}

/// Runs `body` once per configured database.
async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_db(start(), body).await;
}

async fn user(store: &Store, email: &str) -> halles_store::platform::accounts::User {
    store
        .create_user(
            Actor::system(),
            NewUser {
                email,
                name: "Marie Tremblay",
                lang: Lang::Fr,
                password: Some("un-mot-de-passe-solide"),
                is_platform_admin: false,
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_logs_in_and_is_throttled_after_repeated_failures() {
    on_every_db(|store, clock| async move {
        let u = user(&store, "Marie@Ferme.example").await;
        assert_eq!(u.email, "marie@ferme.example");
        let ok = store
            .verify_login("marie@ferme.example", "un-mot-de-passe-solide", "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(ok.unwrap().id, u.id);
        for _ in 0..5 {
            let r = store
                .verify_login("marie@ferme.example", "mauvais", "10.0.0.1")
                .await
                .unwrap();
            assert_eq!(r.unwrap_err(), LoginRefusal::BadCredentials);
        }
        let r = store
            .verify_login("marie@ferme.example", "un-mot-de-passe-solide", "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(r.unwrap_err(), LoginRefusal::Throttled);
        clock.advance(SignedDuration::from_mins(16));
        assert!(
            store
                .verify_login("marie@ferme.example", "un-mot-de-passe-solide", "10.0.0.1")
                .await
                .unwrap()
                .is_ok()
        );
        // Unknown accounts say the same as a wrong password.
        let r = store
            .verify_login("personne@nulle.part", "x", "10.0.0.2")
            .await
            .unwrap();
        assert_eq!(r.unwrap_err(), LoginRefusal::BadCredentials);
        // Duplicate e-mails are refused.
        let dup = store
            .create_user(
                Actor::system(),
                NewUser {
                    email: "marie@ferme.example",
                    name: "Autre",
                    lang: Lang::En,
                    password: None,
                    is_platform_admin: false,
                },
            )
            .await;
        assert!(matches!(dup, Err(StoreError::Refused(Refusal::EmailTaken))));
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_end_when_the_account_is_disabled() {
    on_every_db(|store, clock| async move {
        let u = user(&store, "session@ferme.example").await;
        let secret = store.create_session(u.id).await.unwrap();
        assert_eq!(store.session_user(&secret).await.unwrap().unwrap().id, u.id);
        assert!(store.session_user("not-a-session").await.unwrap().is_none());
        clock.advance(SignedDuration::from_hours(24 * 15));
        assert!(store.session_user(&secret).await.unwrap().is_none());
        let secret = store.create_session(u.id).await.unwrap();
        store
            .set_user_disabled(Actor::system(), u.id, true)
            .await
            .unwrap();
        assert!(store.session_user(&secret).await.unwrap().is_none());
        let r = store
            .verify_login(
                "session@ferme.example",
                "un-mot-de-passe-solide",
                "10.0.0.3",
            )
            .await
            .unwrap();
        assert_eq!(r.unwrap_err(), LoginRefusal::Disabled);
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_expires() {
    on_every_db(|store, clock| async move {
        let u = user(&store, "reset@ferme.example").await;
        let secret = store.create_password_reset(u.id).await.unwrap();
        assert_eq!(
            store.password_reset_user(&secret).await.unwrap(),
            Some(u.id)
        );
        store
            .complete_password_reset(&secret, "nouveau-mot-de-passe")
            .await
            .unwrap();
        assert!(matches!(
            store
                .complete_password_reset(&secret, "encore-un-autre")
                .await,
            Err(StoreError::Refused(Refusal::ResetInvalid))
        ));
        assert!(
            store
                .verify_login("reset@ferme.example", "nouveau-mot-de-passe", "10.0.0.4")
                .await
                .unwrap()
                .is_ok()
        );
        let late = store.create_password_reset(u.id).await.unwrap();
        clock.advance(SignedDuration::from_mins(61));
        assert_eq!(store.password_reset_user(&late).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn an_organization_keeps_at_least_one_admin_and_audits_every_change() {
    on_every_db(|store, _clock| async move {
        let admin = user(&store, "admin@pole.example").await;
        let staff = user(&store, "staff@pole.example").await;
        let org = store
            .create_organization(
                Actor::user(admin.id),
                OrgKind::Hub,
                "Pôle de test",
                Lang::Fr,
            )
            .await
            .unwrap();
        let scope = TenantScope::checked(org.id, Actor::user(admin.id));
        let m_admin = store
            .add_member(&scope, admin.id, Role::Admin)
            .await
            .unwrap();
        let m_staff = store
            .add_member(&scope, staff.id, Role::Staff)
            .await
            .unwrap();
        assert!(matches!(
            store.add_member(&scope, staff.id, Role::Viewer).await,
            Err(StoreError::Refused(Refusal::AlreadyMember))
        ));
        assert!(matches!(
            store.add_member(&scope, staff.id, Role::Cashier).await,
            Err(StoreError::Refused(Refusal::RoleNotAllowed))
        ));
        assert!(matches!(
            store.change_member_role(&scope, m_admin, Role::Staff).await,
            Err(StoreError::Refused(Refusal::LastAdmin))
        ));
        assert!(matches!(
            store.remove_member(&scope, m_admin).await,
            Err(StoreError::Refused(Refusal::LastAdmin))
        ));
        store
            .change_member_role(&scope, m_staff, Role::Admin)
            .await
            .unwrap();
        store
            .change_member_role(&scope, m_admin, Role::Viewer)
            .await
            .unwrap();
        assert_eq!(
            store.role_in(admin.id, org.id).await.unwrap(),
            Some(Role::Viewer)
        );
        let members = store.members(&scope, None, 10).await.unwrap();
        assert_eq!(members.len(), 2);
        let page = store
            .members(&scope, Some(members[0].id), 10)
            .await
            .unwrap();
        assert_eq!(page.len(), 1);

        let entries = store
            .audit_entries(&scope, &Filter::default(), 50)
            .await
            .unwrap();
        assert!(entries.len() >= 5, "{entries:?}");
        let role_changes = store
            .audit_entries(
                &scope,
                &Filter {
                    entity: Some("membership".into()),
                    action: Some("update".into()),
                    ..Filter::default()
                },
                50,
            )
            .await
            .unwrap();
        assert_eq!(role_changes.len(), 2);
        assert_eq!(role_changes[0].before.as_ref().unwrap()["role"], "admin");
        assert_eq!(role_changes[0].after.as_ref().unwrap()["role"], "viewer");
        assert_eq!(role_changes[0].actor_user, Some(admin.id));

        // Another organization's scope sees none of it.
        let other = store
            .create_organization(Actor::system(), OrgKind::Buyer, "Autre", Lang::Fr)
            .await
            .unwrap();
        let foreign = TenantScope::checked(other.id, Actor::user(admin.id));
        assert!(store.members(&foreign, None, 10).await.unwrap().is_empty());
        assert!(matches!(
            store.remove_member(&foreign, m_staff).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn an_invitation_is_accepted_once_and_expires() {
    on_every_db(|store, clock| async move {
        let admin = user(&store, "admin@cpe.example").await;
        let org = store
            .create_organization(Actor::system(), OrgKind::Market, "Marché", Lang::Fr)
            .await
            .unwrap();
        let scope = TenantScope::checked(org.id, Actor::user(admin.id));
        store
            .add_member(&scope, admin.id, Role::Admin)
            .await
            .unwrap();
        let (inv, secret) = store
            .create_invitation(&scope, "Caisse@Marche.example", Role::Cashier)
            .await
            .unwrap();
        assert_eq!(inv.email, "caisse@marche.example");
        assert_eq!(store.pending_invitations(&scope).await.unwrap().len(), 1);
        let (found, found_org) = store.invitation_by_secret(&secret).await.unwrap().unwrap();
        assert_eq!(found.id, inv.id);
        assert_eq!(found_org.id, org.id);
        let cashier = user(&store, "caisse@marche.example").await;
        assert_eq!(
            store.accept_invitation(&secret, &cashier).await.unwrap(),
            org.id
        );
        assert_eq!(
            store.role_in(cashier.id, org.id).await.unwrap(),
            Some(Role::Cashier)
        );
        assert!(matches!(
            store.accept_invitation(&secret, &cashier).await,
            Err(StoreError::Refused(Refusal::InvitationInvalid))
        ));
        assert!(matches!(
            store
                .create_invitation(&scope, "caisse@marche.example", Role::Staff)
                .await,
            Err(StoreError::Refused(Refusal::AlreadyMember))
        ));
        let (late_invitation, late) = store
            .create_invitation(&scope, "tard@marche.example", Role::Staff)
            .await
            .unwrap();
        clock.advance(SignedDuration::from_hours(24 * 8));
        assert!(store.invitation_by_secret(&late).await.unwrap().is_none());
        // Revoked once: a second time, or another organization, finds nothing.
        let other = TenantScope::checked(OrgId(org.id.0 + 1000), Actor::system());
        assert!(matches!(
            store.revoke_invitation(&other, late_invitation.id).await,
            Err(StoreError::NotFound)
        ));
        store
            .revoke_invitation(&scope, late_invitation.id)
            .await
            .unwrap();
        assert!(matches!(
            store.revoke_invitation(&scope, inv.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.revoke_invitation(&scope, late_invitation.id).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_stored_hashed_scoped_and_revocable() {
    on_every_db(|store, _clock| async move {
        let admin = user(&store, "admin@fondation.example").await;
        let org = store
            .create_organization(Actor::system(), OrgKind::Funder, "Fondation", Lang::Fr)
            .await
            .unwrap();
        let scope = TenantScope::checked(org.id, Actor::user(admin.id));
        let (token, secret) = store
            .create_token(&scope, "Rapports", &[Scope::OrgRead])
            .await
            .unwrap();
        assert!(secret.starts_with("hal_"));
        let found = store.token_by_secret(&secret).await.unwrap().unwrap();
        assert_eq!(found.id, token.id);
        assert!(found.has(Scope::OrgRead));
        assert!(!found.has(Scope::OrgWrite));
        let other = TenantScope::checked(OrgId(org.id.0 + 1000), Actor::system());
        assert!(matches!(
            store.revoke_token(&other, token.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(store.token_by_secret(&secret).await.unwrap().is_some());
        store.revoke_token(&scope, token.id).await.unwrap();
        assert!(store.token_by_secret(&secret).await.unwrap().is_none());
        assert!(matches!(
            store.revoke_token(&scope, token.id).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn jobs_are_claimed_once_retried_with_back_off_and_fail_visibly() {
    on_every_db(|store, clock| async move {
        let id = store
            .enqueue_job(NewJob {
                kind: "test",
                payload: "{}".into(),
                org: None,
                run_at: start(),
                max_attempts: 2,
                dedupe_key: Some("once".into()),
            })
            .await
            .unwrap()
            .unwrap();
        let again = store
            .enqueue_job(NewJob {
                kind: "test",
                payload: "{}".into(),
                org: None,
                run_at: start(),
                max_attempts: 2,
                dedupe_key: Some("once".into()),
            })
            .await
            .unwrap();
        assert_eq!(again, None, "the same de-duplication key enqueues nothing");
        let job = store.claim_job().await.unwrap().unwrap();
        assert_eq!(job.id, id);
        assert_eq!(job.attempts, 1);
        assert!(
            store.claim_job().await.unwrap().is_none(),
            "a claimed job is leased"
        );
        store.fail_job(&job, "boom").await.unwrap();
        assert!(
            store.claim_job().await.unwrap().is_none(),
            "not due before its back-off"
        );
        clock.advance(SignedDuration::from_secs(31));
        let job = store.claim_job().await.unwrap().unwrap();
        assert_eq!(job.attempts, 2);
        store.fail_job(&job, "boom again").await.unwrap();
        let failed = store.jobs(Some("failed"), 10).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].last_error.as_deref(), Some("boom again"));
        store.retry_job(id).await.unwrap();
        let job = store.claim_job().await.unwrap().unwrap();
        // A worker that dies leaves its lease; the job comes back when the lease ends.
        clock.advance(SignedDuration::from_secs(301));
        let reclaimed = store.claim_job().await.unwrap().unwrap();
        assert_eq!(reclaimed.id, job.id);
        store.complete_job(job.id).await.unwrap();
        assert!(store.claim_job().await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_job() {
    on_every_db(|store, _clock| async move {
        for i in 0..40 {
            store
                .enqueue_job(NewJob {
                    kind: "test",
                    payload: format!("{{\"n\":{i}}}"),
                    org: None,
                    run_at: start(),
                    max_attempts: 1,
                    dedupe_key: None,
                })
                .await
                .unwrap();
        }
        let mut handles = Vec::new();
        for _ in 0..4 {
            let s = store.clone();
            handles.push(tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some(job) = s.claim_job().await.unwrap() {
                    got.push(job.id);
                    s.complete_job(job.id).await.unwrap();
                }
                got
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(n, 40);
        assert_eq!(all.len(), 40);
    })
    .await;
}

#[tokio::test]
async fn an_e_mail_is_kept_in_the_outbox_with_its_delivery_job() {
    on_every_db(|store, _clock| async move {
        let id = store
            .queue_email(None, "marie@ferme.example", "Bienvenue", "Bonjour Marie")
            .await
            .unwrap();
        let job = store.claim_job().await.unwrap().unwrap();
        assert_eq!(job.kind, halles_store::platform::email::SEND_EMAIL_JOB);
        assert!(job.payload.contains(&id.to_string()));
        store.mark_email(id, "kept", None).await.unwrap();
        let outbox = store.outbox(Some("marie@ferme.example"), 10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].status, "kept");
        assert_eq!(outbox[0].body, "Bonjour Marie");
    })
    .await;
}

#[tokio::test]
async fn an_idempotency_key_replays_its_first_response_and_refuses_another_body() {
    on_every_db(|store, _clock| async move {
        let admin = user(&store, "admin@idem.example").await;
        let org = store
            .create_organization(Actor::system(), OrgKind::Hub, "Idem", Lang::Fr)
            .await
            .unwrap();
        let scope = TenantScope::checked(org.id, Actor::user(admin.id));
        let (token, _) = store
            .create_token(&scope, "t", &[Scope::OrgWrite])
            .await
            .unwrap();
        let c = store
            .claim_idempotency_key(org.id, token.id, "k1", "h1")
            .await
            .unwrap();
        assert_eq!(c, Claim::Fresh);
        let c = store
            .claim_idempotency_key(org.id, token.id, "k1", "h1")
            .await
            .unwrap();
        assert_eq!(c, Claim::InProgress);
        store
            .finish_idempotent(
                org.id,
                token.id,
                "k1",
                201,
                "application/json",
                "{\"id\":1}",
            )
            .await
            .unwrap();
        let c = store
            .claim_idempotency_key(org.id, token.id, "k1", "h1")
            .await
            .unwrap();
        assert_eq!(
            c,
            Claim::Replay {
                status: 201,
                content_type: "application/json".into(),
                body: "{\"id\":1}".into()
            }
        );
        let c = store
            .claim_idempotency_key(org.id, token.id, "k1", "h2")
            .await
            .unwrap();
        assert_eq!(c, Claim::Mismatch);
        let c = store
            .claim_idempotency_key(org.id, token.id, "k2", "h1")
            .await
            .unwrap();
        assert_eq!(c, Claim::Fresh);
        store
            .release_idempotency_key(org.id, token.id, "k2")
            .await
            .unwrap();
        let c = store
            .claim_idempotency_key(org.id, token.id, "k2", "h1")
            .await
            .unwrap();
        assert_eq!(c, Claim::Fresh);
    })
    .await;
}

#[tokio::test]
async fn a_key_left_in_progress_by_a_crash_is_claimed_again_after_its_lease() {
    on_every_db(|store, clock| async move {
        let org = store
            .create_organization(Actor::system(), OrgKind::Hub, "Panne", Lang::Fr)
            .await
            .unwrap();
        let scope = TenantScope::checked(org.id, Actor::system());
        let (token, _) = store
            .create_token(&scope, "t", &[Scope::OrgWrite])
            .await
            .unwrap();
        // The server claims the key, then dies (kill -9): no response, no release.
        let claim = |h: &'static str| store.claim_idempotency_key(org.id, token.id, "k", h);
        assert_eq!(claim("h").await.unwrap(), Claim::Fresh);
        clock.advance(jiff::SignedDuration::from_secs(30));
        assert_eq!(
            claim("h").await.unwrap(),
            Claim::InProgress,
            "within its lease"
        );
        clock.advance(halles_store::platform::idempotency::LEASE);
        // Another body under the same key is still refused.
        assert_eq!(claim("other").await.unwrap(), Claim::Mismatch);
        // Retries race for the expired lease: exactly one wins.
        let (a, b) = tokio::join!(claim("h"), claim("h"));
        let won = [a.unwrap(), b.unwrap()];
        assert_eq!(
            won.iter().filter(|c| **c == Claim::Fresh).count(),
            1,
            "{won:?}"
        );
        assert!(won.contains(&Claim::InProgress), "{won:?}");
        // The winner completes; the next retry replays its response.
        store
            .finish_idempotent(org.id, token.id, "k", 201, "application/json", "{}")
            .await
            .unwrap();
        clock.advance(jiff::SignedDuration::from_secs(3600));
        assert!(matches!(
            claim("h").await.unwrap(),
            Claim::Replay { status: 201, .. }
        ));
    })
    .await;
}
