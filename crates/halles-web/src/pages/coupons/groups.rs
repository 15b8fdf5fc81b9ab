//! A program's product groups (added, renamed, moved, deleted) and market groups.

use super::programs::{back, program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::security::CsrfForm;
use axum::extract::{Path, State};
use axum::response::Response;
use halles_core::OrgId;
use halles_core::ProductGroupId;
use halles_store::StoreError;
use std::collections::HashMap;

/// Adds a product group (the operator): names in French and English.
pub async fn add_group(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .add_product_group(&program, &get("group_fr"), &get("group_en"), "#2e7d32")
        .await
        .map(|_| ());
    saved_or_refused(&state, m, id, result, form, |_| "group_fr".to_owned()).await
}

/// Renames, moves or deletes a product group (the operator): `action` is `renommer`, `monter`,
/// `descendre` or `supprimer`. A refusal comes back on the program's page, on the group's form.
pub async fn group_action(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, group, action)): Path<(i64, i64, i64, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (program, g) = (program_scope(&state, &m, id).await?, ProductGroupId(group));
    let field = |lang: &str| format!("group_{group}_{lang}");
    let get = |k: String| {
        form.get(&k)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let store = &state.store;
    let result = match action.as_str() {
        "renommer" => {
            store
                .rename_product_group(&program, g, &get(field("fr")), &get(field("en")))
                .await
        }
        "monter" => store.move_product_group(&program, g, true).await,
        "descendre" => store.move_product_group(&program, g, false).await,
        "supprimer" => store.delete_product_group(&program, g).await,
        _ => return Err(StoreError::NotFound.into()),
    };
    let at = field("fr");
    saved_or_refused(&state, m, id, result, form, |_| at.clone()).await
}

/// Creates a market group, with one of the program's markets as its manager or none (the
/// operator).
pub async fn add_market_group(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let name = form.get("market_group").map(|s| s.trim()).unwrap_or("");
    let manager = form
        .get("manager")
        .and_then(|s| s.trim().parse().ok())
        .map(OrgId);
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .create_market_group(&program, name, manager)
        .await
        .map(|_| ());
    saved_or_refused(&state, m, id, result, form, |code| {
        let field = if code == "manager_not_market" {
            "manager"
        } else {
            "market_group"
        };
        field.to_owned()
    })
    .await
}

/// Puts one of the program's markets in a market group, or out of any (the operator).
pub async fn place_market(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let market = OrgId(
        form.get("market")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
    );
    let group = form
        .get("group")
        .and_then(|s| s.trim().parse().ok())
        .map(halles_core::MarketGroupId);
    let program = program_scope(&state, &m, id).await?;
    state
        .store
        .set_market_group(&program, market, group)
        .await?;
    Ok(back(&m, id, "flash-saved", &state))
}
