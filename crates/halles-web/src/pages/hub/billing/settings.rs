//! The hub's billing settings: who sells, tax registration, numbering, fee taxation, terms;
//! and the accounts its journal export names.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::billing::PaymentTerms;
use halles_core::journal::Account;
use halles_core::taxes::FeeTaxation;
use halles_store::hub::billing::settings::BillingSettings;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The settings as typed.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    registered: Option<String>,
    #[serde(default)]
    gst_number: String,
    #[serde(default)]
    qst_number: String,
    #[serde(default)]
    invoice_prefix: String,
    #[serde(default)]
    yearly_reset: Option<String>,
    #[serde(default)]
    fee_taxation: String,
    #[serde(default)]
    payment_terms: String,
    #[serde(default)]
    how_to_pay: String,
    #[serde(default)]
    auto_issue: Option<String>,
}

impl From<&BillingSettings> for SettingsForm {
    fn from(s: &BillingSettings) -> Self {
        let on = |b: bool| b.then(|| "on".to_owned());
        SettingsForm {
            legal_name: s.legal_name.clone(),
            address: s.address.clone(),
            registered: on(s.registered),
            gst_number: s.gst_number.clone(),
            qst_number: s.qst_number.clone(),
            invoice_prefix: s.invoice_prefix.clone(),
            yearly_reset: on(s.yearly_reset),
            fee_taxation: s.fee_taxation.code().to_owned(),
            payment_terms: s.payment_terms.code().to_owned(),
            how_to_pay: s.how_to_pay.clone(),
            auto_issue: on(s.auto_issue),
        }
    }
}

impl SettingsForm {
    fn settings(&self) -> BillingSettings {
        BillingSettings {
            legal_name: self.legal_name.clone(),
            address: self.address.clone(),
            registered: self.registered.is_some(),
            gst_number: self.gst_number.clone(),
            qst_number: self.qst_number.clone(),
            invoice_prefix: self.invoice_prefix.clone(),
            yearly_reset: self.yearly_reset.is_some(),
            fee_taxation: self.fee_taxation.parse().unwrap_or_default(),
            payment_terms: self.payment_terms.parse().unwrap_or_default(),
            how_to_pay: self.how_to_pay.clone(),
            auto_issue: self.auto_issue.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "billing_settings.html")]
struct SettingsPage {
    page: Ctx,
    form: SettingsForm,
    saved: bool,
    errors: FormErrors,
}

impl SettingsPage {
    fn fee_modes(&self) -> Vec<(&'static str, String)> {
        FeeTaxation::ALL
            .iter()
            .map(|f| (f.code(), self.page.t(&format!("fee-taxation-{}", f.code()))))
            .collect()
    }

    fn terms(&self) -> Vec<(&'static str, String)> {
        PaymentTerms::ALL
            .iter()
            .map(|t| (t.code(), self.page.t(&format!("terms-{}", t.code()))))
            .collect()
    }
}

/// The hub's billing settings.
pub async fn form(
    _: paths::BillingSettings,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let (s, saved) = state.store.billing_settings(&hs).await?;
    let lang = m.ctx.i18n.lang;
    let page = SettingsPage {
        page: m.ctx,
        form: SettingsForm::from(&s),
        saved,
        errors: FormErrors::none(),
    };
    Ok(render(&page, lang))
}

/// Saves the hub's billing settings.
pub async fn save(
    paths::BillingSettings(org): paths::BillingSettings,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    match state.store.set_billing_settings(&hs, form.settings()).await {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-billing-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::BillingSettings(org).to_string(), [f, k]))
        }
        Err(e) => {
            let errors = FormErrors::from_store(e, "legal_name", &m.ctx.i18n)?;
            let lang = m.ctx.i18n.lang;
            let page = SettingsPage {
                page: m.ctx,
                form,
                saved: false,
                errors,
            };
            let mut res = render(&page, lang);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

/// The accounts of the journal as typed, one field per account's code.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct AccountsForm {
    #[serde(flatten)]
    names: crate::forms::PerRow,
}

#[derive(Template)]
#[template(path = "journal_accounts.html")]
struct AccountsPage {
    page: Ctx,
    /// Each account: its code, what was typed or saved, its default.
    rows: Vec<(&'static str, String, &'static str)>,
    errors: FormErrors,
}

impl AccountsPage {
    fn label(&self, code: &str) -> String {
        self.page.t(&format!("journal-account-{code}"))
    }

    fn hint(&self, default: &str) -> String {
        self.page
            .ta("journal-account-default", [("name", default.to_owned())])
    }
}

fn account_rows(value: impl Fn(Account) -> String) -> Vec<(&'static str, String, &'static str)> {
    Account::ALL
        .iter()
        .map(|a| (a.code(), value(*a), a.default_name()))
        .collect()
}

/// The accounts the hub's journal export names.
pub async fn accounts(
    _: paths::JournalAccounts,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let names = state.store.journal_accounts(&hs).await?;
    let lang = m.ctx.i18n.lang;
    let page = AccountsPage {
        page: m.ctx,
        rows: account_rows(|a| names.get(&a).cloned().unwrap_or_default()),
        errors: FormErrors::none(),
    };
    Ok(render(&page, lang))
}

/// Saves the accounts; the form comes back with what was typed and each message by its field.
pub async fn save_accounts(
    paths::JournalAccounts(org): paths::JournalAccounts,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<AccountsForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let names: BTreeMap<Account, String> = Account::ALL
        .iter()
        .map(|a| (*a, form.names.get(a.code()).to_owned()))
        .collect();
    match state.store.set_journal_accounts(&hs, &names).await {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-journal-accounts-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::JournalAccounts(org).to_string(), [f, k]))
        }
        Err(e) => {
            let errors = FormErrors::from_store(e, "receivables", &m.ctx.i18n)?;
            let lang = m.ctx.i18n.lang;
            let page = AccountsPage {
                page: m.ctx,
                rows: account_rows(|a| form.names.get(a.code()).to_owned()),
                errors,
            };
            let mut res = render(&page, lang);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}
