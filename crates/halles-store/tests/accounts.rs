//! Accounts from the admin pages: platform administrators made and unmade (never the last),
//! an account deleted under a pseudonym that its past actions keep, and invitations whose
//! validity is a platform setting and which can be sent again.

mod support;

use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};
use halles_core::refusals::Refusal;
use halles_store::platform::account_admin::pseudonym;
use halles_store::platform::accounts::NewUser;
use halles_store::platform::audit::Filter;
use halles_store::{Actor, Store, StoreError, TenantScope};
use jiff::SignedDuration;
use support::{at, on_every_db, refused};

async fn user(store: &Store, email: &str, admin: bool) -> halles_store::platform::accounts::User {
    store
        .create_user(
            Actor::system(),
            NewUser {
                email,
                name: &format!("Nom de {email}"),
                lang: Lang::Fr,
                password: Some("une phrase de passe assez longue"),
                is_platform_admin: admin,
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn platform_administrators_are_made_from_the_admin_pages_never_none_left() {
    on_every_db(at("2026-05-20T16:00:00Z"), |store, _clock| async move {
        let root = user(&store, "root@example.org", true).await;
        let ann = user(&store, "ann@example.org", false).await;
        let by = Actor::user(root.id);
        refused(
            store.set_platform_admin(by, root.id, false).await,
            Refusal::LastPlatformAdmin,
        );
        let made = store.set_platform_admin(by, ann.id, true).await.unwrap();
        assert!(made.is_platform_admin);
        assert!(store.user(ann.id).await.unwrap().is_platform_admin);
        // Now the first one can step down; the second is then the last.
        store
            .set_platform_admin(Actor::user(ann.id), root.id, false)
            .await
            .unwrap();
        refused(
            store.set_platform_admin(by, ann.id, false).await,
            Refusal::LastPlatformAdmin,
        );
        // A disabled administrator does not count.
        store.set_platform_admin(by, root.id, true).await.unwrap();
        store.set_user_disabled(by, root.id, true).await.unwrap();
        refused(
            store.set_platform_admin(by, ann.id, false).await,
            Refusal::LastPlatformAdmin,
        );
        // Audited, platform-wide: created, made administrator.
        let history = store.account_history(ann.id).await.unwrap();
        let made = &history[1];
        assert_eq!(made.actor_user, Some(root.id));
        assert_eq!(made.before.as_ref().unwrap()["is_platform_admin"], false);
        assert_eq!(made.after.as_ref().unwrap()["is_platform_admin"], true);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_account_keeps_a_pseudonym_in_the_audit_log_and_loses_the_rest() {
    on_every_db(at("2026-05-20T16:00:00Z"), |store, _clock| async move {
        let root = user(&store, "root@example.org", true).await;
        let bea = user(&store, "bea_t@example.org", false).await;
        let org = support::org(&store, OrgKind::PartnerOrg, "Entraide").await;
        let system = TenantScope::checked(org, Actor::system());
        store
            .add_member(&system, bea.id, Role::Admin)
            .await
            .unwrap();
        // Béa invites someone: an action of hers in the organization's audit log.
        let as_bea = TenantScope::checked(org, Actor::user(bea.id));
        store
            .create_invitation(&as_bea, "carl@example.org", Role::Staff)
            .await
            .unwrap();
        // An invitation to her own address, not accepted, is revoked with her account.
        store
            .create_invitation(&system, "bea_t@example.org", Role::Staff)
            .await
            .unwrap_err();
        let org2 = support::org(&store, OrgKind::PartnerOrg, "Autre").await;
        let other = TenantScope::checked(org2, Actor::system());
        store
            .create_invitation(&other, "BEA_T@example.org", Role::Staff)
            .await
            .unwrap();

        // She is the organization's only administrator: it would be left with none.
        assert!(matches!(
            store.delete_user(Actor::user(root.id), bea.id).await,
            Err(StoreError::Refused(Refusal::LastAdmin))
        ));
        let dan = user(&store, "dan@example.org", false).await;
        store
            .add_member(&system, dan.id, Role::Admin)
            .await
            .unwrap();
        let deleted = store
            .delete_user(Actor::user(root.id), bea.id)
            .await
            .unwrap();
        assert_eq!(deleted.name, pseudonym(bea.id));
        assert!(deleted.deleted_at.is_some() && deleted.disabled_at.is_some());
        assert!(!deleted.email.contains("bea"));
        // She can no longer log in, belongs nowhere, and her address is free again.
        assert!(
            store
                .verify_login(
                    "bea_t@example.org",
                    "une phrase de passe assez longue",
                    "1.2.3.4"
                )
                .await
                .unwrap()
                .is_err()
        );
        assert_eq!(store.role_in(bea.id, org).await.unwrap(), None);
        assert!(
            store
                .user_by_email("bea_t@example.org")
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.pending_invitations(&other).await.unwrap().is_empty());
        // Her past action is still hers, under the pseudonym.
        let log = store
            .audit_entries(
                &as_bea,
                &Filter {
                    entity: Some("invitation".into()),
                    ..Filter::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(log[0].actor_user, Some(bea.id));
        assert_eq!(
            log[0].actor_name.as_deref(),
            Some(pseudonym(bea.id).as_str())
        );
        // The platform's records of the account no longer hold her e-mail nor her name.
        let history = store.account_history(bea.id).await.unwrap();
        assert_eq!(history.len(), 2, "created, deleted");
        let text = format!("{history:?}");
        assert!(
            !text.contains("bea_t@example.org") && !text.contains("Nom de bea"),
            "{text}"
        );
        // Deleted is final: not enabled again, not deleted twice, not made administrator.
        let by = Actor::user(root.id);
        assert!(matches!(
            store.set_user_disabled(by, bea.id, false).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.delete_user(by, bea.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.set_platform_admin(by, bea.id, true).await,
            Err(StoreError::NotFound)
        ));
        // The last platform administrator cannot be deleted.
        refused(
            store.delete_user(Actor::system(), root.id).await,
            Refusal::LastPlatformAdmin,
        );
    })
    .await;
}

#[tokio::test]
async fn invitations_last_the_days_the_platform_sets_and_can_be_sent_again() {
    on_every_db(at("2026-05-20T16:00:00Z"), |store, clock| async move {
        let root = user(&store, "root@example.org", true).await;
        let org = support::org(&store, OrgKind::PartnerOrg, "Entraide").await;
        let scope = TenantScope::checked(org, Actor::system());
        assert_eq!(store.invitation_days().await.unwrap(), 7);
        for bad in [0, 91, -3] {
            refused(
                store.set_invitation_days(Actor::user(root.id), bad).await,
                Refusal::InvitationDaysOutOfRange,
            );
        }
        store
            .set_invitation_days(Actor::user(root.id), 2)
            .await
            .unwrap();
        assert_eq!(store.invitation_days().await.unwrap(), 2);
        let (inv, old) = store
            .create_invitation(&scope, "dan@example.org", Role::Staff)
            .await
            .unwrap();
        assert_eq!(inv.expires_at, store.now() + SignedDuration::from_hours(48));
        // Three days later it has expired: no longer pending, but still unanswered.
        clock.advance(SignedDuration::from_hours(72));
        assert!(store.pending_invitations(&scope).await.unwrap().is_empty());
        assert!(store.invitation_by_secret(&old).await.unwrap().is_none());
        assert_eq!(store.unanswered_invitations(&scope).await.unwrap().len(), 1);
        // Sent again: a new link, valid two days from now; the old one still does not work.
        store
            .set_invitation_days(Actor::user(root.id), 30)
            .await
            .unwrap();
        let (again, new) = store.resend_invitation(&scope, inv.id).await.unwrap();
        assert_eq!(again.id, inv.id);
        assert_eq!(
            again.expires_at,
            store.now() + SignedDuration::from_hours(24 * 30)
        );
        assert!(store.invitation_by_secret(&new).await.unwrap().is_some());
        assert!(store.invitation_by_secret(&old).await.unwrap().is_none());
        assert_eq!(store.pending_invitations(&scope).await.unwrap().len(), 1);
        // Another organization's invitation is not found; a revoked one cannot be resent.
        let org2 = support::org(&store, OrgKind::PartnerOrg, "Autre").await;
        let other = TenantScope::checked(org2, Actor::system());
        assert!(matches!(
            store.resend_invitation(&other, inv.id).await,
            Err(StoreError::NotFound)
        ));
        store.revoke_invitation(&scope, inv.id).await.unwrap();
        assert!(matches!(
            store.resend_invitation(&scope, inv.id).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}
