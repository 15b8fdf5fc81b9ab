//! Request context for pages: who is signed in, in which language, in which organization.
//!
//! [`Ctx`] is loaded once per request. [`Member`] adds the organization named in the path and
//! checks the member's role: handlers that take a `Member` never check access themselves.

use crate::AppState;
use crate::errors::PageError;
use crate::i18n::I18n;
use crate::security::{CsrfToken, Flash, LANG_COOKIE, SESSION_COOKIE, cookie};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};
use halles_core::{OrgId, ProgramId};
use halles_store::platform::accounts::User;
use halles_store::platform::organizations::{MyMembership, Organization};
use halles_store::{Actor, TenantScope};
use jiff::Timestamp;
use std::marker::PhantomData;

/// The language a request asks for before we know who it is: the language cookie, else French.
pub fn lang_hint(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|c| c.parse().ok())
        .unwrap_or_default()
}

/// A small copyable value, however many references templates wrap it in.
pub trait AsValue<T> {
    /// The value.
    fn value(&self) -> T;
}

impl AsValue<halles_core::money::Cents> for halles_core::money::Cents {
    fn value(&self) -> halles_core::money::Cents {
        *self
    }
}

impl AsValue<halles_core::quantity::Qty> for halles_core::quantity::Qty {
    fn value(&self) -> halles_core::quantity::Qty {
        *self
    }
}

impl AsValue<jiff::civil::Date> for jiff::civil::Date {
    fn value(&self) -> jiff::civil::Date {
        *self
    }
}

impl<T, V: AsValue<T> + ?Sized> AsValue<T> for &V {
    fn value(&self) -> T {
        (**self).value()
    }
}

/// The organization a page is about, and the viewer's role in it.
#[derive(Debug, Clone)]
pub struct CurrentOrg {
    /// The organization.
    pub org: Organization,
    /// The viewer's role.
    pub role: Role,
    /// The one program the viewer manages, when their membership is limited to it.
    pub program: Option<ProgramId>,
}

/// Everything the base layout needs, loaded once per request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Translator in the viewer's language.
    pub i18n: I18n,
    /// The signed-in person.
    pub user: Option<User>,
    /// Their organizations (for the switcher).
    pub memberships: Vec<MyMembership>,
    /// The organization of this page, when there is one.
    pub current: Option<CurrentOrg>,
    /// The CSRF token to put in forms.
    pub csrf: String,
    /// A one-time message.
    pub flash: Option<Flash>,
    /// This page's path and query, to come back to after switching language.
    pub path: String,
}

impl Ctx {
    /// Translates a key.
    pub fn t(&self, key: &str) -> String {
        self.i18n.t(key)
    }

    /// Translates a key with arguments.
    pub fn ta<A: AsRef<[(&'static str, String)]>>(&self, key: &str, args: A) -> String {
        self.i18n.ta(key, args.as_ref())
    }

    /// The label of an organization kind.
    pub fn kind_label(&self, kind: &OrgKind) -> String {
        self.t(&format!("kind-{}", kind.code()))
    }

    /// The label of a role.
    pub fn role_label(&self, role: &Role) -> String {
        self.t(&format!("role-{}", role.code()))
    }

    /// An amount in the viewer's language.
    pub fn money<C: AsValue<halles_core::money::Cents>>(&self, c: C) -> String {
        self.i18n.money(c.value())
    }

    /// A quantity in the viewer's language.
    pub fn qty<Q: AsValue<halles_core::quantity::Qty>>(&self, q: Q) -> String {
        self.i18n.qty(q.value())
    }

    /// A quantity with its sale unit in the viewer's language: `5 kg`, `12 unités`.
    pub fn qty_unit<Q: AsValue<halles_core::quantity::Qty>>(
        &self,
        q: Q,
        unit: &halles_core::catalog::SaleUnit,
    ) -> String {
        self.i18n.qty_unit(q.value(), *unit)
    }

    /// A price by weight in both units, the buyer's first: `12,00 $/kg (5,44 $/lb)`.
    pub fn by_weight(&self, w: &halles_core::catalog::WeightPrices) -> String {
        self.i18n.by_weight(w)
    }

    /// Whether the current organization is of this kind (`hub`, `producer`, `buyer`...).
    pub fn kind_is(&self, kind: &str) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.org.kind.code() == kind)
    }

    /// Whether the viewer is staff or administrator of the current organization.
    pub fn is_org_staff(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.role.satisfies(Role::Staff))
    }

    /// The label of a coded value: `{prefix}-{code}` in the translation files.
    pub fn label(&self, prefix: &str, code: &str) -> String {
        self.t(&format!("{prefix}-{code}"))
    }

    /// The label of an audit action code.
    pub fn action_label(&self, action: &str) -> String {
        self.t(&format!("audit-action-{action}"))
    }

    /// A date and time in the viewer's language.
    pub fn dt(&self, t: &Timestamp) -> String {
        self.i18n.datetime(t)
    }

    /// A delivery day in the viewer's language.
    pub fn day<D: AsValue<jiff::civil::Date>>(&self, d: D) -> String {
        self.i18n.day(&d.value())
    }

    /// The flash message, translated; a key written `key#42` gives the message the number
    /// 42 as `$n`.
    pub fn flash_text(&self) -> Option<(String, String)> {
        let f = self.flash.as_ref()?;
        let (key, n) = match f.key.split_once('#') {
            Some((key, n)) => (key, n.parse::<i64>().ok()),
            None => (f.key.as_str(), None),
        };
        let text = match n {
            // A message with an argument is only found when given it.
            Some(n) => Some(self.i18n.ta(key, &[("n", n.to_string())])).filter(|t| t != key),
            None => self.i18n.has(key).then(|| self.t(key)),
        }?;
        Some((f.kind.clone(), text))
    }

    /// The flash message's key (`flash-saved`, `err-photo_missing`), without its number.
    pub fn flash_key(&self) -> &str {
        self.flash
            .as_ref()
            .map_or("", |f| f.key.split('#').next().unwrap_or_default())
    }

    /// Whether the viewer administers the whole platform.
    pub fn is_platform_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_platform_admin)
    }

    /// Whether the viewer is an administrator of the current organization.
    pub fn is_org_admin(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.role == Role::Admin && c.program.is_none())
    }

    /// The other language, for the switcher.
    pub fn other_lang(&self) -> Lang {
        match self.i18n.lang {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// The help page in the viewer's language.
    pub fn help_path(&self) -> &'static str {
        match self.i18n.lang {
            Lang::Fr => "/aide",
            Lang::En => "/help",
        }
    }

    async fn load(parts: &mut Parts, state: &AppState) -> Result<Ctx, PageError> {
        let headers = &parts.headers;
        let lang_cookie = lang_hint(headers);
        let user = match cookie(headers, SESSION_COOKIE) {
            Some(secret) => state
                .store
                .session_user(&secret)
                .await
                .map_err(|e| PageError::internal(lang_cookie, e))?,
            None => None,
        };
        let lang = user.as_ref().map(|u| u.lang).unwrap_or(lang_cookie);
        let memberships = match &user {
            Some(u) => state
                .store
                .memberships_of(u.id)
                .await
                .map_err(|e| PageError::internal(lang, e))?,
            None => Vec::new(),
        };
        Ok(Ctx {
            i18n: I18n::new(lang),
            user,
            memberships,
            current: None,
            csrf: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            flash: parts.extensions.get::<Flash>().cloned(),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
        })
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let ctx = Ctx::load(parts, state).await?;
        parts.extensions.insert(ctx.clone());
        if let Some(slot) = parts.extensions.get::<CtxSlot>() {
            let _ = slot.0.set(ctx.clone());
        }
        Ok(ctx)
    }
}

/// Where the context a handler loaded is kept for the error middleware
/// ([`crate::errors::render_in_context`]), so an error page does not load it again.
#[derive(Debug, Clone, Default)]
pub struct CtxSlot(pub std::sync::Arc<std::sync::OnceLock<Ctx>>);

/// A signed-in person; anonymous visitors are sent to the login page.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The page context.
    pub ctx: Ctx,
    /// The person.
    pub user: User,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.user.clone() {
            Some(user) => Ok(SignedIn { ctx, user }),
            None => Err(PageError::login(&ctx.path)),
        }
    }
}

/// A platform administrator.
#[derive(Debug, Clone)]
pub struct PlatformAdmin {
    /// The page context.
    pub ctx: Ctx,
    /// The administrator.
    pub user: User,
}

impl FromRequestParts<AppState> for PlatformAdmin {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let s = SignedIn::from_request_parts(parts, state).await?;
        if !s.user.is_platform_admin {
            return Err(PageError::new(
                StatusCode::FORBIDDEN,
                s.ctx.i18n.lang,
                "err-forbidden",
            ));
        }
        Ok(PlatformAdmin {
            ctx: s.ctx,
            user: s.user,
        })
    }
}

/// The least role a route requires.
pub trait RoleRequirement: Send + Sync + 'static {
    /// The role.
    const ROLE: Role;
}

/// Any member may enter.
#[derive(Debug, Clone, Copy)]
pub struct AnyRole;
impl RoleRequirement for AnyRole {
    const ROLE: Role = Role::Viewer;
}
/// Cashiers, staff and administrators.
#[derive(Debug, Clone, Copy)]
pub struct CashierRole;
impl RoleRequirement for CashierRole {
    const ROLE: Role = Role::Cashier;
}
/// Staff and administrators.
#[derive(Debug, Clone, Copy)]
pub struct StaffRole;
impl RoleRequirement for StaffRole {
    const ROLE: Role = Role::Staff;
}
/// Administrators only.
#[derive(Debug, Clone, Copy)]
pub struct AdminRole;
impl RoleRequirement for AdminRole {
    const ROLE: Role = Role::Admin;
}

/// A member of the organization named `{org}` in the path, holding at least `R`'s role.
/// A foreign organization's id answers 404; a member without the role gets 403.
#[derive(Debug, Clone)]
pub struct Member<R: RoleRequirement = AnyRole> {
    /// The page context, with `current` set.
    pub ctx: Ctx,
    /// The person.
    pub user: User,
    /// The scope to pass to the store.
    pub scope: TenantScope,
    /// The organization.
    pub org: Organization,
    /// The member's role.
    pub role: Role,
    /// The one program they manage, when their membership is limited to it.
    pub program: Option<ProgramId>,
    _role: PhantomData<R>,
}

impl<R: RoleRequirement> Member<R> {
    /// The same member, seen with a weaker requirement (for pages shared by several roles).
    pub fn from_staff<S: RoleRequirement>(m: Member<S>) -> Member<R> {
        Member {
            ctx: m.ctx,
            user: m.user,
            scope: m.scope,
            org: m.org,
            role: m.role,
            program: m.program,
            _role: PhantomData,
        }
    }
}

/// Reads the `{org}` path parameter.
pub(crate) async fn org_param(parts: &mut Parts, state: &AppState) -> Option<OrgId> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    params
        .iter()
        .find(|(k, _)| *k == "org")
        .and_then(|(_, v)| v.parse().ok())
}

impl<R: RoleRequirement> FromRequestParts<AppState> for Member<R> {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let SignedIn { mut ctx, user } = SignedIn::from_request_parts(parts, state).await?;
        let lang = ctx.i18n.lang;
        let not_found = || PageError::new(StatusCode::NOT_FOUND, lang, "err-not-found");
        let org_id = org_param(parts, state).await.ok_or_else(not_found)?;
        let mine = ctx
            .memberships
            .iter()
            .find(|m| m.org.id == org_id)
            .cloned()
            .ok_or_else(not_found)?;
        if !mine.role.satisfies(R::ROLE) {
            return Err(PageError::new(StatusCode::FORBIDDEN, lang, "err-forbidden"));
        }
        // A program manager reaches that program's pages, and lands on it from the
        // organization's home or its programs list; nothing else of the organization.
        if let Some(program) = mine.program {
            let path = parts.uri.path();
            let base = format!("/o/{org_id}/programmes/{program}");
            let inside = path == base || path.starts_with(&format!("{base}/"));
            let landing = parts.method == axum::http::Method::GET
                && (path == format!("/o/{org_id}") || path == format!("/o/{org_id}/programmes"));
            if !inside && !landing {
                return Err(PageError::new(
                    StatusCode::FORBIDDEN,
                    lang,
                    "err-program-only",
                ));
            }
        }
        ctx.current = Some(CurrentOrg {
            org: mine.org.clone(),
            role: mine.role,
            program: mine.program,
        });
        parts.extensions.insert(ctx.clone());
        Ok(Member {
            scope: TenantScope::checked(org_id, Actor::user(user.id)),
            org: mine.org,
            role: mine.role,
            program: mine.program,
            ctx,
            user,
            _role: PhantomData,
        })
    }
}
