//! E-mails the web layer sends, written in the recipient's language and queued in the outbox.

use crate::AppState;
use crate::i18n::I18n;
use halles_store::StoreResult;
use halles_store::accounts::User;
use halles_store::organizations::{Invitation, Organization};

/// Sends a password-reset link.
pub async fn password_reset(state: &AppState, user: &User, secret: &str) -> StoreResult<()> {
    let i18n = I18n::new(user.lang);
    let link = state.link(&format!("/password/reset/{secret}"));
    let body = i18n.ta(
        "mail-reset-body",
        &[("name", user.name.clone()), ("link", link)],
    );
    state
        .store
        .queue_email(None, &user.email, &i18n.t("mail-reset-subject"), &body)
        .await?;
    Ok(())
}

/// Sends an invitation link, in the invited person's language when they have an account.
pub async fn invitation(
    state: &AppState,
    org: &Organization,
    invitation: &Invitation,
    inviter: &str,
    secret: &str,
) -> StoreResult<()> {
    let lang = match state.store.user_by_email(&invitation.email).await? {
        Some(u) => u.lang,
        None => org.lang,
    };
    let i18n = I18n::new(lang);
    let link = state.link(&format!("/invitations/{secret}"));
    let role = i18n.t(&format!("role-{}", invitation.role.code()));
    let subject = i18n.ta("mail-invite-subject", &[("org", org.name.clone())]);
    let body = i18n.ta(
        "mail-invite-body",
        &[
            ("org", org.name.clone()),
            ("inviter", inviter.to_owned()),
            ("role", role),
            ("link", link),
            ("expires", i18n.date(&invitation.expires_at)),
        ],
    );
    state
        .store
        .queue_email(Some(org.id), &invitation.email, &subject, &body)
        .await?;
    Ok(())
}
