//! A program's member organizations (partners, markets, funders) and the markets a
//! partner's participants may use.

use super::programs::{back, program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::Typed;
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_core::OrgId;
use halles_core::coupons::ProgramRole;
use halles_core::organizations::OrgKind;
use halles_store::StoreError;
use serde::Deserialize;

/// Takes an organization out of the program (the operator); a partner still holding people
/// or money is refused beside the list.
pub async fn remove_member(
    paths::ProgramMemberRemove(_, id, member): paths::ProgramMemberRemove,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let result = state.store.remove_program_member(&program, member).await;
    saved_or_refused(&state, m, id, result, Typed::none(), |_| {
        "member".to_owned()
    })
    .await
}

/// The markets ticked for a partner (`market` boxes).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PartnerMarketsForm {
    market: Vec<String>,
}

/// Sets the markets where a partner's participants may spend (the operator): the ticked
/// `market` boxes, or none for every market.
pub async fn set_partner_markets(
    paths::PartnerMarkets(_, id, partner): paths::PartnerMarkets,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PartnerMarketsForm>,
) -> Result<Response, PageError> {
    let markets: Vec<OrgId> = form
        .market
        .iter()
        .filter_map(|v| v.parse().ok().map(OrgId))
        .collect();
    let program = program_scope(&state, &m, id).await?;
    state
        .store
        .set_partner_markets(&program, partner, &markets)
        .await?;
    Ok(back(&m, id, "flash-saved", &state))
}

/// Adds a partner, market or funder (the operator).
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    member: String,
}

/// Adds an organization to the program, its role given by its kind.
pub async fn add_member(
    paths::ProgramMembers(_, id): paths::ProgramMembers,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, PageError> {
    let org = OrgId(form.member.parse().unwrap_or(0));
    let kind = state.store.organization_by_id(org).await?.kind;
    let role = match kind {
        OrgKind::PartnerOrg => ProgramRole::Partner,
        OrgKind::Market => ProgramRole::Market,
        OrgKind::Funder => ProgramRole::Funder,
        _ => return Err(StoreError::NotFound.into()),
    };
    let program = program_scope(&state, &m, id).await?;
    state.store.add_program_member(&program, org, role).await?;
    Ok(back(&m, id, "flash-member-added", &state))
}
