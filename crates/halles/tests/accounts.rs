//! Accounts from the pages: a platform administrator makes another one and deletes an account
//! (kept under a pseudonym), sets how long invitations last, and an organization's
//! administrator sends an expired invitation again.

mod support;

use halles_core::organizations::{OrgKind, Role};
use halles_store::platform::account_admin::pseudonym;
use halles_store::{Actor, TenantScope};
use jiff::SignedDuration;
use support::TestApp;

#[tokio::test]
async fn a_platform_administrator_makes_another_and_deletes_an_account_from_the_pages() {
    for app in TestApp::on_every_db().await {
        let root = app.platform_admin("admin@halles.example").await;
        let org = app.org(OrgKind::PartnerOrg, "Entraide").await;
        let ann = app
            .user("ann@entraide.example", Some((org.id, Role::Admin)))
            .await;
        let bob = app
            .user("bob@entraide.example", Some((org.id, Role::Staff)))
            .await;
        let b = app.logged_in("admin@halles.example").await;
        let page = b.page("/admin/utilisateurs").await;
        assert!(page.has(&format!(
            "/admin/utilisateurs/{}/nommer-administrateur",
            ann.id
        )));
        // Made a platform administrator from the page.
        let res = b
            .send(
                &format!("/admin/utilisateurs/{}/nommer-administrateur", ann.id),
                &[],
            )
            .await;
        assert_eq!(res.status, 303);
        assert!(app.store.user(ann.id).await.unwrap().is_platform_admin);
        // Not oneself, and never the last.
        let res = b
            .send(
                &format!("/admin/utilisateurs/{}/retirer-administrateur", root.id),
                &[],
            )
            .await;
        assert_eq!(res.status, 303);
        assert!(app.store.user(root.id).await.unwrap().is_platform_admin);
        // Deleting asks for the box to be ticked.
        let delete = format!("/admin/utilisateurs/{}/supprimer", bob.id);
        let res = b.send(&delete, &[]).await;
        assert_eq!(res.status, 303);
        assert!(app.store.user(bob.id).await.unwrap().deleted_at.is_none());
        let res = b.send(&delete, &[("confirm", "1")]).await;
        assert_eq!(res.status, 303);
        let gone = app.store.user(bob.id).await.unwrap();
        assert_eq!(gone.name, pseudonym(bob.id));
        let page = b.page("/admin/utilisateurs").await;
        assert!(page.has("data-status=\"deleted\"") && !page.has("bob@entraide.example"));
        // Bob's session is over and he cannot log in again.
        let scope = TenantScope::checked(org.id, Actor::system());
        assert_eq!(app.store.role_in(bob.id, org.id).await.unwrap(), None);
        assert_eq!(app.store.members(&scope, None, 10).await.unwrap().len(), 1);
        app.stop().await;
    }
}

#[tokio::test]
async fn invitations_last_the_days_the_platform_sets_and_an_expired_one_is_sent_again() {
    for app in TestApp::on_every_db().await {
        app.platform_admin("admin@halles.example").await;
        let org = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user("ann@entraide.example", Some((org.id, Role::Admin)))
            .await;
        let admin = app.logged_in("admin@halles.example").await;
        // A validity out of bounds comes back with the message and what was typed.
        let res = admin
            .send("/admin/reglages", &[("invitation_days", "365")])
            .await;
        assert_eq!(res.status, 422);
        assert_eq!(res.errors(), ["invitation_days_out_of_range"]);
        assert_eq!(res.value_of("invitation_days"), "365");
        let res = admin
            .send("/admin/reglages", &[("invitation_days", "3")])
            .await;
        assert_eq!(res.status, 303);
        assert_eq!(app.store.invitation_days().await.unwrap(), 3);
        // Ann invites Carl; four days later the invitation has expired: sent again.
        let b = app.logged_in("ann@entraide.example").await;
        let members = format!("/o/{}/membres", org.id);
        let res = b
            .send(
                &format!("{members}/inviter"),
                &[("email", "carl@example.org"), ("role", "staff")],
            )
            .await;
        assert_eq!(res.status, 303);
        let scope = TenantScope::checked(org.id, Actor::system());
        let inv = app.store.pending_invitations(&scope).await.unwrap()[0].clone();
        assert_eq!(
            inv.expires_at,
            inv.created_at + SignedDuration::from_hours(72)
        );
        app.clock.advance(SignedDuration::from_hours(96));
        let page = b.page(&members).await;
        assert!(page.has_status("expired"), "{page:?}");
        let res = b
            .send(
                &format!("/o/{}/invitations/{}/renvoyer", org.id, inv.id),
                &[],
            )
            .await;
        assert_eq!(res.status, 303);
        let again = app.store.pending_invitations(&scope).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(
            again[0].expires_at,
            app.store.now() + SignedDuration::from_hours(72)
        );
        app.stop().await;
    }
}
