//! The audit log page, its filters and its CSV and XLSX exports.

use crate::AppState;
use crate::ctx::{AdminRole, Ctx, Member};
use crate::errors::{PageError, render};
use crate::pages::paths;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::AuditId;
use halles_docs::Table;
use halles_store::platform::audit::{Entry, Filter};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

/// Entries per page.
const PAGE_SIZE: i64 = 50;
/// Entries in one export.
const EXPORT_MAX: i64 = 50_000;

/// Filters as typed in the form.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    before: Option<i64>,
    #[serde(default)]
    format: String,
}

fn day_start(s: &str, days_after: i64) -> Option<jiff::Timestamp> {
    let d: Date = s.parse().ok()?;
    let d = d.checked_add(jiff::Span::new().days(days_after)).ok()?;
    let tz = TimeZone::get(crate::i18n::TIME_ZONE).ok()?;
    d.to_zoned(tz).ok().map(|z| z.timestamp())
}

impl AuditQuery {
    fn filter(&self) -> Filter {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Filter {
            entity: opt(&self.entity),
            action: opt(&self.action),
            from: day_start(&self.from, 0),
            until: day_start(&self.until, 1),
            before_id: self.before.map(AuditId),
        }
    }

    fn query_string(&self, before: Option<AuditId>) -> String {
        let mut pairs = vec![
            ("entity", self.entity.clone()),
            ("action", self.action.clone()),
            ("from", self.from.clone()),
            ("until", self.until.clone()),
        ];
        if let Some(b) = before {
            pairs.push(("before", b.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Ctx,
    entries: Vec<Entry>,
    entities: Vec<String>,
    q: AuditQuery,
    older: Option<String>,
    export_query: String,
}

impl AuditPage {
    fn json(&self, v: &Option<serde_json::Value>) -> String {
        v.as_ref()
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
            .unwrap_or_default()
    }

    fn actor(&self, e: &Entry) -> String {
        actor_label(&self.page, e)
    }

    /// The receipt a sale or refund entry stands for (the ledger keeps the money itself).
    fn receipt_link(&self, e: &Entry) -> Option<String> {
        let sale = match e.entity.as_str() {
            "redemption" => e.entity_id.parse().ok()?,
            "refund" => {
                halles_core::RedemptionId(e.after.as_ref()?.get("redemption_id")?.as_i64()?)
            }
            _ => return None,
        };
        Some(paths::Receipt(self.page.org(), sale).to_string())
    }
}

fn actor_label(page: &Ctx, e: &Entry) -> String {
    match (&e.actor_name, e.actor_token) {
        (Some(n), _) => n.clone(),
        (None, Some(t)) => page.ta("audit-actor-token", [("id", t.to_string())]),
        (None, None) => page.t("audit-actor-system"),
    }
}

/// The audit log, newest first, filtered.
pub async fn list(
    _: paths::Audit,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let mut entries = state
        .store
        .audit_entries(&m.scope, &q.filter(), PAGE_SIZE + 1)
        .await?;
    let older = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        entries
            .last()
            .map(|e| format!("?{}", q.query_string(Some(e.id))))
    } else {
        None
    };
    let entities = state.store.audit_entities(&m.scope).await?;
    let lang = m.ctx.i18n.lang;
    let export_query = q.query_string(None);
    Ok(render(
        &AuditPage {
            page: m.ctx,
            entries,
            entities,
            q,
            older,
            export_query,
        },
        lang,
    ))
}

/// The filtered log as CSV (`format=csv`, the default) or XLSX (`format=xlsx`).
pub async fn export(
    _: paths::AuditExport,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let entries = state
        .store
        .audit_entries(&m.scope, &q.filter(), EXPORT_MAX)
        .await?;
    let p = &m.ctx;
    let mut table = Table::new(
        [
            "audit-col-when",
            "audit-col-who",
            "audit-col-action",
            "audit-col-entity",
            "audit-col-id",
            "audit-col-before",
            "audit-col-after",
        ]
        .iter()
        .map(|k| p.t(k))
        .collect(),
    );
    for e in &entries {
        table.push(vec![
            e.at.to_string(),
            actor_label(p, e),
            e.action.clone(),
            e.entity.clone(),
            e.entity_id.clone(),
            e.before.as_ref().map(|v| v.to_string()).unwrap_or_default(),
            e.after.as_ref().map(|v| v.to_string()).unwrap_or_default(),
        ]);
    }
    crate::pages::download(
        p,
        table,
        &q.format,
        &p.t("audit-title"),
        &format!("audit-{}", m.org.id),
    )
}
