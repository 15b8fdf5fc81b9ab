//! Changing an allocation schedule (the operator): the form shows what the change does for
//! how many participants first, and applies it only once confirmed, unchanged since.

use super::programs::{ProgramView, back, forbidden, view};
use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::{FormErrors, PerRow};
use crate::pages::paths;
use crate::security::CsrfForm;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use halles_core::coupons::{Expiry, LoadMoment};
use halles_core::{ParticipantTypeId, ProductGroupId};
use halles_store::StoreError;
use halles_store::coupons::{Schedule, ScheduleChange, ScheduleImpact};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// A schedule's fields as typed; amounts in `amount_{type}_{group}` fields. `step` is
/// `preview` or `confirm`; `previewed` the fingerprint of the values the preview was made of.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ScheduleEditForm {
    name: String,
    starts_on: String,
    ends_on: String,
    moment: String,
    max_loads: String,
    /// `never`, `date`, `days` or `use`.
    expiry: String,
    expires_on: String,
    expires_days: String,
    #[serde(skip_serializing)]
    step: String,
    #[serde(skip_serializing)]
    previewed: String,
    #[serde(flatten)]
    amounts: PerRow,
}

impl ScheduleEditForm {
    /// The form filled with what the schedule holds.
    fn of(s: &Schedule, v: &ProgramView) -> Self {
        let (expiry, expires_on, expires_days) = match s.expiry {
            Expiry::Never => ("never", String::new(), String::new()),
            Expiry::OnDate { date } => ("date", date.to_string(), String::new()),
            Expiry::AfterDays { days } => ("days", String::new(), days.to_string()),
            Expiry::AfterFirstUse { days } => ("use", String::new(), days.to_string()),
        };
        let mut amounts = std::collections::BTreeMap::new();
        for t in &v.types {
            for g in v.groups.iter().filter(|g| !g.is_loyalty) {
                let c = s
                    .amounts
                    .iter()
                    .find(|(at, ag, _)| *at == t.id && *ag == g.id)
                    .map(|(_, _, c)| c.plain())
                    .unwrap_or_default();
                amounts.insert(format!("amount_{}_{}", t.id, g.id), c);
            }
        }
        let amounts: PerRow =
            serde_json::from_value(serde_json::json!(amounts)).unwrap_or_default();
        ScheduleEditForm {
            name: s.name.clone(),
            starts_on: s.starts_on.to_string(),
            ends_on: s.ends_on.to_string(),
            moment: s.moment.code().to_owned(),
            max_loads: s.max_loads.to_string(),
            expiry: expiry.to_owned(),
            expires_on,
            expires_days,
            step: String::new(),
            previewed: String::new(),
            amounts,
        }
    }

    /// A fingerprint of the values (not the step): a confirmation applies only what was
    /// previewed.
    fn fingerprint(&self) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for v in [
            &self.name,
            &self.starts_on,
            &self.ends_on,
            &self.moment,
            &self.max_loads,
            &self.expiry,
            &self.expires_on,
            &self.expires_days,
        ] {
            v.trim().hash(&mut h);
        }
        for (k, v) in self.amounts.starting_with("amount_") {
            (k, v.trim()).hash(&mut h);
        }
        format!("{:016x}", h.finish())
    }
}

#[derive(Template)]
#[template(path = "schedule_edit.html")]
struct ScheduleEditPage {
    page: Ctx,
    v: ProgramView,
    s: Schedule,
    errors: FormErrors,
    form: ScheduleEditForm,
    impact: Option<ScheduleImpact>,
    fingerprint: String,
}

impl ScheduleEditPage {
    fn amount_key(&self, t: &ParticipantTypeId, g: &ProductGroupId) -> String {
        format!("amount_{t}_{g}")
    }
    fn amount_label(&self, t: &ParticipantTypeId, g: &ProductGroupId) -> String {
        let lang = self.page.i18n.lang.code();
        format!(
            "{} — {}",
            self.v.type_name(lang, *t),
            self.v.group_name(lang, *g)
        )
    }
    fn amount(&self, key: &str) -> String {
        self.form.amounts.get(key).to_owned()
    }
    fn spendable_groups(&self) -> Vec<&halles_store::coupons::ProductGroup> {
        self.v.groups.iter().filter(|g| !g.is_loyalty).collect()
    }
    fn moment_is(&self, m: &str) -> bool {
        self.form.moment == m
    }
    fn expiry_is(&self, k: &str) -> bool {
        self.form.expiry == k
    }
    fn field_label(&self, f: &&'static str) -> String {
        self.page.label("schedule-field", f)
    }
}

async fn edit_page(
    state: &AppState,
    m: Member<StaffRole>,
    v: ProgramView,
    s: Schedule,
    errors: FormErrors,
    form: ScheduleEditForm,
    impact: Option<ScheduleImpact>,
) -> Result<Response, PageError> {
    let _ = state;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let fingerprint = form.fingerprint();
    Ok(render_form(
        &ScheduleEditPage {
            page: m.ctx,
            v,
            s,
            errors,
            form,
            impact,
            fingerprint,
        },
        lang,
        failed,
    ))
}

/// The change form of a schedule (the operator).
pub async fn edit_form(
    paths::ScheduleEdit(_, id, sid): paths::ScheduleEdit,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    if !v.is_operator() {
        return Err(forbidden(&m.ctx));
    }
    let s = state.store.program_schedule(&v.scope, sid).await?;
    if s.participant.is_some() {
        return Err(StoreError::NotFound.into());
    }
    let form = ScheduleEditForm::of(&s, &v);
    edit_page(&state, m, v, s, FormErrors::none(), form, None).await
}

/// Previews a change (what it does, for how many participants), or applies it once confirmed
/// with the values previewed; changed values are previewed again.
pub async fn edit(
    paths::ScheduleEdit(_, id, sid): paths::ScheduleEdit,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ScheduleEditForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let v = view(&state, &m, id).await?;
    if !v.is_operator() {
        return Err(forbidden(&m.ctx));
    }
    let s = state.store.program_schedule(&v.scope, sid).await?;
    let mut errors = FormErrors::none();
    let mut err = |f: &str, key: &str| errors.push(f, key, &i18n);
    let starts = form.starts_on.trim().parse().ok();
    let ends = form.ends_on.trim().parse().ok();
    if starts.is_none() {
        err("starts_on", "err-date_invalid");
    }
    if ends.is_none() {
        err("ends_on", "err-date_invalid");
    }
    let moment: Option<LoadMoment> = form.moment.trim().parse().ok();
    if moment.is_none() {
        err("moment", "err-choice_invalid");
    }
    let max_loads = form.max_loads.trim().parse::<u32>().ok();
    if max_loads.is_none() {
        err("max_loads", "err-max_loads");
    }
    let expiry = super::schedules::expiry_field(
        &form.expiry,
        &form.expires_on,
        &form.expires_days,
        &mut err,
    );
    let amounts = super::schedules::amounts_field(&v, &form.amounts, &mut err);
    if !errors.is_empty() {
        return edit_page(&state, m, v, s, errors, form, None).await;
    }
    let change = ScheduleChange {
        name: Some(form.name.clone()),
        starts_on: starts,
        ends_on: ends,
        moment,
        max_loads,
        expiry,
        amounts: Some(amounts),
    };
    let apply = form.step == "confirm" && form.previewed == form.fingerprint();
    match state
        .store
        .change_schedule(&v.scope, sid, &change, apply)
        .await
    {
        Ok(_) if apply => Ok(back(&m, id, "flash-schedule-changed", &state)),
        Ok(impact) => edit_page(&state, m, v, s, errors, form, Some(impact)).await,
        Err(e) => {
            let field = match &e {
                StoreError::Refused(r) if r.code() == "max_loads_below_loaded" => "max_loads",
                _ => "name",
            };
            let errors = FormErrors::from_store(e, field, &i18n)?;
            edit_page(&state, m, v, s, errors, form, None).await
        }
    }
}
