//! Who sees what: the hub shows a product, or a whole cycle, only to buyers carrying one of a
//! rule's tags (tags are set on the partners page).

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use halles_core::catalog::parse_tags;
use halles_core::validation::FieldError;
use halles_store::hub::catalog::Product;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::visibility::{Rule, Rules};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "visibility.html")]
struct VisibilityPage {
    page: Ctx,
    products: Vec<Product>,
    cycles: Vec<Cycle>,
    rules: Rules,
    /// Every tag the hub's buyers carry, to remind what can be typed.
    known_tags: Vec<String>,
    errors: FormErrors,
    /// The field refused, with what was typed.
    typed: Option<(String, String)>,
}

impl VisibilityPage {
    /// The tags shown in a field: as typed after an error, else as saved.
    fn tags(&self, field: &str, saved: Option<&Vec<String>>) -> String {
        match &self.typed {
            Some((f, typed)) if f == field => typed.clone(),
            _ => saved.map(|t| t.join(" ")).unwrap_or_default(),
        }
    }
    fn product_tags(&self, p: &Product) -> String {
        self.tags(&product_field(p.id), self.rules.products.get(&p.id))
    }
    fn cycle_tags(&self, c: &Cycle) -> String {
        self.tags(&cycle_field(c.id), self.rules.cycles.get(&c.id))
    }
}

fn product_field(id: halles_core::ProductId) -> String {
    format!("tags-p{id}")
}

fn cycle_field(id: halles_core::CycleId) -> String {
    format!("tags-c{id}")
}

/// The hub's products and cycles with their rules.
pub async fn rules(
    _: paths::Visibility,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    rules_page(&state, m, FormErrors::none(), None).await
}

async fn rules_page(
    state: &AppState,
    m: Member<StaffRole>,
    errors: FormErrors,
    typed: Option<(String, String)>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(state, &m).await?;
    let products = state.store.hub_products(&hs).await?;
    let cycles = state.store.cycles(&hs).await?;
    let rules = state.store.visibility_rules(&hs).await?;
    let mut known_tags: Vec<String> = state
        .store
        .buyer_settings(&hs)
        .await?
        .into_values()
        .flat_map(|s| s.tags)
        .collect();
    known_tags.sort();
    known_tags.dedup();
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &VisibilityPage {
            page: m.ctx,
            products,
            cycles,
            rules,
            known_tags,
            errors,
            typed,
        },
        lang,
        failed,
    ))
}

/// A rule's tags as typed.
#[derive(Debug, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    tags: String,
}

/// Saves a rule, or shows the page again with the refused tags beside their field.
async fn save(
    state: &AppState,
    m: Member<StaffRole>,
    rule: Rule,
    field: String,
    form: RuleForm,
) -> Result<Response, PageError> {
    let hs = super::own_hub(state, &m).await?;
    match parse_tags(&form.tags) {
        Ok(tags) => {
            state.store.set_visibility(&hs, rule, &tags).await?;
            let [f, k] = flash_headers(
                "success",
                "flash-visibility-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Visibility(m.org.id).to_string(), [f, k]))
        }
        Err(code) => {
            let errors = FormErrors::from_fields(&[FieldError::new(&field, code)], &m.ctx.i18n);
            rules_page(state, m, errors, Some((field, form.tags))).await
        }
    }
}

/// Sets which buyers see a product.
pub async fn set_product(
    paths::VisibilityProduct(_, id): paths::VisibilityProduct,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RuleForm>,
) -> Result<Response, PageError> {
    save(&state, m, Rule::Product(id), product_field(id), form).await
}

/// Sets which buyers see a cycle.
pub async fn set_cycle(
    paths::VisibilityCycle(_, id): paths::VisibilityCycle,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RuleForm>,
) -> Result<Response, PageError> {
    save(&state, m, Rule::Cycle(id), cycle_field(id), form).await
}
