//! E-mails, written in the recipient's language. The worker's e-mail subscriber turns each
//! domain event into its messages ([`for_event`]), sales' receipts included; the card holders'
//! other notices are queued by the worker's on-time tick.

use crate::i18n::I18n;
use halles_core::accounts::Lang;
use halles_core::money::Cents;
use halles_core::organizations::Role;
use halles_core::quantity::Qty;
use halles_core::{
    CardId, OrderId, OrgId, PaymentBatchId, ProductGroupId, ProductId, ProgramId, UserId,
};
use halles_store::hub::cycles::Cycle;
use halles_store::hub::orders::Order;
use halles_store::platform::email::{Attachment, OutgoingEmail};
use halles_store::platform::events::Event;
use halles_store::{Actor, Store, StoreResult, TenantScope};
use jiff::Timestamp;

/// The messages an event asks for (none for most events).
pub async fn for_event(
    store: &Store,
    base_url: &str,
    event: &Event,
) -> StoreResult<Vec<OutgoingEmail>> {
    let link = |path: &str| format!("{}{path}", base_url.trim_end_matches('/'));
    match event {
        // A person who orders on the shop gets a confirmation; API clients have their answer,
        // and standing orders send their own report.
        Event::OrderPlaced {
            hub,
            buyer,
            order,
            placed_by: Some(_),
            ..
        } => order_confirmation(store, &link, *hub, *buyer, *order).await,
        Event::StandingOrderRan {
            hub,
            buyer,
            order,
            outcome,
            shortages,
            ..
        } => standing_order_report(store, &link, *hub, *buyer, *order, outcome, shortages).await,
        // Every producer of a cycle that opens is told its grid waits for it.
        Event::CycleOpened { hub, cycle } => grid_open(store, &link, *hub, *cycle).await,
        // After the cut-off: the producer gets its purchase order, the buyer hears of a line
        // the hub could not fill as ordered, and of its delivery.
        Event::PurchaseOrderIssued {
            hub,
            cycle,
            producer,
            delivery_day,
            ..
        } => purchase_order(store, &link, *hub, *cycle, *producer, *delivery_day).await,
        Event::OrderAdjusted { hub, buyer, order } => {
            order_news(store, &link, *hub, *buyer, *order, "adjusted").await
        }
        Event::OrderDelivered { hub, buyer, order } => {
            order_news(store, &link, *hub, *buyer, *order, "delivered").await
        }
        Event::InvoiceIssued { buyer, invoice, .. } => {
            invoice_issued(store, &link, *buyer, *invoice).await
        }
        Event::CreditNoteIssued {
            buyer, credit_note, ..
        } => credit_note_issued(store, &link, *buyer, *credit_note).await,
        // A producer hears of its statement, and of its payout.
        Event::StatementIssued {
            producer,
            statement,
            ..
        } => statement_news(store, &link, *producer, *statement, "issued").await,
        Event::PayoutMade {
            producer,
            statement,
            ..
        } => statement_news(store, &link, *producer, *statement, "paid").await,
        Event::BatchPaid {
            operator,
            program,
            batch,
        } => remittance(store, &link, *operator, *program, *batch).await,
        Event::InvitationSent {
            org,
            email,
            role,
            program,
            expires_at,
            inviter,
            secret,
            ..
        } => {
            let invited = Invited {
                email,
                role: *role,
                program: *program,
                expires_at,
                inviter,
            };
            invitation_email(store, &link, *org, &invited, secret).await
        }
        Event::PasswordResetAsked { user, secret } => {
            password_reset(store, &link, *user, secret).await
        }
        Event::EmailChangeAsked {
            user,
            new_email,
            secret,
        } => email_change(store, &link, *user, new_email, secret).await,
        // The holder's receipt, if they gave an e-mail and wanted receipts when they paid.
        Event::SaleMade {
            program,
            market,
            card,
            lines,
            total,
            at,
            receipt: true,
            ..
        } => {
            let sale = Sold {
                program: *program,
                market: *market,
                card: *card,
                lines,
                total: *total,
                at,
            };
            sale_receipt(store, base_url, &sale).await
        }
        Event::SaleMade { .. }
        | Event::RefundMade { .. }
        | Event::OrderPlaced { .. }
        | Event::OrderChanged { .. }
        | Event::OrderCancelled { .. }
        | Event::CycleClosed { .. }
        | Event::CycleChanged { .. }
        | Event::ClaimDecided { .. }
        // A payment is the buyer's own doing: its statement shows it.
        | Event::PaymentRecorded { .. }
        | Event::PaymentVoided { .. }
        // Loads send no e-mail of their own: the holder's notices are the worker's on-time work.
        | Event::LoadRun { .. } => Ok(Vec::new()),
    }
}

/// The password-reset link.
async fn password_reset(
    store: &Store,
    link: &impl Fn(&str) -> String,
    user: UserId,
    secret: &str,
) -> StoreResult<Vec<OutgoingEmail>> {
    let user = store.user(user).await?;
    let i18n = I18n::new(user.lang);
    let body = i18n.ta(
        "mail-reset-body",
        &[
            ("name", user.name.clone()),
            ("link", link(&format!("/mot-de-passe/nouveau/{secret}"))),
        ],
    );
    Ok(vec![OutgoingEmail {
        org: None,
        to: user.email,
        subject: i18n.t("mail-reset-subject"),
        body,
        attachment: None,
    }])
}

/// The link confirming a change of e-mail, to the new address, and a notice to the old one.
async fn email_change(
    store: &Store,
    link: &impl Fn(&str) -> String,
    user: UserId,
    new_email: &str,
    secret: &str,
) -> StoreResult<Vec<OutgoingEmail>> {
    let user = store.user(user).await?;
    let i18n = I18n::new(user.lang);
    let args = [
        ("name", user.name.clone()),
        ("email", new_email.to_owned()),
        ("link", link(&format!("/compte/courriel/{secret}"))),
    ];
    Ok(vec![
        OutgoingEmail {
            org: None,
            to: new_email.to_owned(),
            subject: i18n.t("mail-email-change-subject"),
            body: i18n.ta("mail-email-change-body", &args),
            attachment: None,
        },
        OutgoingEmail {
            org: None,
            to: user.email.clone(),
            subject: i18n.t("mail-email-change-subject"),
            body: i18n.ta("mail-email-change-notice", &args[..2]),
            attachment: None,
        },
    ])
}

/// An invitation as its event tells it.
struct Invited<'a> {
    email: &'a str,
    role: Role,
    program: Option<ProgramId>,
    expires_at: &'a Timestamp,
    inviter: &'a str,
}

/// The invitation link, in the invited person's language when they have an account.
async fn invitation_email(
    store: &Store,
    link: &impl Fn(&str) -> String,
    org: OrgId,
    invited: &Invited<'_>,
    secret: &str,
) -> StoreResult<Vec<OutgoingEmail>> {
    let org = store.organization_by_id(org).await?;
    let lang = match store.user_by_email(invited.email).await? {
        Some(u) => u.lang,
        None => org.lang,
    };
    let i18n = I18n::new(lang);
    let role = match invited.program {
        Some(p) => {
            let program = store.program_by_id(p).await?;
            i18n.ta("role-program-manager", &[("program", program.name)])
        }
        None => i18n.t(&format!("role-{}", invited.role.code())),
    };
    let subject = i18n.ta("mail-invite-subject", &[("org", org.name.clone())]);
    let body = i18n.ta(
        "mail-invite-body",
        &[
            ("org", org.name.clone()),
            ("inviter", invited.inviter.to_owned()),
            ("role", role),
            ("link", link(&format!("/invitations/{secret}"))),
            ("expires", i18n.date(invited.expires_at)),
        ],
    );
    Ok(vec![OutgoingEmail {
        org: Some(org.id),
        to: invited.email.to_owned(),
        subject,
        body,
        attachment: None,
    }])
}

/// An organization's active staff and administrators, each with their language.
async fn staff_of(
    store: &Store,
    org: OrgId,
) -> StoreResult<Vec<(halles_store::platform::organizations::Member, Lang)>> {
    let scope = TenantScope::checked(org, Actor::system());
    let mut out = Vec::new();
    for member in store.members(&scope, None, 10_000).await? {
        if member.disabled || !member.role.satisfies(Role::Staff) {
            continue;
        }
        let lang = store.user(member.user_id).await?.lang;
        out.push((member, lang));
    }
    Ok(out)
}

/// A producer's purchase order, as issued, to its staff in each one's language, with the link
/// to its page (and PDF).
async fn purchase_order(
    store: &Store,
    link: &impl Fn(&str) -> String,
    hub: OrgId,
    cycle: halles_core::CycleId,
    producer: OrgId,
    day: Option<jiff::civil::Date>,
) -> StoreResult<Vec<OutgoingEmail>> {
    let hs = store
        .own_hub(&TenantScope::checked(hub, Actor::system()))
        .await?;
    let c = store.cycle(&hs, cycle).await?;
    let (po, _) = store.purchase_order(&hs, cycle, producer, day).await?;
    let hub_name = store.organization_by_id(hub).await?.name;
    let path = crate::pages::paths::ProducerPurchaseOrder(producer, hub, cycle).to_string();
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, producer).await? {
        let i18n = I18n::new(lang);
        let lines: Vec<String> = po
            .lines
            .iter()
            .map(|l| format!("- {} {}", i18n.qty_unit(l.quantity, l.unit), l.name(lang)))
            .collect();
        let revision = po.issued.as_ref().map_or(1, |i| i.revision);
        let args = [
            ("hub", hub_name.clone()),
            ("cycle", c.name.clone()),
            ("revision", revision.to_string()),
            ("name", member.name.clone()),
            ("day", day.map_or_else(|| c.name.clone(), |d| i18n.day(&d))),
            (
                "lines",
                if lines.is_empty() {
                    i18n.t("mail-po-nothing")
                } else {
                    lines.join("\n")
                },
            ),
            ("link", link(&path)),
        ];
        out.push(OutgoingEmail {
            org: Some(producer),
            to: member.email,
            subject: i18n.ta("mail-po-subject", &args[..3]),
            body: i18n.ta("mail-po-body", &args),
            attachment: None,
        });
    }
    Ok(out)
}

/// News of an order after the cut-off (`adjusted`: a line lowered, replaced or taken out;
/// `delivered`: who received it), to the buyer's staff, with the order as it now stands.
async fn order_news(
    store: &Store,
    link: &impl Fn(&str) -> String,
    hub: OrgId,
    buyer: OrgId,
    id: OrderId,
    kind: &str,
) -> StoreResult<Vec<OutgoingEmail>> {
    let hs = store
        .hub_scope(&TenantScope::checked(buyer, Actor::system()), hub)
        .await?;
    let order = store.order(&hs, id).await?;
    let hub_name = store.organization_by_id(hub).await?.name;
    let delivery = store.order_delivery(&hs, id).await?;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, buyer).await? {
        let i18n = I18n::new(lang);
        let lines: Vec<String> = order
            .lines
            .iter()
            .map(|l| {
                let mut line = format!(
                    "- {} {} : {}",
                    i18n.qty_unit(l.quantity, l.product.unit),
                    l.name(lang),
                    i18n.money(l.total())
                );
                if let Some(q) = l.ordered_quantity {
                    line.push_str(&format!(
                        " ({})",
                        i18n.ta(
                            "mail-line-ordered",
                            &[("qty", i18n.qty_unit(q, l.product.unit))]
                        )
                    ));
                }
                if l.substitute_for.is_some() {
                    line.push_str(&format!(" ({})", i18n.t("mail-line-substitute")));
                }
                line
            })
            .collect();
        let (recipient, at) = match &delivery {
            Some(d) => (
                d.recipient.clone(),
                d.done_at.map(|t| i18n.datetime(&t)).unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        let args = [
            ("number", order.id.to_string()),
            ("hub", hub_name.clone()),
            ("name", member.name.clone()),
            ("lines", lines.join("\n")),
            ("total", i18n.money(order.total())),
            ("recipient", recipient),
            ("at", at),
            ("link", link(&format!("/o/{buyer}/commandes/{hub}/{id}"))),
        ];
        out.push(OutgoingEmail {
            org: Some(buyer),
            to: member.email,
            subject: i18n.ta(&format!("mail-order-{kind}-subject"), &args[..2]),
            body: i18n.ta(&format!("mail-order-{kind}-body"), &args),
            attachment: None,
        });
    }
    Ok(out)
}

/// An invoice issued, to the buyer's administrators and staff, in each one's language, with
/// the link to download it from the buyer's account.
async fn invoice_issued(
    store: &Store,
    link: &impl Fn(&str) -> String,
    buyer: OrgId,
    id: halles_core::InvoiceId,
) -> StoreResult<Vec<OutgoingEmail>> {
    let scope = TenantScope::checked(buyer, Actor::system());
    let inv = store.invoice(&scope, id).await?.invoice;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, buyer).await? {
        let i18n = I18n::new(lang);
        let args = [
            ("number", inv.number.clone()),
            ("hub", inv.seller_name.clone()),
            ("name", member.name.clone()),
            ("total", i18n.money(inv.total)),
            ("due", i18n.day(&inv.due_date)),
            ("link", link(&format!("/o/{buyer}/factures/{id}/pdf"))),
        ];
        out.push(OutgoingEmail {
            org: Some(buyer),
            to: member.email,
            subject: i18n.ta("mail-invoice-subject", &args[..2]),
            body: i18n.ta("mail-invoice-body", &args),
            attachment: Some(Attachment::Invoice { org: buyer, id }),
        });
    }
    Ok(out)
}

/// A credit note, to the buyer's administrators and staff, in each one's language, with the
/// link to its PDF.
async fn credit_note_issued(
    store: &Store,
    link: &impl Fn(&str) -> String,
    buyer: OrgId,
    id: halles_core::CreditNoteId,
) -> StoreResult<Vec<OutgoingEmail>> {
    let scope = TenantScope::checked(buyer, Actor::system());
    let note = store.credit_note(&scope, id).await?.note;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, buyer).await? {
        let i18n = I18n::new(lang);
        let args = [
            ("number", note.number.clone()),
            ("hub", note.seller_name.clone()),
            ("name", member.name.clone()),
            ("invoice", note.invoice_number.clone()),
            ("total", i18n.money(note.total)),
            ("reason", note.reason.clone()),
            ("link", link(&format!("/o/{buyer}/avoirs/{id}/pdf"))),
        ];
        out.push(OutgoingEmail {
            org: Some(buyer),
            to: member.email,
            subject: i18n.ta("mail-credit-note-subject", &args[..2]),
            body: i18n.ta("mail-credit-note-body", &args),
            attachment: Some(Attachment::CreditNote { org: buyer, id }),
        });
    }
    Ok(out)
}

/// The reminder of an overdue invoice, to the buyer's administrators and staff: what is left
/// to pay, since when it was due, and the link to the invoice.
pub async fn invoice_reminder(
    store: &Store,
    base_url: &str,
    due: halles_store::hub::billing::receivables::DueInvoiceReminder,
) -> StoreResult<Vec<OutgoingEmail>> {
    let link = |path: &str| format!("{}{path}", base_url.trim_end_matches('/'));
    let scope = TenantScope::checked(due.buyer, Actor::system());
    let r = store.receivable(&scope, due.invoice).await?;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, due.buyer).await? {
        let i18n = I18n::new(lang);
        let args = [
            ("number", r.number.clone()),
            ("hub", r.seller_name.clone()),
            ("name", member.name.clone()),
            ("balance", i18n.money(r.balance())),
            ("due", i18n.day(&r.due_date)),
            (
                "link",
                link(&format!("/o/{}/factures/{}", due.buyer, due.invoice)),
            ),
        ];
        out.push(OutgoingEmail {
            org: Some(due.buyer),
            to: member.email,
            subject: i18n.ta("mail-invoice-reminder-subject", &args[..2]),
            body: i18n.ta("mail-invoice-reminder-body", &args),
            attachment: None,
        });
    }
    Ok(out)
}

/// A statement issued (`issued`) or paid (`paid`), to the producer's staff in each one's
/// language, with the link to its PDF in their account.
async fn statement_news(
    store: &Store,
    link: &impl Fn(&str) -> String,
    producer: OrgId,
    id: halles_core::StatementId,
    what: &str,
) -> StoreResult<Vec<OutgoingEmail>> {
    let scope = TenantScope::checked(producer, Actor::system());
    let s = store.producer_statement(&scope, id).await?.statement;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, producer).await? {
        let i18n = I18n::new(lang);
        let paid = s.payout.as_ref();
        let args = [
            ("number", s.number.clone()),
            ("hub", s.hub_name.clone()),
            ("name", member.name.clone()),
            ("owed", i18n.money(s.totals.owed)),
            (
                "date",
                paid.map(|p| i18n.day(&p.paid_on)).unwrap_or_default(),
            ),
            (
                "reference",
                paid.map(|p| p.reference.clone()).unwrap_or_default(),
            ),
            (
                "link",
                link(&format!("/o/{producer}/releves-producteurs/{id}/pdf")),
            ),
        ];
        out.push(OutgoingEmail {
            org: Some(producer),
            to: member.email,
            subject: i18n.ta(&format!("mail-statement-{what}-subject"), &args[..2]),
            body: i18n.ta(&format!("mail-statement-{what}-body"), &args),
            attachment: Some(Attachment::ProducerStatement { org: producer, id }),
        });
    }
    Ok(out)
}

/// The order, to the buyer's administrators and staff, in each one's language.
async fn order_confirmation(
    store: &Store,
    link: &impl Fn(&str) -> String,
    hub: OrgId,
    buyer: OrgId,
    id: OrderId,
) -> StoreResult<Vec<OutgoingEmail>> {
    let scope = TenantScope::checked(buyer, Actor::system());
    let hs = store.hub_scope(&scope, hub).await?;
    let order = store.order(&hs, id).await?;
    let cycle = store.cycle(&hs, order.cycle).await?;
    let hub_name = store.organization_by_id(hub).await?.name;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, buyer).await? {
        let i18n = I18n::new(lang);
        let lines: Vec<String> = order
            .lines
            .iter()
            .map(|l| {
                format!(
                    "- {} × {} ({}) : {}",
                    i18n.qty_unit(l.quantity, l.product.unit),
                    l.name(lang),
                    l.product.producer_name,
                    i18n.money(l.total())
                )
            })
            .collect();
        let body = i18n.ta(
            "mail-order-body",
            &[
                ("name", member.name.clone()),
                ("hub", hub_name.clone()),
                ("number", order.id.to_string()),
                ("lines", lines.join("\n")),
                ("total", i18n.money(order.total())),
                ("delivery", delivery_details(&i18n, &order, &cycle)),
                ("link", link(&format!("/o/{buyer}/commandes/{hub}/{id}"))),
            ],
        );
        let subject = i18n.ta(
            "mail-order-subject",
            &[("number", order.id.to_string()), ("hub", hub_name.clone())],
        );
        out.push(OutgoingEmail {
            org: Some(buyer),
            to: member.email,
            subject,
            body,
            attachment: None,
        });
    }
    Ok(out)
}

/// Where and when an order is delivered, one line each: the pickup point or zone with its fee,
/// the cycle's delivery note, the buyer's note.
fn delivery_details(i18n: &I18n, order: &Order, cycle: &Cycle) -> String {
    let detail = |label: String, value: String| {
        i18n.ta("mail-order-detail", &[("label", label), ("value", value)])
    };
    let mut out = Vec::new();
    if let Some(d) = &order.delivery_day {
        out.push(detail(i18n.t("field-delivery-day"), i18n.day(d)));
    }
    if let Some(loc) = cycle
        .locations
        .iter()
        .find(|l| Some(l.id) == order.location)
    {
        let mut value = loc.input.name.clone();
        if loc.input.fee.0 > 0 {
            let fee = i18n.ta("order-location-fee", &[("fee", i18n.money(loc.input.fee))]);
            value = format!("{value} — {fee}");
        }
        out.push(detail(
            i18n.t(&format!("location-{}", loc.input.kind)),
            value,
        ));
    }
    if !cycle.delivery_note.is_empty() {
        out.push(detail(
            i18n.t("field-delivery-note"),
            cycle.delivery_note.clone(),
        ));
    }
    if !order.note.is_empty() {
        out.push(detail(i18n.t("field-note"), order.note.clone()));
    }
    out.join("\n")
}

/// What a buyer's standing order became this week, to its administrators and staff: the
/// order, what was short, or why nothing could be ordered.
async fn standing_order_report(
    store: &Store,
    link: &impl Fn(&str) -> String,
    hub: OrgId,
    buyer: OrgId,
    order: Option<OrderId>,
    outcome: &str,
    shortages: &[(ProductId, Qty, Qty)],
) -> StoreResult<Vec<OutgoingEmail>> {
    let hub = store.organization_by_id(hub).await?;
    let ids: Vec<_> = shortages.iter().map(|(p, _, _)| *p).collect();
    let names = store.product_names(&ids).await?;
    let mut out = Vec::new();
    for (member, lang) in staff_of(store, buyer).await? {
        let i18n = I18n::new(lang);
        let short: Vec<String> = shortages
            .iter()
            .map(|(p, wanted, got)| {
                let (fr, en) = names.get(p).cloned().unwrap_or_default();
                let name = if lang == Lang::En && !en.is_empty() {
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
        let outcome = match (order, outcome) {
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
                ("link", link(&format!("/o/{buyer}/commandes-recurrentes"))),
            ],
        );
        let subject = i18n.ta("mail-standing-subject", &[("hub", hub.name.clone())]);
        out.push(OutgoingEmail {
            org: Some(buyer),
            to: member.email,
            subject,
            body,
            attachment: None,
        });
    }
    Ok(out)
}

fn subject(key: &str) -> String {
    let fr = I18n::new(halles_core::accounts::Lang::Fr).t(key);
    let en = I18n::new(halles_core::accounts::Lang::En).t(key);
    format!("{fr} / {en}")
}

/// A sale as its event tells it.
struct Sold<'a> {
    program: ProgramId,
    market: OrgId,
    card: CardId,
    lines: &'a [(ProductGroupId, Cents)],
    total: Cents,
    at: &'a Timestamp,
}

/// The receipt of a sale, to the card's holder if they (still) have an e-mail and want
/// receipts: none otherwise.
async fn sale_receipt(
    store: &Store,
    base_url: &str,
    r: &Sold<'_>,
) -> StoreResult<Vec<OutgoingEmail>> {
    let Some(to) = store.receipt_contact(r.card).await? else {
        return Ok(Vec::new());
    };
    let groups = store.product_groups(r.program).await?;
    let market = store.organization_by_id(r.market).await?.name;
    let lines = |lang| {
        let i18n = I18n::new(lang);
        r.lines
            .iter()
            .map(|(group, amount)| {
                let name = groups
                    .iter()
                    .find(|g| g.id == *group)
                    .map(|g| g.name(i18n.code()).to_owned())
                    .unwrap_or_default();
                format!("{name} : {}", i18n.money(*amount))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let link = holder_link(base_url, &to.token);
    Ok(vec![holder_email(
        base_url,
        &to,
        "mail-receipt-subject",
        |i18n| {
            i18n.ta(
                "mail-receipt-body",
                &[
                    ("program", to.program.clone()),
                    ("market", market.clone()),
                    ("when", i18n.datetime(r.at)),
                    ("lines", lines(i18n.lang)),
                    ("total", i18n.money(r.total)),
                    ("link", link.clone()),
                ],
            )
        },
    )])
}

/// The card holder's balance page.
fn holder_link(base_url: &str, token: &str) -> String {
    format!("{}/c/{token}", base_url.trim_end_matches('/'))
}

/// A message to a card holder, in French then English, each ending with how to stop these
/// e-mails (from the balance page, which only the card's holder can open).
fn holder_email(
    base_url: &str,
    to: &halles_store::coupons::Contact,
    subject_key: &str,
    body: impl Fn(&I18n) -> String,
) -> OutgoingEmail {
    let link = holder_link(base_url, &to.token);
    let part = |lang| {
        let i18n = I18n::new(lang);
        format!(
            "{}\n\n{}",
            body(&i18n),
            i18n.ta("mail-holder-footer", &[("link", link.clone())])
        )
    };
    OutgoingEmail {
        org: Some(to.operator),
        to: to.email.clone(),
        subject: subject(subject_key),
        body: format!(
            "{}\n\n---\n\n{}",
            part(halles_core::accounts::Lang::Fr),
            part(halles_core::accounts::Lang::En)
        ),
        attachment: None,
    }
}

/// Queues a message to a card holder (see [`holder_email`]).
async fn to_holder(
    store: &Store,
    base_url: &str,
    to: &halles_store::coupons::Contact,
    subject_key: &str,
    body: impl Fn(&I18n) -> String,
) -> StoreResult<()> {
    let email = holder_email(base_url, to, subject_key, body);
    store
        .queue_email(email.org, &email.to, &email.subject, &email.body)
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
        let link = holder_link(base_url, &n.contact.token);
        to_holder(store, base_url, &n.contact, "mail-expiry-subject", |i18n| {
            i18n.ta(
                "mail-expiry-body",
                &[
                    ("program", n.contact.program.clone()),
                    ("amount", i18n.money(n.amount)),
                    // The last day they can be used.
                    (
                        "date",
                        i18n.date(&(n.expires_at - jiff::SignedDuration::from_millis(1))),
                    ),
                    ("link", link.clone()),
                ],
            )
        })
        .await?;
    }
    Ok(notices.len())
}

/// Sends this month's balance statement to every card holder who gave an e-mail, wants
/// receipts and has money on their card; each card gets one per month.
pub async fn balance_statements(store: &Store, base_url: &str) -> StoreResult<usize> {
    let today = halles_core::coupons::local_date(store.now());
    let statements = store.claim_balance_statements(today).await?;
    let mut groups: Vec<(
        halles_core::ProgramId,
        Vec<halles_store::coupons::ProductGroup>,
    )> = Vec::new();
    for st in &statements {
        if !groups.iter().any(|(p, _)| *p == st.program) {
            groups.push((st.program, store.product_groups(st.program).await?));
        }
        let names = groups
            .iter()
            .find(|(p, _)| *p == st.program)
            .map(|(_, g)| g.as_slice())
            .unwrap_or_default();
        let link = holder_link(base_url, &st.contact.token);
        let body = |i18n: &I18n| {
            let lang = i18n.lang.code();
            let lines: Vec<String> = st
                .balances
                .iter()
                .map(|(g, c)| {
                    let name = names
                        .iter()
                        .find(|x| x.id == *g)
                        .map(|x| x.name(lang).to_owned())
                        .unwrap_or_default();
                    format!("- {name} : {}", i18n.money(*c))
                })
                .collect();
            let total = halles_core::money::Cents(st.balances.iter().map(|(_, c)| c.0).sum());
            i18n.ta(
                "mail-statement-body",
                &[
                    ("program", st.contact.program.clone()),
                    ("month", st.month.clone()),
                    ("lines", lines.join("\n")),
                    ("total", i18n.money(total)),
                    ("link", link.clone()),
                ],
            )
        };
        to_holder(store, base_url, &st.contact, "mail-statement-subject", body).await?;
    }
    Ok(statements.len())
}

/// Tells each participant of a schedule that just ended (who gave an e-mail and wants receipts)
/// that no more loads will come, and what is left on their card; once per schedule.
pub async fn schedule_end_notices(store: &Store, base_url: &str) -> StoreResult<usize> {
    let today = halles_core::coupons::local_date(store.now());
    let notices = store.claim_schedule_end_notices(today).await?;
    for n in &notices {
        let link = holder_link(base_url, &n.contact.token);
        let body = |i18n: &I18n| {
            i18n.ta(
                "mail-schedule-end-body",
                &[
                    ("program", n.contact.program.clone()),
                    ("schedule", n.schedule.clone()),
                    (
                        "date",
                        i18n.date(&halles_core::coupons::start_of(n.ended_on)),
                    ),
                    ("amount", i18n.money(n.balance)),
                    ("link", link.clone()),
                ],
            )
        };
        to_holder(
            store,
            base_url,
            &n.contact,
            "mail-schedule-end-subject",
            body,
        )
        .await?;
    }
    Ok(notices.len())
}

/// What each market paid in a batch was paid, for which periods, on which day and under which
/// reference: one e-mail to each of its staff, in their language.
async fn remittance(
    store: &Store,
    link: &impl Fn(&str) -> String,
    operator: OrgId,
    program: ProgramId,
    batch: PaymentBatchId,
) -> StoreResult<Vec<OutgoingEmail>> {
    let scope = TenantScope::checked(operator, Actor::system());
    let ps = store.operated_program(&scope, program).await?;
    let program = ps.program();
    let (batch, claims) = store.payment_batch(&ps, batch).await?;
    let paid_on = batch.paid_on.map(|d| d.to_string()).unwrap_or_default();
    let mut markets: Vec<OrgId> = claims.iter().map(|c| c.market).collect();
    markets.sort_by_key(|m| m.0);
    markets.dedup();
    let mut out = Vec::new();
    for market in markets {
        let mine: Vec<_> = claims.iter().filter(|c| c.market == market).collect();
        let total = halles_core::money::Cents(mine.iter().map(|c| c.amount.0).sum());
        for (member, lang) in staff_of(store, market).await? {
            let i18n = I18n::new(lang);
            let lines: Vec<String> = mine
                .iter()
                .map(|c| {
                    i18n.ta(
                        "mail-remittance-line",
                        &[
                            ("from", c.period_start.to_string()),
                            ("until", c.last_day().to_string()),
                            ("amount", i18n.money(c.amount)),
                        ],
                    )
                })
                .collect();
            let body = i18n.ta(
                "mail-remittance-body",
                &[
                    ("name", member.name.clone()),
                    ("program", program.name.clone()),
                    ("total", i18n.money(total)),
                    ("paid_on", paid_on.clone()),
                    ("reference", batch.reference.clone()),
                    ("batch", batch.id.to_string()),
                    ("claims", lines.join("\n")),
                    (
                        "link",
                        link(&format!(
                            "/o/{market}/programmes/{}/reclamations",
                            program.id
                        )),
                    ),
                ],
            );
            let subject = i18n.ta(
                "mail-remittance-subject",
                &[("program", program.name.clone())],
            );
            out.push(OutgoingEmail {
                org: Some(market),
                to: member.email,
                subject,
                body,
                attachment: None,
            });
        }
    }
    Ok(out)
}

/// To each producer's staff, in their language: a cycle's grid waits for it, until the
/// cut-off. `kind` is `open` (the cycle opened) or `reminder` (the cut-off is near and it
/// posted nothing).
async fn grid_mail(
    store: &Store,
    link: &impl Fn(&str) -> String,
    (hub, cycle): (OrgId, halles_core::CycleId),
    producers: &[OrgId],
    kind: &str,
) -> StoreResult<Vec<OutgoingEmail>> {
    let hs = store
        .own_hub(&TenantScope::checked(hub, Actor::system()))
        .await?;
    let c = store.cycle(&hs, cycle).await?;
    let hub_name = store.organization_by_id(hub).await?.name;
    let mut out = Vec::new();
    for producer in producers {
        let grid = crate::pages::paths::ProducerGrid(*producer, hub, cycle).to_string();
        for (member, lang) in staff_of(store, *producer).await? {
            let i18n = I18n::new(lang);
            let args = [
                ("name", member.name.clone()),
                ("hub", hub_name.clone()),
                ("cycle", c.name.clone()),
                ("closes", i18n.datetime(&c.closes_at)),
                ("link", link(&grid)),
            ];
            out.push(OutgoingEmail {
                org: Some(*producer),
                to: member.email,
                subject: i18n.ta(&format!("mail-grid-{kind}-subject"), &args[1..3]),
                body: i18n.ta(&format!("mail-grid-{kind}-body"), &args),
                attachment: None,
            });
        }
    }
    Ok(out)
}

/// A cycle opened: every producer of it is told its grid waits.
async fn grid_open(
    store: &Store,
    link: &impl Fn(&str) -> String,
    hub: OrgId,
    cycle: halles_core::CycleId,
) -> StoreResult<Vec<OutgoingEmail>> {
    let hs = store
        .own_hub(&TenantScope::checked(hub, Actor::system()))
        .await?;
    let producers = store.cycle(&hs, cycle).await?.producers;
    grid_mail(store, link, (hub, cycle), &producers, "open").await
}

/// The reminder to a producer that posted nothing as the cut-off nears.
pub async fn availability_reminder(
    store: &Store,
    base_url: &str,
    due: halles_store::hub::availability::DueReminder,
) -> StoreResult<Vec<OutgoingEmail>> {
    let link = |path: &str| format!("{}{path}", base_url.trim_end_matches('/'));
    grid_mail(
        store,
        &link,
        (due.hub, due.cycle),
        &[due.producer],
        "reminder",
    )
    .await
}

/// A program's monthly report (the month of `due`), to each recipient in their language: the
/// month's figures and links to the report page and its workbook in their account. The mailer
/// sends no attachments, so the workbook is a link (it asks the reader to sign in).
pub async fn monthly_report(
    store: &Store,
    base_url: &str,
    due: &halles_store::coupons::DueMonthlyReport,
) -> StoreResult<Vec<OutgoingEmail>> {
    let scope = TenantScope::checked(due.operator, Actor::system());
    let ps = store.operated_program(&scope, due.program).await?;
    let next = due.month.last_of_month().tomorrow().unwrap_or(due.month);
    let filter = halles_store::coupons::ReportFilter {
        from: Some(halles_core::coupons::start_of(due.month)),
        until: Some(halles_core::coupons::start_of(next)),
        market: None,
    };
    let totals = store.report_totals(&ps, filter).await?;
    let counts = store.report_counts(&ps, filter).await?;
    let reach = store.reach(&ps, filter).await?;
    let base = base_url.trim_end_matches('/');
    let mut out = Vec::new();
    for r in store
        .monthly_report_recipients(due.program, due.month)
        .await?
    {
        let i18n = I18n::new(r.lang.parse::<Lang>().unwrap_or_default());
        let page = format!(
            "{base}/o/{}/programmes/{}/rapports?by=market&from={}&to={}",
            r.org,
            due.program,
            due.month,
            due.month.last_of_month()
        );
        let args = [
            ("program", ps.program().name.clone()),
            ("month", i18n.month(due.month)),
            ("loaded", i18n.money(totals.put_on())),
            ("spent", i18n.money(totals.spent)),
            ("refunded", i18n.money(totals.refunded)),
            ("expired", i18n.money(totals.expired)),
            ("owed", i18n.money(totals.net_spent())),
            ("purchases", counts.purchases.to_string()),
            ("participants", counts.participants.to_string()),
            ("loaded_people", reach.loaded.to_string()),
            ("basket", i18n.money(counts.average_basket(totals.spent))),
            ("link", page.clone()),
            ("xlsx", format!("{page}&format=xlsx")),
        ];
        out.push(OutgoingEmail {
            org: Some(r.org),
            to: r.email,
            subject: i18n.ta("freport-mail-subject", &args[..2]),
            body: i18n.ta("freport-mail-body", &args),
            attachment: None,
        });
    }
    Ok(out)
}

/// A document rendered for a message: its file name and its PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedAttachment {
    /// The file name (`F-2026-0001.pdf`).
    pub filename: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

/// Why a message's document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// The document could not be read.
    #[error("document: {0}")]
    Store(#[from] halles_store::StoreError),
    /// The PDF could not be drawn.
    #[error("pdf: {0}")]
    Pdf(#[from] halles_docs::DocumentError),
}

/// Renders the document a message carries, as the organization it names reads it, with the
/// same functions as the pages' downloads (the PDF sent is the PDF downloaded).
pub async fn attachment_pdf(
    store: &Store,
    attachment: Attachment,
) -> Result<RenderedAttachment, AttachmentError> {
    use crate::pages::hub::billing::{credit_note_pdf, invoice_pdf, producer_statement_pdf};
    let reader = |org| TenantScope::checked(org, Actor::system());
    let (number, pdf) = match attachment {
        Attachment::Invoice { org, id } => {
            let inv = store.invoice(&reader(org), id).await?;
            (inv.invoice.number.clone(), invoice_pdf(&inv)?)
        }
        Attachment::CreditNote { org, id } => {
            let cn = store.credit_note(&reader(org), id).await?;
            (cn.note.number.clone(), credit_note_pdf(&cn)?)
        }
        Attachment::ProducerStatement { org, id } => {
            let s = store.producer_statement(&reader(org), id).await?;
            (s.statement.number.clone(), producer_statement_pdf(&s)?)
        }
    };
    Ok(RenderedAttachment {
        filename: format!("{number}.pdf"),
        pdf,
    })
}
