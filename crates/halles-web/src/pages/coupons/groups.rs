//! A program's product groups (added, renamed, moved, deleted) and market groups.

use super::programs::{back, program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::{PerRow, Typed};
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_core::OrgId;
use halles_store::StoreError;
use serde::{Deserialize, Serialize};

/// A new product group's names.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GroupForm {
    group_fr: String,
    group_en: String,
}

/// Adds a product group (the operator): names in French and English.
pub async fn add_group(
    paths::Groups(_, id): paths::Groups,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .add_product_group(
            &program,
            form.group_fr.trim(),
            form.group_en.trim(),
            "#2e7d32",
        )
        .await
        .map(|_| ());
    saved_or_refused(&state, m, id, result, Typed::of(&form), |_| {
        "group_fr".to_owned()
    })
    .await
}

/// A group's new names, in fields named after it (`group_{id}_fr`, `group_{id}_en`), since
/// every group's form is on the same page; the other actions send nothing.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GroupActionForm {
    #[serde(flatten)]
    names: PerRow,
}

/// Renames, moves or deletes a product group (the operator): `action` is `renommer`, `monter`,
/// `descendre` or `supprimer`. A refusal comes back on the program's page, on the group's form.
pub async fn group_action(
    paths::GroupAction(_, id, group, action): paths::GroupAction,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<GroupActionForm>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let field = |lang: &str| format!("group_{group}_{lang}");
    let get = |k: String| form.names.get(&k).to_owned();
    let store = &state.store;
    let result = match action.as_str() {
        "renommer" => {
            store
                .rename_product_group(&program, group, &get(field("fr")), &get(field("en")))
                .await
        }
        "monter" => store.move_product_group(&program, group, true).await,
        "descendre" => store.move_product_group(&program, group, false).await,
        "supprimer" => store.delete_product_group(&program, group).await,
        _ => return Err(StoreError::NotFound.into()),
    };
    let at = field("fr");
    saved_or_refused(&state, m, id, result, Typed::of(&form), |_| at.clone()).await
}

/// A new market group: its name and the market managing it (empty: none).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MarketGroupForm {
    market_group: String,
    manager: String,
}

/// Creates a market group, with one of the program's markets as its manager or none (the
/// operator).
pub async fn add_market_group(
    paths::MarketGroups(_, id): paths::MarketGroups,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<MarketGroupForm>,
) -> Result<Response, PageError> {
    let name = form.market_group.trim();
    let manager = form.manager.trim().parse().ok().map(OrgId);
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .create_market_group(&program, name, manager)
        .await
        .map(|_| ());
    saved_or_refused(&state, m, id, result, Typed::of(&form), |code| {
        let field = if code == "manager_not_market" {
            "manager"
        } else {
            "market_group"
        };
        field.to_owned()
    })
    .await
}

/// The market to place and its group (none: out of any).
#[derive(Debug, Deserialize)]
pub struct PlaceMarketForm {
    #[serde(default)]
    market: String,
    #[serde(default)]
    group: String,
}

/// Puts one of the program's markets in a market group, or out of any (the operator).
pub async fn place_market(
    paths::MarketGroupPlace(_, id): paths::MarketGroupPlace,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PlaceMarketForm>,
) -> Result<Response, PageError> {
    let market = OrgId(form.market.trim().parse().unwrap_or(0));
    let group = form
        .group
        .trim()
        .parse()
        .ok()
        .map(halles_core::MarketGroupId);
    let program = program_scope(&state, &m, id).await?;
    state
        .store
        .set_market_group(&program, market, group)
        .await?;
    Ok(back(&m, id, "flash-saved", &state))
}

/// A market group's new name, in a field named after it (`market_group_{id}`), since every
/// group's form is on the same page; the other actions send nothing.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MarketGroupActionForm {
    #[serde(flatten)]
    names: PerRow,
}

/// Renames, archives, restores or deletes a market group (the operator): `action` is
/// `renommer`, `archiver`, `restaurer` or `supprimer`. A refusal comes back on the program's
/// page, on the group's name field.
pub async fn market_group_action(
    paths::MarketGroupAction(_, id, group, action): paths::MarketGroupAction,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<MarketGroupActionForm>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let field = format!("market_group_{group}");
    let store = &state.store;
    let result = match action.as_str() {
        "renommer" => {
            store
                .rename_market_group(&program, group, form.names.get(&field))
                .await
        }
        "archiver" => store.set_market_group_archived(&program, group, true).await,
        "restaurer" => {
            store
                .set_market_group_archived(&program, group, false)
                .await
        }
        "supprimer" => store.delete_market_group(&program, group).await,
        _ => return Err(StoreError::NotFound.into()),
    };
    saved_or_refused(&state, m, id, result, Typed::of(&form), |_| field.clone()).await
}
