//! Home pages: where a person lands, and each organization's "what to do next".

use crate::AppState;
use crate::ctx::{Ctx, Member, SignedIn};
use crate::errors::{PageError, render};
use crate::pages::paths;
use crate::pages::see_other;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use halles_core::organizations::{OrgKind, Role};
use halles_store::hub::availability::WaitingGrid;

/// The guide written for each kind of organization.
pub fn guide_for(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Hub => "hub",
        OrgKind::Producer => "producer",
        OrgKind::Buyer => "buyer",
        OrgKind::ProgramOperator => "program",
        OrgKind::PartnerOrg => "partner",
        OrgKind::Market => "market",
        OrgKind::Funder => "funder",
    }
}

#[derive(Template)]
#[template(path = "home_none.html")]
struct NoOrgPage {
    page: Ctx,
}

/// `/`: the first organization of a signed-in person, else the login page.
pub async fn root(_: paths::Root, signed: Result<SignedIn, PageError>) -> Response {
    let Ok(SignedIn { ctx, user }) = signed else {
        return see_other(&paths::Login.to_string(), []);
    };
    // Land where the person does the most: the strongest role, then the name.
    let best = ctx
        .memberships
        .iter()
        .min_by_key(|m| std::cmp::Reverse(m.role));
    if let Some(first) = best {
        return see_other(&paths::OrgHome(first.org.id).to_string(), []);
    }
    if user.is_platform_admin {
        return see_other(&paths::Admin.to_string(), []);
    }
    let lang = ctx.i18n.lang;
    render(&NoOrgPage { page: ctx }, lang)
}

#[derive(Template)]
#[template(path = "home_org.html")]
struct OrgHomePage {
    page: Ctx,
    kind_intro: String,
    guide: String,
    coming: String,
    member_count: usize,
    pending_invitations: usize,
    /// A producer's grids waiting for it: open cycles where it posted nothing.
    waiting: Vec<WaitingGrid>,
}

/// An organization's home: who we are here and what to do next.
pub async fn org_home(
    _: paths::OrgHome,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    if let Some(program) = m.program {
        return Ok(crate::pages::see_other(
            &paths::Program(m.org.id, program).to_string(),
            [],
        ));
    }
    let (member_count, pending_invitations) = if m.role == Role::Admin {
        (
            state.store.members(&m.scope, None, 500).await?.len(),
            state.store.pending_invitations(&m.scope).await?.len(),
        )
    } else {
        (0, 0)
    };
    let waiting = if m.org.kind == OrgKind::Producer {
        state.store.grids_waiting(&m.scope).await?
    } else {
        Vec::new()
    };
    let kind = m.org.kind.code();
    let page = OrgHomePage {
        waiting,
        kind_intro: m.ctx.t(&format!("home-intro-{kind}")),
        coming: m.ctx.t(&format!("home-coming-{kind}")),
        guide: format!("{}/{}", m.ctx.help_path(), guide_for(m.org.kind)),
        member_count,
        pending_invitations,
        page: m.ctx,
    };
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}
