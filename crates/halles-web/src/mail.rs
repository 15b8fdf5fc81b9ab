//! E-mails the web layer sends, written in the recipient's language and queued in the outbox.

use crate::AppState;
use crate::i18n::I18n;
use halles_store::accounts::User;
use halles_store::organizations::{Invitation, Organization};
use halles_store::standing::RunReport;
use halles_store::{Store, StoreResult, TenantScope};

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

/// Tells each buyer's administrators and staff what their standing order became this week:
/// the order, what was short, or why nothing could be ordered.
pub async fn standing_order_reports(
    store: &Store,
    base_url: &str,
    reports: &[RunReport],
) -> StoreResult<()> {
    for report in reports {
        let hub = store.organization_by_id(report.hub).await?;
        let ids: Vec<_> = report.run.shortages.iter().map(|(p, _, _)| *p).collect();
        let names = store.product_names(&ids).await?;
        let scope = TenantScope::checked(report.buyer, halles_store::Actor::system());
        for member in store.members(&scope, None, 200).await? {
            if member.disabled
                || !member
                    .role
                    .satisfies(halles_core::organizations::Role::Staff)
            {
                continue;
            }
            let lang = store.user(member.user_id).await?.lang;
            let i18n = I18n::new(lang);
            let short: Vec<String> = report
                .run
                .shortages
                .iter()
                .map(|(p, wanted, got)| {
                    let (fr, en) = names.get(p).cloned().unwrap_or_default();
                    let name = if lang == halles_core::accounts::Lang::En && !en.is_empty() {
                        en
                    } else {
                        fr
                    };
                    i18n.ta(
                        "mail-standing-short",
                        &[
                            ("product", name),
                            ("wanted", i18n.qty(*wanted)),
                            ("got", i18n.qty(*got)),
                        ],
                    )
                })
                .collect();
            let outcome = match (&report.run.order, report.run.outcome.as_str()) {
                (Some(id), _) => i18n.ta("mail-standing-placed", &[("number", id.to_string())]),
                (None, "skipped") => i18n.t("mail-standing-skipped"),
                (None, _) => i18n.t("mail-standing-failed"),
            };
            let body = i18n.ta(
                "mail-standing-body",
                &[
                    ("name", member.name.clone()),
                    ("hub", hub.name.clone()),
                    ("outcome", outcome),
                    (
                        "shortages",
                        if short.is_empty() {
                            i18n.t("mail-standing-no-shortage")
                        } else {
                            short.join("\n")
                        },
                    ),
                    (
                        "link",
                        format!(
                            "{}/o/{}/standing-orders",
                            base_url.trim_end_matches('/'),
                            report.buyer
                        ),
                    ),
                ],
            );
            let subject = i18n.ta("mail-standing-subject", &[("hub", hub.name.clone())]);
            store
                .queue_email(Some(report.buyer), &member.email, &subject, &body)
                .await?;
        }
    }
    Ok(())
}

fn subject(key: &str) -> String {
    let fr = I18n::new(halles_core::accounts::Lang::Fr).t(key);
    let en = I18n::new(halles_core::accounts::Lang::En).t(key);
    format!("{fr} / {en}")
}

/// E-mails the receipt of a redemption to the card holder, if they gave an e-mail and want
/// receipts.
pub async fn redemption_receipt(
    store: &Store,
    base_url: &str,
    r: &halles_store::coupons::Redemption,
) -> StoreResult<()> {
    if !r.notify {
        return Ok(());
    }
    let Some(to) = store.receipt_contact(r.card).await? else {
        return Ok(());
    };
    let groups = store.product_groups(r.program).await?;
    let market = store.organization_by_id(r.market).await?.name;
    let lines = |lang| {
        let i18n = I18n::new(lang);
        r.lines
            .iter()
            .map(|l| {
                let name = groups
                    .iter()
                    .find(|g| g.id == l.group)
                    .map(|g| g.name(i18n.code()).to_owned())
                    .unwrap_or_default();
                format!("{name} : {}", i18n.money(l.amount))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let link = format!("{}/c/{}", base_url.trim_end_matches('/'), to.token);
    let body = |lang| {
        let i18n = I18n::new(lang);
        i18n.ta(
            "mail-receipt-body",
            &[
                ("program", to.program.clone()),
                ("market", market.clone()),
                ("when", i18n.datetime(&r.at)),
                ("lines", lines(lang)),
                ("total", i18n.money(r.total)),
                ("link", link.clone()),
            ],
        )
    };
    let text = format!(
        "{}\n\n---\n\n{}",
        body(halles_core::accounts::Lang::Fr),
        body(halles_core::accounts::Lang::En)
    );
    store
        .queue_email(
            Some(to.operator),
            &to.email,
            &subject("mail-receipt-subject"),
            &text,
        )
        .await?;
    Ok(())
}

/// Tells card holders (with an e-mail) that funds on their card expire within a week. Each lot
/// is announced once.
pub async fn expiry_notices(store: &Store, base_url: &str) -> StoreResult<usize> {
    let notices = store
        .claim_expiry_notices(jiff::SignedDuration::from_hours(24 * 7))
        .await?;
    for n in &notices {
        let fr = I18n::new(halles_core::accounts::Lang::Fr);
        let en = I18n::new(halles_core::accounts::Lang::En);
        let link = format!("{}/c/{}", base_url.trim_end_matches('/'), n.contact.token);
        let args = |i18n: &I18n| {
            vec![
                ("program", n.contact.program.clone()),
                ("amount", i18n.money(n.amount)),
                // The last day they can be used.
                (
                    "date",
                    i18n.date(&(n.expires_at - jiff::SignedDuration::from_millis(1))),
                ),
                ("link", link.clone()),
            ]
        };
        let text = format!(
            "{}\n\n---\n\n{}",
            fr.ta("mail-expiry-body", &args(&fr)),
            en.ta("mail-expiry-body", &args(&en))
        );
        store
            .queue_email(
                Some(n.contact.operator),
                &n.contact.email,
                &subject("mail-expiry-subject"),
                &text,
            )
            .await?;
    }
    Ok(notices.len())
}
