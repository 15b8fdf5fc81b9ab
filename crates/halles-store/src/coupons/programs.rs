//! Programs, their product groups and participant types, and the organizations taking part.

use super::date;
use crate::db::{flag, ms};
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::coupons::{ProgramRole, ReportPeriod};
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::validation::is_clean_text;
use halles_core::{OrgId, ParticipantTypeId, ProductGroupId, ProgramId, RegisterId};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A food-coupon program, owned by its operator organization.
#[derive(Debug, Clone, Serialize)]
pub struct Program {
    /// Its id.
    pub id: ProgramId,
    /// The operator organization.
    pub operator: OrgId,
    /// Its name.
    pub name: String,
    /// The name participants see on cards and the balance page.
    pub public_name: String,
    /// The address participants see on the balance page (where to ask for help).
    pub public_address: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// Period of the reconciliation report.
    pub report_period: ReportPeriod,
    /// Whether partner organizations give cards to participants themselves.
    pub partners_assign_cards: bool,
    /// Whether participants are known by their code only (no identity fields).
    pub anonymous: bool,
    /// Whether cards need a 4-digit PIN at the register.
    pub pin_required: bool,
    /// Archived programs are read-only.
    pub archived: bool,
    /// Allocations administered off the platform (fixed at creation).
    pub off_platform: bool,
}

/// What an operator enters to create a program.
#[derive(Debug, Clone)]
pub struct ProgramInput {
    /// Name.
    pub name: String,
    /// Public name (empty: the name).
    pub public_name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// Reconciliation period.
    pub report_period: ReportPeriod,
    /// Anonymity flag.
    pub anonymous: bool,
    /// PIN flag.
    pub pin_required: bool,
    /// Whether allocations are administered off the platform: each participant's dates,
    /// frequency and amounts come with the imported list (fixed at creation).
    pub off_platform: bool,
}

/// What an operator may change in a program after creating it (anonymity stays as created:
/// it is a promise made to participants).
#[derive(Debug, Clone)]
pub struct ProgramSettings {
    /// Name.
    pub name: String,
    /// Public name (empty: the name).
    pub public_name: String,
    /// Public address.
    pub public_address: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// Reconciliation period.
    pub report_period: ReportPeriod,
    /// Whether partner organizations give cards themselves.
    pub partners_assign_cards: bool,
    /// PIN flag.
    pub pin_required: bool,
}

impl From<&Program> for ProgramSettings {
    fn from(p: &Program) -> Self {
        ProgramSettings {
            name: p.name.clone(),
            public_name: p.public_name.clone(),
            public_address: p.public_address.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            report_period: p.report_period,
            partners_assign_cards: p.partners_assign_cards,
            pin_required: p.pin_required,
        }
    }
}

/// A product group: what a share of the funds may buy.
#[derive(Debug, Clone, Serialize)]
pub struct ProductGroup {
    /// Its id.
    pub id: ProductGroupId,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// Display colour (`#rrggbb`), never the only carrier of meaning.
    pub colour: String,
    /// Display order.
    pub position: i64,
    /// The reserved loyalty group: funds put on cards by the program, never expiring, paying
    /// for any group after the group's own balance.
    pub is_loyalty: bool,
}

impl ProductGroup {
    /// The name in a language.
    pub fn name(&self, lang: &str) -> &str {
        in_lang(lang, &self.name_fr, &self.name_en)
    }
}

/// The English name when asked for English, the French one otherwise.
fn in_lang<'a>(lang: &str, fr: &'a str, en: &'a str) -> &'a str {
    if lang == "en" { en } else { fr }
}

/// A participant type (household-size tier).
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantType {
    /// Its id.
    pub id: ParticipantTypeId,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// The values that name it in imported files, separated by commas (`1, une personne`).
    pub match_key: String,
    /// Display order.
    pub position: i64,
}

impl ParticipantType {
    /// The name in a language.
    pub fn name(&self, lang: &str) -> &str {
        in_lang(lang, &self.name_fr, &self.name_en)
    }

    /// Its import keys, lowercase: each value of `match_key` between commas or semicolons.
    pub fn import_keys(&self) -> impl Iterator<Item = String> + '_ {
        import_keys(&self.match_key)
    }

    /// Whether an imported list's cell names it: one of its keys, or its French or English
    /// name (case aside).
    pub fn is_named_by(&self, cell: &str) -> bool {
        let cell = cell.trim().to_lowercase();
        !cell.is_empty()
            && (self.import_keys().any(|k| k == cell)
                || self.name_fr.trim().to_lowercase() == cell
                || self.name_en.trim().to_lowercase() == cell)
    }
}

/// The keys of a `match_key` list, lowercase, trimmed, blanks left out.
pub(crate) fn import_keys(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split([',', ';'])
        .map(|k| k.trim().to_lowercase())
        .filter(|k| !k.is_empty())
}

/// An organization taking part in a program.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramMember {
    /// The organization.
    pub org: OrgId,
    /// Its name.
    pub name: String,
    /// How it takes part.
    pub role: ProgramRole,
}

/// How the acting organization reaches a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// It runs the program.
    Operator,
    /// It takes part as a partner, market or funder.
    Member(ProgramRole),
}

/// A program the acting organization reaches, as checked by [`Store::program_access`] or
/// [`Store::operated_program`], the only ways to get one. The store's program functions take
/// it instead of a bare [`ProgramId`] and filter every id they are given on its program, so an
/// id of another program (even one the same organization runs) answers `NotFound`.
#[derive(Debug, Clone)]
pub struct ProgramScope {
    tenant: TenantScope,
    program: Program,
    access: Access,
}

impl ProgramScope {
    /// The tenant scope it was checked with.
    pub fn tenant(&self) -> &TenantScope {
        &self.tenant
    }
    /// The program's id.
    pub fn id(&self) -> ProgramId {
        self.program.id
    }
    /// The program as read when the scope was checked.
    pub fn program(&self) -> &Program {
        &self.program
    }
    /// How the acting organization reaches the program.
    pub fn access(&self) -> Access {
        self.access
    }
    /// The scope if the acting organization runs the program, or `NotFound`.
    pub(crate) fn operated(&self) -> StoreResult<&Self> {
        match self.access {
            Access::Operator => Ok(self),
            Access::Member(_) => Err(StoreError::NotFound),
        }
    }
}

const PROGRAM_COLUMNS: &str = "id, organization_id, name, public_name, public_address, starts_on, ends_on, report_period, \
     partners_assign_cards, anonymous, pin_required, archived, off_platform";

fn program_row(r: &AnyRow) -> StoreResult<Program> {
    Ok(Program {
        id: ProgramId(r.try_get("id")?),
        operator: OrgId(r.try_get("organization_id")?),
        name: r.try_get("name")?,
        public_name: r.try_get("public_name")?,
        public_address: r.try_get("public_address")?,
        starts_on: date(r, "starts_on")?,
        ends_on: date(r, "ends_on")?,
        report_period: crate::db::code(r, "report_period", "report_period")?,
        partners_assign_cards: flag(r, "partners_assign_cards")?,
        anonymous: flag(r, "anonymous")?,
        pin_required: flag(r, "pin_required")?,
        archived: flag(r, "archived")?,
        off_platform: flag(r, "off_platform")?,
    })
}

/// Whether a partner organization still has active participants, or money reserved or loaded
/// from its budget envelopes: in one program, or in any (`None`).
pub(crate) async fn partner_holds(
    tx: &mut sqlx::AnyConnection,
    partner: OrgId,
    program: Option<ProgramId>,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM participants WHERE ($1 = 0 OR program_id = $1) AND organization_id = $2 \
         AND active = $3) + (SELECT COUNT(*) FROM budget_envelopes WHERE ($1 = 0 OR program_id = $1) \
         AND partner_id = $2 AND reserved_cents + loaded_cents > 0) AS n",
    )
    .bind(program.map(|p| p.0).unwrap_or(0))
    .bind(partner.0)
    .bind(true)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// The groups a new program starts with: French, English, colour. The loyalty group comes last.
const DEFAULT_GROUPS: &[(&str, &str, &str)] = &[
    ("Fruits et légumes", "Fruits and vegetables", "#2e7d32"),
    ("Produits laitiers et œufs", "Dairy and eggs", "#1565c0"),
];

/// The market group a new program starts with, where joining markets are placed.
const DEFAULT_MARKET_GROUP: &str = "Marchés du programme";

/// The participant types a new program starts with: French, English, match key.
const DEFAULT_TYPES: &[(&str, &str, &str)] = &[
    ("1 personne", "1 person", "1"),
    ("2 personnes", "2 persons", "2"),
    ("3 personnes et plus", "3 persons or more", "3+"),
];

/// What a program needs, field by field: a name (`required`), names without control or
/// text-direction characters (`invalid_characters`) and an end on or after its start
/// (`ends_on`: `ends_before_start`).
fn check_program(
    name: &str,
    texts: &[(&str, &str)],
    starts_on: Date,
    ends_on: Date,
) -> StoreResult<()> {
    let mut v = halles_core::validation::Validator::new();
    v.required("name", name);
    for (field, text) in texts {
        v.text(field, text);
    }
    if ends_on < starts_on {
        v.refuse("ends_on", Refusal::EndsBeforeStart);
    }
    Ok(v.finish()?)
}

impl Store {
    /// Creates a program for the acting operator, with the default product groups (and the
    /// reserved loyalty group), participant types and market group; refused field by field as
    /// [`check_program`] says.
    pub async fn create_program(
        &self,
        scope: &TenantScope,
        input: &ProgramInput,
    ) -> StoreResult<ProgramId> {
        check_program(
            &input.name,
            &[("public_name", &input.public_name)],
            input.starts_on,
            input.ends_on,
        )?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO programs (organization_id, name, public_name, starts_on, ends_on, report_period, \
             anonymous, pin_required, off_platform, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING id",
        )
        .bind(scope.org.0)
        .bind(input.name.trim())
        .bind(input.public_name.trim())
        .bind(input.starts_on.to_string())
        .bind(input.ends_on.to_string())
        .bind(input.report_period.code())
        .bind(input.anonymous)
        .bind(input.pin_required)
        .bind(input.off_platform)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let loyalty = [("Fidélité", "Loyalty", "#6a1b9a")];
        for (i, (fr, en, colour)) in DEFAULT_GROUPS.iter().chain(loyalty.iter()).enumerate() {
            sqlx::query(
                "INSERT INTO product_groups (organization_id, program_id, name_fr, name_en, colour, position, is_loyalty) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(scope.org.0)
            .bind(id)
            .bind(*fr)
            .bind(*en)
            .bind(*colour)
            .bind(if *fr == "Fidélité" { 1000 } else { i as i64 })
            .bind(*fr == "Fidélité")
            .execute(&mut *tx)
            .await?;
        }
        for (i, (fr, en, key)) in DEFAULT_TYPES.iter().enumerate() {
            sqlx::query(
                "INSERT INTO participant_types (organization_id, program_id, name_fr, name_en, match_key, position) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(scope.org.0)
            .bind(id)
            .bind(*fr)
            .bind(*en)
            .bind(*key)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
        }
        // The default market group: markets joining the program land in it.
        sqlx::query(
            "INSERT INTO market_groups (organization_id, program_id, name, manager_id, created_at) \
             VALUES ($1, $2, $3, NULL, $4)",
        )
        .bind(scope.org.0)
        .bind(id)
        .bind(DEFAULT_MARKET_GROUP)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Create, "program", id).after(
            json!({"name": input.name, "starts_on": input.starts_on, "ends_on": input.ends_on}),
        );
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(ProgramId(id))
    }

    /// The programs the acting organization runs or takes part in, newest first.
    pub async fn programs(&self, scope: &TenantScope) -> StoreResult<Vec<(Program, Access)>> {
        let sql = format!(
            "SELECT {PROGRAM_COLUMNS}, (SELECT role FROM program_members m WHERE m.program_id = p.id \
             AND m.member_id = $1) AS member_role FROM programs p WHERE p.organization_id = $1 \
             OR p.id IN (SELECT program_id FROM program_members WHERE member_id = $1) ORDER BY p.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(scope.org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let p = program_row(r)?;
                let access = if p.operator == scope.org {
                    Access::Operator
                } else {
                    let role: Option<String> = r.try_get("member_role")?;
                    Access::Member(
                        role.as_deref()
                            .unwrap_or("")
                            .parse()
                            .map_err(|_| StoreError::Corrupt("program_role"))?,
                    )
                };
                Ok((p, access))
            })
            .collect()
    }

    /// A program as the acting organization may see it, or `NotFound`.
    pub async fn program_access(
        &self,
        scope: &TenantScope,
        id: ProgramId,
    ) -> StoreResult<ProgramScope> {
        let sql = format!(
            "SELECT {PROGRAM_COLUMNS}, (SELECT role FROM program_members m WHERE m.program_id = p.id \
             AND m.member_id = $2) AS member_role FROM programs p WHERE p.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .bind(scope.org.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let program = program_row(&row)?;
        let access = if program.operator == scope.org {
            Access::Operator
        } else {
            let role: Option<String> = row.try_get("member_role")?;
            match role.and_then(|r| r.parse::<ProgramRole>().ok()) {
                Some(r) => Access::Member(r),
                None => return Err(StoreError::NotFound),
            }
        };
        Ok(ProgramScope {
            tenant: *scope,
            program,
            access,
        })
    }

    /// The program if the acting organization runs it, or `NotFound`.
    pub async fn operated_program(
        &self,
        scope: &TenantScope,
        id: ProgramId,
    ) -> StoreResult<ProgramScope> {
        let ps = self.program_access(scope, id).await?;
        ps.operated()?;
        Ok(ps)
    }

    /// A program by id, for trusted callers (jobs, the public balance page).
    pub async fn program_by_id(&self, id: ProgramId) -> StoreResult<Program> {
        let sql = format!("SELECT {PROGRAM_COLUMNS} FROM programs WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        program_row(&row)
    }

    /// Changes a program's settings (the operator): refused, field by field, without a name
    /// (`name`: `required`) or with an end before the start (`ends_on`: `ends_before_start`).
    pub async fn update_program(
        &self,
        ps: &ProgramScope,
        input: &ProgramSettings,
    ) -> StoreResult<()> {
        let (scope, id) = (ps.operated()?.tenant(), ps.id());
        let before = self.program_by_id(id).await?;
        check_program(
            &input.name,
            &[
                ("public_name", &input.public_name),
                ("public_address", &input.public_address),
            ],
            input.starts_on,
            input.ends_on,
        )?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE programs SET name = $1, public_name = $2, public_address = $3, starts_on = $4, ends_on = $5, \
             report_period = $6, partners_assign_cards = $7, pin_required = $8 WHERE organization_id = $9 AND id = $10",
        )
        .bind(input.name.trim())
        .bind(input.public_name.trim())
        .bind(input.public_address.trim())
        .bind(input.starts_on.to_string())
        .bind(input.ends_on.to_string())
        .bind(input.report_period.code())
        .bind(input.partners_assign_cards)
        .bind(input.pin_required)
        .bind(scope.org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let json_of = |s: &ProgramSettings| {
            json!({
                "name": s.name.trim(), "public_name": s.public_name.trim(),
                "public_address": s.public_address.trim(), "starts_on": s.starts_on,
                "ends_on": s.ends_on, "report_period": s.report_period.code(),
                "partners_assign_cards": s.partners_assign_cards, "pin_required": s.pin_required,
            })
        };
        let change = Change::by(scope, Action::Update, "program", id)
            .before(json_of(&ProgramSettings::from(&before)))
            .after(json_of(input));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// Sets (or replaces, or with `None` removes) the artwork printed on the program's cards:
    /// a JPEG already resized (the operator).
    pub async fn set_card_artwork(
        &self,
        ps: &ProgramScope,
        jpeg: Option<&[u8]>,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM card_artwork WHERE program_id = $1 AND organization_id = $2")
            .bind(program.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await?;
        if let Some(jpeg) = jpeg {
            sqlx::query(
                "INSERT INTO card_artwork (organization_id, program_id, jpeg, updated_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(scope.org.0)
            .bind(program.0)
            .bind(jpeg)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        }
        let change = Change::by(scope, Action::Update, "card_artwork", program)
            .after(json!({"bytes": jpeg.map(<[u8]>::len)}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// The artwork printed on a program's cards, if any (JPEG).
    pub async fn card_artwork(&self, program: ProgramId) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT jpeg FROM card_artwork WHERE program_id = $1")
            .bind(program.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("jpeg")).transpose()?)
    }

    /// Archives or restores a program.
    pub async fn set_program_archived(&self, ps: &ProgramScope, archived: bool) -> StoreResult<()> {
        let (scope, id) = (ps.operated()?.tenant(), ps.id());
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE programs SET archived = $1 WHERE organization_id = $2 AND id = $3")
            .bind(archived)
            .bind(scope.org.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let change =
            Change::by(scope, Action::Update, "program", id).after(json!({"archived": archived}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// The product groups of a program, in display order (loyalty last).
    pub async fn product_groups(&self, program: ProgramId) -> StoreResult<Vec<ProductGroup>> {
        let rows = sqlx::query(
            "SELECT id, name_fr, name_en, colour, position, is_loyalty FROM product_groups \
             WHERE program_id = $1 ORDER BY position, id",
        )
        .bind(program.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProductGroup {
                    id: ProductGroupId(r.try_get("id")?),
                    name_fr: r.try_get("name_fr")?,
                    name_en: r.try_get("name_en")?,
                    colour: r.try_get("colour")?,
                    position: r.try_get("position")?,
                    is_loyalty: flag(r, "is_loyalty")?,
                })
            })
            .collect()
    }

    /// Adds a product group to a program the acting organization runs.
    pub async fn add_product_group(
        &self,
        ps: &ProgramScope,
        name_fr: &str,
        name_en: &str,
        colour: &str,
    ) -> StoreResult<ProductGroupId> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        if name_fr.trim().is_empty() {
            return Err(StoreError::Refused(Refusal::NameRequired));
        }
        if !is_clean_text(name_fr) || !is_clean_text(name_en) {
            return Err(StoreError::Refused(Refusal::InvalidCharacters));
        }
        // The loyalty group's name is reserved to it.
        if halles_core::coupons::is_loyalty_name(name_fr)
            || halles_core::coupons::is_loyalty_name(name_en)
        {
            return Err(StoreError::Refused(Refusal::LoyaltyGroupReserved));
        }
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO product_groups (organization_id, program_id, name_fr, name_en, colour, position) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COUNT(*) FROM product_groups WHERE program_id = $2)) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(name_fr.trim())
        .bind(if name_en.trim().is_empty() { name_fr.trim() } else { name_en.trim() })
        .bind(colour)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            e if e.is_unique_violation() => StoreError::Refused(Refusal::DuplicateName),
            e => e,
        })?
        .try_get("id")?;
        let change = Change::by(scope, Action::Create, "product_group", id)
            .after(json!({"program": program, "name_fr": name_fr, "name_en": name_en}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(ProductGroupId(id))
    }

    /// The participant types of a program, in display order.
    pub async fn participant_types(&self, program: ProgramId) -> StoreResult<Vec<ParticipantType>> {
        let rows = sqlx::query(
            "SELECT id, name_fr, name_en, match_key, position FROM participant_types \
             WHERE program_id = $1 ORDER BY position, id",
        )
        .bind(program.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ParticipantType {
                    id: ParticipantTypeId(r.try_get("id")?),
                    name_fr: r.try_get("name_fr")?,
                    name_en: r.try_get("name_en")?,
                    match_key: r.try_get("match_key")?,
                    position: r.try_get("position")?,
                })
            })
            .collect()
    }

    /// Makes an organization a partner, market or funder of a program the acting organization
    /// runs. The organization's kind must match the role.
    pub async fn add_program_member(
        &self,
        ps: &ProgramScope,
        member: OrgId,
        role: ProgramRole,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let kind: String = sqlx::query("SELECT kind FROM organizations WHERE id = $1")
            .bind(member.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("kind")?;
        let expected = match role {
            ProgramRole::Partner => OrgKind::PartnerOrg,
            ProgramRole::Market => OrgKind::Market,
            ProgramRole::Funder => OrgKind::Funder,
        };
        if kind != expected.code() {
            return Err(StoreError::Refused(Refusal::WrongKind));
        }
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO program_members (organization_id, program_id, member_id, role, market_group_id) \
             VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'market' THEN (SELECT MIN(g.id) FROM market_groups g \
             WHERE g.program_id = $2) END) ON CONFLICT DO NOTHING",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(member.0)
        .bind(role.code())
        .execute(&mut *tx)
        .await?;
        let change = Change::by(
            scope,
            Action::Create,
            "program_member",
            format!("{program}:{member}"),
        )
        .after(json!({"role": role.code()}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// Takes an organization out of a program (the operator). A partner organization is
    /// refused while it has active participants or money reserved or loaded from its envelopes
    /// (`member_in_use`); its empty envelopes go with it. A market stops redeeming at once (its
    /// past sales stay in the ledger) and stops managing any market group.
    pub async fn remove_program_member(&self, ps: &ProgramScope, member: OrgId) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let role = self
            .program_members(program)
            .await?
            .into_iter()
            .find(|m| m.org == member)
            .ok_or(StoreError::NotFound)?
            .role;
        let mut tx = self.write_tx().await?;
        if role == ProgramRole::Partner {
            if partner_holds(&mut tx, member, Some(program)).await? {
                return Err(StoreError::Refused(Refusal::MemberInUse));
            }
            sqlx::query("DELETE FROM budget_envelopes WHERE program_id = $1 AND partner_id = $2")
                .bind(program.0)
                .bind(member.0)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM partner_markets WHERE program_id = $1 AND (partner_id = $2 OR market_id = $2)")
            .bind(program.0)
            .bind(member.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE market_groups SET manager_id = NULL WHERE program_id = $1 AND manager_id = $2",
        )
        .bind(program.0)
        .bind(member.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM program_members WHERE organization_id = $1 AND program_id = $2 AND member_id = $3",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(member.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(
            scope,
            Action::Delete,
            "program_member",
            format!("{program}:{member}"),
        )
        .before(json!({"role": role.code()}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// The organizations taking part in a program, by role then name.
    pub async fn program_members(&self, program: ProgramId) -> StoreResult<Vec<ProgramMember>> {
        let rows = sqlx::query(
            "SELECT m.member_id, m.role, o.name FROM program_members m JOIN organizations o ON o.id = m.member_id \
             WHERE m.program_id = $1 ORDER BY m.role, o.name",
        )
        .bind(program.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProgramMember {
                    org: OrgId(r.try_get("member_id")?),
                    name: r.try_get("name")?,
                    role: crate::db::code(r, "role", "program_role")?,
                })
            })
            .collect()
    }

    /// Adds a cash register to the acting market.
    pub async fn create_register(
        &self,
        scope: &TenantScope,
        name: &str,
    ) -> StoreResult<RegisterId> {
        self.require_kind(scope, OrgKind::Market).await?;
        if name.trim().is_empty() {
            return Err(StoreError::Refused(Refusal::NameRequired));
        }
        if !is_clean_text(name) {
            return Err(StoreError::Refused(Refusal::InvalidCharacters));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO registers (organization_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(name.trim())
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let change =
            Change::by(scope, Action::Create, "register", id).after(json!({"name": name.trim()}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(RegisterId(id))
    }

    /// The active registers of the acting market.
    pub async fn registers(&self, scope: &TenantScope) -> StoreResult<Vec<(RegisterId, String)>> {
        let rows = sqlx::query(
            "SELECT id, name FROM registers WHERE organization_id = $1 AND active = $2 ORDER BY id",
        )
        .bind(scope.org.0)
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((RegisterId(r.try_get("id")?), r.try_get("name")?)))
            .collect()
    }
}
