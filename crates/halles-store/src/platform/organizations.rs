//! Organizations (tenants), memberships with roles, and invitations to join.

use crate::coupons::ProgramScope;
use crate::db::ms;
use crate::platform::accounts::User;
use crate::platform::audit::{self, Action, Change, Removal};
use crate::platform::rows::{instant, instant_opt, parsed};
use crate::platform::secrets::{hash_secret, new_secret};
use crate::{Actor, Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};
use halles_core::refusals::Refusal;
use halles_core::validation::normalize_email;
use halles_core::{InvitationId, MembershipId, OrgId, ProgramId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// An organization: the unit of tenancy.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    /// Its id, carried by every row it owns.
    pub id: OrgId,
    /// What it is.
    pub kind: OrgKind,
    /// Its name.
    pub name: String,
    /// Language of its documents.
    pub lang: Lang,
    /// When it was created.
    pub created_at: Timestamp,
}

/// An `organizations` row: `id, kind, name, lang, created_at`.
#[derive(FromRow)]
pub(crate) struct OrganizationRow {
    id: i64,
    kind: String,
    name: String,
    lang: String,
    created_at: i64,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = StoreError;
    fn try_from(r: OrganizationRow) -> StoreResult<Self> {
        Ok(Organization {
            id: OrgId(r.id),
            kind: parsed(&r.kind, "organization kind")?,
            name: r.name,
            lang: parsed(&r.lang, "lang")?,
            created_at: instant(r.created_at)?,
        })
    }
}

impl Organization {
    fn from_row(r: &AnyRow) -> StoreResult<Self> {
        OrganizationRow::from_row(r)?.try_into()
    }
}

/// A user's membership as seen from the user: the organization and the role held there.
#[derive(Debug, Clone, Serialize)]
pub struct MyMembership {
    /// The organization.
    pub org: Organization,
    /// The role held.
    pub role: Role,
    /// The one program this membership is limited to (a program manager), if any.
    pub program: Option<ProgramId>,
}

/// A member as seen from the organization.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// The membership id.
    pub id: MembershipId,
    /// The person.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Their e-mail.
    pub email: String,
    /// Their role here.
    pub role: Role,
    /// The one program they manage, when their membership is limited to it.
    pub program: Option<ProgramId>,
    /// Whether their account is disabled.
    pub disabled: bool,
    /// Since when.
    pub created_at: Timestamp,
}

/// An invitation to join an organization.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    /// Its id.
    pub id: InvitationId,
    /// The organization.
    pub org: OrgId,
    /// Who is invited.
    pub email: String,
    /// The role offered.
    pub role: Role,
    /// The one program the membership will be limited to, if any.
    pub program: Option<ProgramId>,
    /// When sent.
    pub created_at: Timestamp,
    /// Until when the link works.
    pub expires_at: Timestamp,
    /// When accepted, if accepted.
    pub accepted_at: Option<Timestamp>,
    /// When revoked, if revoked.
    pub revoked_at: Option<Timestamp>,
}

/// An `invitations` row as listed.
#[derive(FromRow)]
struct InvitationRow {
    id: i64,
    organization_id: i64,
    email: String,
    role: String,
    program_id: Option<i64>,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl Invitation {
    fn from_row(r: &AnyRow) -> StoreResult<Self> {
        let r = InvitationRow::from_row(r)?;
        Ok(Invitation {
            id: InvitationId(r.id),
            org: OrgId(r.organization_id),
            email: r.email,
            role: parsed(&r.role, "role")?,
            program: r.program_id.map(ProgramId),
            created_at: instant(r.created_at)?,
            expires_at: instant(r.expires_at)?,
            accepted_at: instant_opt(r.accepted_at)?,
            revoked_at: instant_opt(r.revoked_at)?,
        })
    }
}

/// An organization joined with a membership's role and program.
#[derive(FromRow)]
struct MyMembershipRow {
    #[sqlx(flatten)]
    org: OrganizationRow,
    role: String,
    program_id: Option<i64>,
}

/// A membership with its person, as listed.
#[derive(FromRow)]
struct MemberRow {
    id: i64,
    user_id: i64,
    name: String,
    email: String,
    role: String,
    program_id: Option<i64>,
    disabled_at: Option<i64>,
    created_at: i64,
}

/// What a membership change needs to know of it.
#[derive(FromRow)]
struct MembershipRow {
    user_id: i64,
    role: String,
}

const INVITATION_COLUMNS: &str =
    "id, organization_id, email, role, program_id, created_at, expires_at, accepted_at, revoked_at";

impl Store {
    /// Creates an organization (platform administration, commands, demo).
    pub async fn create_organization(
        &self,
        actor: Actor,
        kind: OrgKind,
        name: &str,
        lang: Lang,
    ) -> StoreResult<Organization> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO organizations (kind, name, lang, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, kind, name, lang, created_at",
        )
        .bind(kind.code())
        .bind(name.trim())
        .bind(lang.code())
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let org = Organization::from_row(&row)?;
        audit::record(
            &mut tx,
            Change {
                org: Some(org.id),
                actor,
                action: Action::Create,
                entity: "organization",
                entity_id: org.id.to_string(),
                before: None,
                after: Some(json!({"kind": kind, "name": org.name, "lang": lang})),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }

    /// Renames an organization (platform administration): refused without a name
    /// (`name_required`).
    pub async fn rename_organization(
        &self,
        actor: Actor,
        id: OrgId,
        name: &str,
    ) -> StoreResult<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(Refusal::NameRequired));
        }
        let before = self.organization_by_id(id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE organizations SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let change = org_update(
            actor,
            id,
            Some(json!({"name": before.name})),
            json!({"name": name}),
        );
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// Archives an organization, which disables it: no one can open it any more, its API tokens
    /// stop working, and it takes no part in programs. Refused while it enrols active
    /// participants or holds money in budget envelopes (`org_in_use`). Restoring brings it back.
    pub async fn set_organization_archived(
        &self,
        actor: Actor,
        id: OrgId,
        archived: bool,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if archived && crate::coupons::partner_holds(&mut tx, id, None).await? {
            return Err(StoreError::Refused(Refusal::OrgInUse));
        }
        let n = sqlx::query(
            "UPDATE organizations SET archived_at = $1 WHERE id = $2 AND (archived_at IS NULL) = $3",
        )
        .bind(archived.then_some(ms(now)))
        .bind(id.0)
        .bind(archived)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        let (mut registers, mut programs) = (0, 0);
        if archived {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE organization_id = $2 AND revoked_at IS NULL",
            )
            .bind(ms(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            // An archived market sells no more: its registers are retired and it leaves the
            // programs it was a market of (past sales keep its name; restoring brings neither back).
            registers = sqlx::query(
                "UPDATE registers SET active = $1 WHERE organization_id = $2 AND active = $3",
            )
            .bind(false)
            .bind(id.0)
            .bind(true)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            programs =
                sqlx::query("DELETE FROM program_members WHERE member_id = $1 AND role = $2")
                    .bind(id.0)
                    .bind(halles_core::coupons::ProgramRole::Market.code())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
        }
        let change = org_update(
            actor,
            id,
            None,
            json!({"archived": archived, "registers_retired": registers, "programs_left": programs}),
        );
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// The archived organizations (platform administration, to restore one).
    pub async fn archived_organizations(&self) -> StoreResult<Vec<Organization>> {
        let rows = sqlx::query(
            "SELECT id, kind, name, lang, created_at FROM organizations WHERE archived_at IS NOT NULL \
             ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Organization::from_row).collect()
    }

    /// The organization of a scope.
    pub async fn organization(&self, scope: &TenantScope) -> StoreResult<Organization> {
        self.organization_by_id(scope.org).await
    }

    /// Refuses with `wrong_kind` unless the scope's organization is of `kind` (order cycles
    /// belong to hubs, registers to markets: another kind never creates them).
    pub async fn require_kind(&self, scope: &TenantScope, kind: OrgKind) -> StoreResult<()> {
        if self.organization_by_id(scope.org).await?.kind == kind {
            Ok(())
        } else {
            Err(StoreError::Refused(Refusal::WrongKind))
        }
    }

    /// An organization by id, for callers that check access themselves (extractors, admin).
    pub async fn organization_by_id(&self, id: OrgId) -> StoreResult<Organization> {
        let row = sqlx::query(
            "SELECT id, kind, name, lang, created_at FROM organizations WHERE id = $1 \
             AND archived_at IS NULL",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Organization::from_row(&row)
    }

    /// Every organization (platform administration).
    pub async fn organizations(&self) -> StoreResult<Vec<Organization>> {
        let rows = sqlx::query(
            "SELECT id, kind, name, lang, created_at FROM organizations WHERE archived_at IS NULL \
             ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Organization::from_row).collect()
    }

    /// The organizations a user belongs to, with the role held in each.
    pub async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<MyMembership>> {
        let rows: Vec<MyMembershipRow> = sqlx::query_as(
            "SELECT o.id, o.kind, o.name, o.lang, o.created_at, m.role, m.program_id FROM memberships m \
             JOIN organizations o ON o.id = m.organization_id \
             WHERE m.user_id = $1 AND o.archived_at IS NULL ORDER BY o.name, o.id",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(MyMembership {
                    org: r.org.try_into()?,
                    role: parsed(&r.role, "role")?,
                    program: r.program_id.map(ProgramId),
                })
            })
            .collect()
    }

    /// The role a user holds in an organization, if any.
    pub async fn role_in(&self, user: UserId, org: OrgId) -> StoreResult<Option<Role>> {
        let role: Option<String> = sqlx::query_scalar(
            "SELECT m.role FROM memberships m JOIN organizations o ON o.id = m.organization_id \
             WHERE m.organization_id = $1 AND m.user_id = $2 AND o.archived_at IS NULL",
        )
        .bind(org.0)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        role.map(|r| parsed(&r, "role")).transpose()
    }

    /// Adds a user to the scope's organization; refuses a role the kind does not have.
    pub async fn add_member(
        &self,
        scope: &TenantScope,
        user: UserId,
        role: Role,
    ) -> StoreResult<MembershipId> {
        let org = self.organization(scope).await?;
        if !org.kind.roles().contains(&role) {
            return Err(StoreError::Refused(Refusal::RoleNotAllowed));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id = insert_membership(&mut tx, scope.org, user, role, None, now).await?;
        let change = Change::by(scope, Action::Create, "membership", id)
            .after(json!({"user_id": user, "role": role}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The organization's members, by id, after the `after` cursor, at most `limit`.
    pub async fn members(
        &self,
        scope: &TenantScope,
        after: Option<MembershipId>,
        limit: i64,
    ) -> StoreResult<Vec<Member>> {
        self.member_list(scope, after, limit, None).await
    }

    /// [`Store::members`], or only those whose membership is limited to `program`.
    async fn member_list(
        &self,
        scope: &TenantScope,
        after: Option<MembershipId>,
        limit: i64,
        program: Option<ProgramId>,
    ) -> StoreResult<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.id, m.user_id, u.name, u.email, m.role, m.program_id, u.disabled_at, m.created_at \
             FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = $1 AND ($2 IS NULL OR m.id > $2) \
             AND ($4 = 0 OR m.program_id = $4) ORDER BY m.id LIMIT $3",
        )
        .bind(scope.org.0)
        .bind(after.map(|a| a.0))
        .bind(limit)
        .bind(program.map(|p| p.0).unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Member {
                    id: MembershipId(r.id),
                    user_id: UserId(r.user_id),
                    name: r.name,
                    email: r.email,
                    role: parsed(&r.role, "role")?,
                    program: r.program_id.map(ProgramId),
                    disabled: instant_opt(r.disabled_at)?.is_some(),
                    created_at: instant(r.created_at)?,
                })
            })
            .collect()
    }

    /// Changes a member's role. Refuses to remove the organization's last administrator.
    pub async fn change_member_role(
        &self,
        scope: &TenantScope,
        id: MembershipId,
        role: Role,
    ) -> StoreResult<()> {
        let org = self.organization(scope).await?;
        if !org.kind.roles().contains(&role) {
            return Err(StoreError::Refused(Refusal::RoleNotAllowed));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before: Role = parsed(&fetch_membership(&mut tx, scope, id).await?.role, "role")?;
        // The guard is in the statement: the row changes only if an admin remains afterwards.
        let n = sqlx::query(
            "UPDATE memberships SET role = $1 WHERE organization_id = $2 AND id = $3 AND \
             ($1 = 'admin' OR (SELECT COUNT(*) FROM memberships WHERE organization_id = $2 \
              AND role = 'admin' AND id <> $3) > 0)",
        )
        .bind(role.code())
        .bind(scope.org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::LastAdmin));
        }
        let change = Change::by(scope, Action::Update, "membership", id)
            .before(json!({"role": before}))
            .after(json!({"role": role}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member. Refuses to remove the last administrator.
    pub async fn remove_member(&self, scope: &TenantScope, id: MembershipId) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = fetch_membership(&mut tx, scope, id).await?;
        let user: i64 = row.user_id;
        let role: Role = parsed(&row.role, "role")?;
        let n = sqlx::query(
            "DELETE FROM memberships WHERE organization_id = $1 AND id = $2 AND \
             (role <> 'admin' OR (SELECT COUNT(*) FROM memberships WHERE organization_id = $1 \
              AND role = 'admin' AND id <> $2) > 0)",
        )
        .bind(scope.org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::LastAdmin));
        }
        let change = Change::by(scope, Action::Delete, "membership", id)
            .before(json!({"user_id": user, "role": role}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Invites an e-mail address to join with a role. Returns the invitation and the link secret.
    pub async fn create_invitation(
        &self,
        scope: &TenantScope,
        email: &str,
        role: Role,
    ) -> StoreResult<(Invitation, String)> {
        self.invite(scope, email, role, None).await
    }

    /// Invites an e-mail address to manage one program of the acting operator: the membership
    /// it makes reaches that program's pages and nothing else of the organization.
    pub async fn invite_program_manager(
        &self,
        ps: &ProgramScope,
        email: &str,
    ) -> StoreResult<(Invitation, String)> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        self.invite(scope, email, Role::Staff, Some(program)).await
    }

    /// A program's managers: memberships of the operator limited to it.
    pub async fn program_managers(&self, ps: &ProgramScope) -> StoreResult<Vec<Member>> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        self.member_list(scope, None, i64::MAX, Some(program)).await
    }

    /// A program's pending manager invitations.
    pub async fn program_invitations(&self, ps: &ProgramScope) -> StoreResult<Vec<Invitation>> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        Ok(self
            .pending_invitations(scope)
            .await?
            .into_iter()
            .filter(|i| i.program == Some(program))
            .collect())
    }

    /// Takes a manager off a program (their membership, limited to it, ends).
    pub async fn remove_program_manager(
        &self,
        ps: &ProgramScope,
        id: MembershipId,
    ) -> StoreResult<()> {
        if !self.program_managers(ps).await?.iter().any(|m| m.id == id) {
            return Err(StoreError::NotFound);
        }
        self.remove_member(ps.tenant(), id).await
    }

    async fn invite(
        &self,
        scope: &TenantScope,
        email: &str,
        role: Role,
        program: Option<ProgramId>,
    ) -> StoreResult<(Invitation, String)> {
        let org = self.organization(scope).await?;
        if !org.kind.roles().contains(&role) {
            return Err(StoreError::Refused(Refusal::RoleNotAllowed));
        }
        let email = normalize_email(email);
        if let Some(u) = self.user_by_email(&email).await?
            && self.role_in(u.id, scope.org).await?.is_some()
        {
            return Err(StoreError::Refused(Refusal::AlreadyMember));
        }
        let secret = new_secret();
        let now = self.now();
        let days = self.invitation_days().await?;
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO invitations (organization_id, email, role, token_hash, invited_by, \
             created_at, expires_at, program_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING {INVITATION_COLUMNS}"
        ))
        .bind(scope.org.0)
        .bind(&email)
        .bind(role.code())
        .bind(hash_secret(&secret))
        .bind(scope.actor.user.map(|u| u.0))
        .bind(ms(now))
        .bind(ms(now + SignedDuration::from_hours(24 * days)))
        .bind(program.map(|p| p.0))
        .fetch_one(&mut *tx)
        .await?;
        let inv = Invitation::from_row(&row)?;
        let change = Change::by(scope, Action::Create, "invitation", inv.id)
            .after(json!({"email": inv.email, "role": role, "program_id": program}));
        audit::record(&mut tx, change, now).await?;
        let sent = crate::platform::events::Event::InvitationSent {
            org: scope.org,
            invitation: inv.id,
            email: inv.email.clone(),
            role,
            program,
            expires_at: inv.expires_at,
            inviter: crate::platform::events::actor_name(&mut tx, scope.actor).await?,
            secret: secret.clone(),
        };
        crate::platform::events::record(&mut tx, sent, now).await?;
        tx.commit().await?;
        Ok((inv, secret))
    }

    /// The organization's pending invitations, newest first.
    pub async fn pending_invitations(&self, scope: &TenantScope) -> StoreResult<Vec<Invitation>> {
        let rows = sqlx::query(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE organization_id = $1 \
             AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
             ORDER BY created_at DESC"
        ))
        .bind(scope.org.0)
        .bind(ms(self.now()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Invitation::from_row).collect()
    }

    /// The organization's invitations nobody accepted nor revoked, expired ones too (they can
    /// be sent again), newest first.
    pub async fn unanswered_invitations(
        &self,
        scope: &TenantScope,
    ) -> StoreResult<Vec<Invitation>> {
        let rows = sqlx::query(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE organization_id = $1 \
             AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC"
        ))
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Invitation::from_row).collect()
    }

    /// Sends an invitation nobody accepted nor revoked again, expired or not: a new link (the
    /// old one stops working), valid for the platform's current number of days from now.
    /// Returns the invitation and the new link secret.
    pub async fn resend_invitation(
        &self,
        scope: &TenantScope,
        id: InvitationId,
    ) -> StoreResult<(Invitation, String)> {
        let secret = new_secret();
        let now = self.now();
        let days = self.invitation_days().await?;
        let mut tx = self.write_tx().await?;
        let before: i64 = sqlx::query_scalar(
            "SELECT expires_at FROM invitations WHERE organization_id = $1 AND id = $2 \
             AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(scope.org.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let row = sqlx::query(&format!(
            "UPDATE invitations SET token_hash = $1, expires_at = $2 WHERE organization_id = $3 \
             AND id = $4 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING {INVITATION_COLUMNS}"
        ))
        .bind(hash_secret(&secret))
        .bind(ms(now + SignedDuration::from_hours(24 * days)))
        .bind(scope.org.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let inv = Invitation::from_row(&row)?;
        let change = Change::by(scope, Action::Update, "invitation", inv.id)
            .before(json!({"expires_at": crate::platform::rows::instant(before)?}))
            .after(json!({"expires_at": inv.expires_at, "resent": true}));
        audit::record(&mut tx, change, now).await?;
        let sent = crate::platform::events::Event::InvitationSent {
            org: scope.org,
            invitation: inv.id,
            email: inv.email.clone(),
            role: inv.role,
            program: inv.program,
            expires_at: inv.expires_at,
            inviter: crate::platform::events::actor_name(&mut tx, scope.actor).await?,
            secret: secret.clone(),
        };
        crate::platform::events::record(&mut tx, sent, now).await?;
        tx.commit().await?;
        Ok((inv, secret))
    }

    /// Revokes a pending invitation.
    pub async fn revoke_invitation(
        &self,
        scope: &TenantScope,
        id: InvitationId,
    ) -> StoreResult<()> {
        let live = Removal::Revoke {
            live: "AND accepted_at IS NULL",
        };
        self.remove_owned(scope, "invitations", live, "invitation", id.0)
            .await
    }

    /// A live invitation by its link secret, with its organization.
    pub async fn invitation_by_secret(
        &self,
        secret: &str,
    ) -> StoreResult<Option<(Invitation, Organization)>> {
        let row = sqlx::query(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1 \
             AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
        ))
        .bind(hash_secret(secret))
        .bind(ms(self.now()))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let inv = Invitation::from_row(&row)?;
        let org = self.organization_by_id(inv.org).await?;
        Ok(Some((inv, org)))
    }

    /// Accepts an invitation as `user` (an existing account, or one just created for it).
    /// The invitation is claimed by a conditional update, so a link works once.
    pub async fn accept_invitation(&self, secret: &str, user: &User) -> StoreResult<OrgId> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE token_hash = $3 \
             AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
             RETURNING {INVITATION_COLUMNS}"
        ))
        .bind(ms(now))
        .bind(user.id.0)
        .bind(hash_secret(secret))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::InvitationInvalid))?;
        let inv = Invitation::from_row(&row)?;
        let existing =
            sqlx::query("SELECT id FROM memberships WHERE organization_id = $1 AND user_id = $2")
                .bind(inv.org.0)
                .bind(user.id.0)
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_none() {
            let id =
                insert_membership(&mut tx, inv.org, user.id, inv.role, inv.program, now).await?;
            audit::record(
                &mut tx,
                Change {
                    org: Some(inv.org),
                    actor: Actor::user(user.id),
                    action: Action::Create,
                    entity: "membership",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(json!({"user_id": user.id, "role": inv.role,
                                       "program_id": inv.program, "invitation_id": inv.id})),
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(inv.org)
    }
}

async fn insert_membership(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    user: UserId,
    role: Role,
    program: Option<ProgramId>,
    now: Timestamp,
) -> StoreResult<MembershipId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO memberships (organization_id, user_id, role, program_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org.0)
    .bind(user.0)
    .bind(role.code())
    .bind(program.map(|p| p.0))
    .bind(ms(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::from)
    .map_err(|e| {
        if e.is_unique_violation() {
            StoreError::Refused(Refusal::AlreadyMember)
        } else {
            e
        }
    })?;
    Ok(MembershipId(id))
}

async fn fetch_membership(
    conn: &mut sqlx::AnyConnection,
    scope: &TenantScope,
    id: MembershipId,
) -> StoreResult<MembershipRow> {
    sqlx::query_as("SELECT user_id, role FROM memberships WHERE organization_id = $1 AND id = $2")
        .bind(scope.org.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The audit record of a change to an organization, made from the platform.
fn org_update(
    actor: Actor,
    id: OrgId,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Change<'static> {
    Change {
        org: Some(id),
        actor,
        action: Action::Update,
        entity: "organization",
        entity_id: id.to_string(),
        before,
        after: Some(after),
    }
}
