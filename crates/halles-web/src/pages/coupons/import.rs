//! Importing a list of participants (CSV or XLSX): a template to download (its sample row is
//! marked so it is never imported), a preview that checks every row and shows every problem and
//! what each row does (a new person, a known one's changes before and after, nothing), then the
//! import, all or nothing.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::flash_headers;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::ProgramId;
use halles_core::ScheduleId;
use halles_docs::Table;
use halles_store::coupons::{
    FieldChange, ImportReport, ImportRow, ParticipantType, ProductGroup, Program, Schedule,
};
use serde::Deserialize;

/// The columns of the list: field, French title, English title.
const COLUMNS: [(&str, &str, &str); 9] = [
    ("participant_type", "type", "type"),
    ("id1", "identifiant 1", "identifier 1"),
    ("id2", "identifiant 2", "identifier 2"),
    ("name", "nom", "name"),
    ("phone", "téléphone", "phone"),
    ("email", "courriel", "email"),
    ("postal_code", "code postal", "postal code"),
    ("notes", "notes", "notes"),
    ("consent_on", "date du consentement", "consent date"),
];

/// Off-platform programs: the allocation's columns, then one amount column per product group
/// (titled with the group's French or English name).
const ALLOWANCE_COLUMNS: [(&str, &str, &str); 3] = [
    ("starts_on", "début", "start"),
    ("ends_on", "fin", "end"),
    ("moment", "fréquence", "frequency"),
];

/// A load frequency as a list may write it: the code, or a French or English word for it.
fn moment_code(cell: &str) -> String {
    let c = normalize(cell);
    let code = match c.as_str() {
        "mensuel" | "monthly" | "1er du mois" | "1st of the month" | "1" => "first_of_month",
        "15" | "le 15" | "the 15th" => "fifteenth",
        "bimensuel" | "twice a month" | "1er et 15" | "1 et 15" | "1st and 15th" => {
            "first_and_fifteenth"
        }
        "hebdomadaire" | "weekly" | "lundi" | "monday" | "chaque lundi" | "every monday" => {
            "weekly"
        }
        _ => return cell.trim().to_owned(),
    };
    code.to_owned()
}

fn normalize(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['é', 'è', 'ê'], "e")
        .replace(['_', '-'], " ")
}

/// Whether a read table looks like a list of participants at all: at least one of its column
/// titles is one the import knows. A file of something else (a letter, a PDF saved as text)
/// is said to be no list, rather than to miss a column.
pub fn is_a_list(table: &Table) -> bool {
    table.header.iter().any(|h| {
        let h = normalize(h);
        COLUMNS
            .iter()
            .chain(ALLOWANCE_COLUMNS.iter())
            .any(|(f, fr, en)| [normalize(f), normalize(fr), normalize(en)].contains(&h))
    })
}

/// Turns a read table into rows, by column title (French, English or the field's code).
/// Unknown columns are ignored; `Err` names a missing required column. For a program
/// administered off the platform (`groups` given), the allocation's columns are required too.
pub fn rows_of(
    table: &Table,
    groups: Option<&[ProductGroup]>,
) -> Result<Vec<ImportRow>, &'static str> {
    let index = |field: &str| {
        let (f, fr, en) = COLUMNS
            .iter()
            .chain(ALLOWANCE_COLUMNS.iter())
            .find(|c| c.0 == field)?;
        table
            .header
            .iter()
            .position(|h| [normalize(f), normalize(fr), normalize(en)].contains(&normalize(h)))
    };
    let allowance = match groups {
        Some(groups) => {
            let starts = index("starts_on").ok_or("starts_on")?;
            let ends = index("ends_on").ok_or("ends_on")?;
            let moment = index("moment").ok_or("moment")?;
            let amounts: Vec<(halles_core::ProductGroupId, usize)> = groups
                .iter()
                .filter(|g| !g.is_loyalty)
                .filter_map(|g| {
                    let at = table.header.iter().position(|h| {
                        [normalize(&g.name_fr), normalize(&g.name_en)].contains(&normalize(h))
                    })?;
                    Some((g.id, at))
                })
                .collect();
            if amounts.is_empty() {
                return Err("amounts");
            }
            Some((starts, ends, moment, amounts))
        }
        None => None,
    };
    let type_col = index("participant_type").ok_or("participant_type")?;
    let consent_col = index("consent_on").ok_or("consent_on")?;
    let cols: Vec<Option<usize>> = COLUMNS.iter().map(|c| index(c.0)).collect();
    let cell = |r: &Vec<String>, i: Option<usize>| {
        i.and_then(|i| r.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    Ok(table
        .rows
        .iter()
        .enumerate()
        .map(|(n, r)| ImportRow {
            line: n + 2,
            participant_type: cell(r, Some(type_col)),
            id1: cell(r, cols[1]),
            id2: cell(r, cols[2]),
            name: cell(r, cols[3]),
            phone: cell(r, cols[4]),
            email: cell(r, cols[5]),
            postal_code: cell(r, cols[6]),
            notes: cell(r, cols[7]),
            consent_on: cell(r, Some(consent_col)),
            starts_on: allowance
                .as_ref()
                .map(|a| cell(r, Some(a.0)))
                .unwrap_or_default(),
            ends_on: allowance
                .as_ref()
                .map(|a| cell(r, Some(a.1)))
                .unwrap_or_default(),
            moment: allowance
                .as_ref()
                .map(|a| moment_code(&cell(r, Some(a.2))))
                .unwrap_or_default(),
            amounts: allowance
                .as_ref()
                .map(|a| a.3.iter().map(|(g, at)| (*g, cell(r, Some(*at)))).collect())
                .unwrap_or_default(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    page: Ctx,
    program: Program,
    schedules: Vec<Schedule>,
    errors: FormErrors,
    consent_purpose: String,
    schedule: Option<i64>,
    rows: Vec<ImportRow>,
    report: Option<ImportReport>,
    data: String,
    types: Vec<ParticipantType>,
}

impl ImportPage {
    fn problem(&self, i: &usize) -> Option<String> {
        self.problem_code(i)
            .map(|p| self.page.t(&format!("err-{p}")))
    }
    fn problem_code(&self, i: &usize) -> Option<&'static str> {
        self.report.as_ref()?.rows.get(*i)?.problem
    }
    /// Every problem of row `i`: its code and message.
    fn problems(&self, i: &usize) -> Vec<(&'static str, String)> {
        self.report
            .as_ref()
            .and_then(|r| r.rows.get(*i))
            .map(|r| {
                r.problems
                    .iter()
                    .map(|p| (*p, self.page.t(&format!("err-{p}"))))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The changes row `i` makes to a known person.
    fn changes(&self, i: &usize) -> Vec<FieldChange> {
        self.report
            .as_ref()
            .and_then(|r| r.rows.get(*i))
            .map(|r| r.changes.clone())
            .unwrap_or_default()
    }
    /// A changed value as shown: a type by its name, an empty one as a dash.
    fn shown(&self, c: &FieldChange, value: &str) -> String {
        if c.field == "participant_type" {
            let lang = self.page.i18n.lang.code();
            return self
                .types
                .iter()
                .find(|t| t.id.0.to_string() == value)
                .map(|t| t.name(lang).to_owned())
                .unwrap_or_default();
        }
        if value.is_empty() {
            "—".to_owned()
        } else {
            value.to_owned()
        }
    }
    /// How many rows do `action`.
    fn count(&self, action: &str) -> usize {
        self.report.as_ref().map(|r| r.count(action)).unwrap_or(0)
    }
    fn action(&self, i: &usize) -> Option<&'static str> {
        self.report.as_ref()?.rows.get(*i)?.action
    }
    fn is_schedule(&self, s: &Schedule) -> bool {
        self.schedule == Some(s.id.0)
    }
}

#[allow(clippy::too_many_arguments)]
async fn import_page(
    state: &AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    errors: FormErrors,
    consent_purpose: String,
    schedule: Option<i64>,
    rows: Vec<ImportRow>,
    report: Option<ImportReport>,
    data: String,
) -> Result<Response, PageError> {
    let scope = crate::pages::coupons::programs::program_scope(state, &m, id).await?;
    let schedules = state.store.schedules(&scope).await?;
    let program = scope.program().clone();
    let types = state.store.participant_types(program.id).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty() || report.as_ref().is_some_and(|r| r.problems > 0);
    Ok(render_form(
        &ImportPage {
            page: m.ctx,
            program,
            schedules,
            errors,
            consent_purpose,
            schedule,
            rows,
            report,
            data,
            types,
        },
        lang,
        failed,
    ))
}

/// The import page.
pub async fn form(
    paths::ParticipantsImport(_, id): paths::ParticipantsImport,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    state.store.participants(&program, "-").await?;
    import_page(
        &state,
        m,
        id,
        FormErrors::none(),
        String::new(),
        None,
        Vec::new(),
        None,
        String::new(),
    )
    .await
}

/// The template's format.
#[derive(Debug, Deserialize, Default)]
pub struct FormatQuery {
    #[serde(default)]
    format: String,
}

/// The list template, with the columns in the viewer's language and one example row; for a
/// program administered off the platform, with the allocation's columns and one amount column
/// per product group.
pub async fn template(
    paths::ParticipantsImportTemplate(_, id): paths::ParticipantsImportTemplate,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, PageError> {
    let en = m.ctx.i18n.lang.code() == "en";
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id)
        .await?
        .program()
        .clone();
    let title = |c: &(&str, &str, &str)| if en { c.2 } else { c.1 }.to_owned();
    let mut head: Vec<String> = COLUMNS.iter().map(title).collect();
    // The sample row's first identifier is the mark the import refuses (`sample_row`).
    let sample = if en {
        "Sample: delete this row"
    } else {
        "Exemple : supprimez cette ligne"
    };
    let mut example: Vec<String> = [
        "1",
        halles_store::coupons::SAMPLE_ID1,
        "",
        sample,
        "514 555-0000",
        "",
        "H2X 1Y4",
        "",
        "2026-11-28",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if program.off_platform {
        head.extend(ALLOWANCE_COLUMNS.iter().map(title));
        example.extend(["2026-12-01", "2027-05-31", "first_of_month"].map(str::to_owned));
        for (i, g) in state
            .store
            .product_groups(program.id)
            .await?
            .iter()
            .filter(|g| !g.is_loyalty)
            .enumerate()
        {
            head.push(g.name(m.ctx.i18n.lang.code()).to_owned());
            example.push(if i == 0 { "25,00" } else { "" }.to_owned());
        }
    }
    let mut table = Table::new(head);
    table.push(example);
    crate::pages::download(
        &m.ctx,
        table,
        &q.format,
        "Participants",
        &format!("participants-modele-{id}"),
    )
}

/// Receives the list (multipart: `csrf`, `file` or `data`, `consent_purpose`, `schedule`,
/// `action` = `preview` or `apply`): checks every row, and imports when asked and all are fine.
pub async fn submit(
    paths::ParticipantsImport(_, id): paths::ParticipantsImport,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    headers: axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let (mut sent, mut file, mut data, mut purpose, mut schedule, mut action) = (
        String::new(),
        Vec::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => sent = field.text().await.unwrap_or_default(),
            Some("file") => file = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
            Some("data") => data = field.text().await.unwrap_or_default(),
            Some("consent_purpose") => purpose = field.text().await.unwrap_or_default(),
            Some("schedule") => schedule = field.text().await.unwrap_or_default(),
            Some("action") => action = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    if !crate::security::csrf_matches(&headers, token.as_ref().map(|t| &t.0), &sent) {
        return Err(PageError::new(StatusCode::FORBIDDEN, i18n.lang, "err-csrf"));
    }
    let schedule_id = schedule.trim().parse::<i64>().ok();
    let bytes = if file.is_empty() {
        data.into_bytes()
    } else {
        file
    };
    let mut errors = FormErrors::none();
    if purpose.trim().is_empty() {
        errors.push("consent_purpose", "err-consent_required", &i18n);
    }
    let table = match halles_docs::read_table(&bytes) {
        Ok(t) => Some(t),
        Err(halles_docs::ReadError::TooLarge) => {
            let mb = halles_docs::read::MAX_UNCOMPRESSED / (1024 * 1024);
            let key = "err-import_too_large";
            let text = i18n.ta(key, &[("megabytes", mb.to_string())]);
            errors.push_text("file", key, text);
            None
        }
        Err(halles_docs::ReadError::TooManyRows) => {
            let key = "err-import_too_many_rows";
            let text = i18n.ta(
                key,
                &[
                    ("rows", halles_docs::read::MAX_ROWS.to_string()),
                    ("columns", halles_docs::read::MAX_COLUMNS.to_string()),
                ],
            );
            errors.push_text("file", key, text);
            None
        }
        Err(halles_docs::ReadError::Encoding) => {
            errors.push("file", "err-import_encoding", &i18n);
            None
        }
        Err(_) => {
            errors.push("file", "err-import_unreadable", &i18n);
            None
        }
    };
    // Text that is no list at all says so, rather than naming a missing column.
    let table = match table {
        Some(t) if !is_a_list(&t) => {
            errors.push("file", "err-import_not_a_list", &i18n);
            None
        }
        t => t,
    };
    let scope = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    let program = scope.program();
    let groups = if program.off_platform {
        Some(state.store.product_groups(program.id).await?)
    } else {
        None
    };
    let rows = match table.as_ref().map(|t| rows_of(t, groups.as_deref())) {
        Some(Ok(rows)) if !rows.is_empty() => rows,
        Some(Ok(_)) => {
            errors.push("file", "err-import_empty", &i18n);
            Vec::new()
        }
        Some(Err(col)) => {
            let key = "err-import_column";
            let text = i18n.ta(key, &[("column", col.to_owned())]);
            errors.push_text("file", key, text);
            Vec::new()
        }
        None => Vec::new(),
    };
    if !errors.is_empty() {
        return import_page(
            &state,
            m,
            id,
            errors,
            purpose,
            schedule_id,
            Vec::new(),
            None,
            String::new(),
        )
        .await;
    }
    // What the preview carries to the import: the list as CSV, so nothing is uploaded twice.
    // Off the platform, the allocation's columns and one amount column per group (by its
    // French name) go with it.
    let mut head: Vec<String> = COLUMNS.iter().map(|c| c.0.to_owned()).collect();
    if let Some(groups) = &groups {
        head.extend(ALLOWANCE_COLUMNS.iter().map(|c| c.0.to_owned()));
        head.extend(
            groups
                .iter()
                .filter(|g| !g.is_loyalty)
                .map(|g| g.name_fr.clone()),
        );
    }
    let mut normalized = Table::new(head);
    for r in &rows {
        let mut line = vec![
            r.participant_type.clone(),
            r.id1.clone(),
            r.id2.clone(),
            r.name.clone(),
            r.phone.clone(),
            r.email.clone(),
            r.postal_code.clone(),
            r.notes.clone(),
            r.consent_on.clone(),
        ];
        if let Some(groups) = &groups {
            line.extend([r.starts_on.clone(), r.ends_on.clone(), r.moment.clone()]);
            for g in groups.iter().filter(|g| !g.is_loyalty) {
                let typed = r.amounts.iter().find(|(id, _)| *id == g.id);
                line.push(typed.map(|(_, a)| a.clone()).unwrap_or_default());
            }
        }
        normalized.push(line);
    }
    let data = normalized
        .to_raw_csv()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let apply = action == "apply";
    let report = match state
        .store
        .import_participants(&scope, &rows, &purpose, schedule_id.map(ScheduleId), apply)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            let errors = FormErrors::from_store(e, "file", &i18n)?;
            return import_page(
                &state,
                m,
                id,
                errors,
                purpose,
                schedule_id,
                rows,
                None,
                data,
            )
            .await;
        }
    };
    if report.applied {
        let [f, k] = flash_headers("success", "flash-imported", state.config.secure_cookies);
        return Ok(see_other(
            &paths::Participants(m.org.id, id).to_string(),
            [f, k],
        ));
    }
    import_page(
        &state,
        m,
        id,
        FormErrors::none(),
        purpose,
        schedule_id,
        rows,
        Some(report),
        data,
    )
    .await
}
