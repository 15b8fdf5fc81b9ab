//! Schema parity: the SQLite and PostgreSQL migration folders must build the same schema.
//!
//! Both are migrated into fresh databases, each schema is read back from the database's own
//! catalog (SQLite: `sqlite_master` and its pragmas; PostgreSQL: `information_schema.columns`,
//! `pg_index`), normalized to one vocabulary, and compared by [`differences`]: tables, columns,
//! types, nullability, primary keys, indexes (name, columns, uniqueness, partial predicate) and
//! triggers. What differs by design is listed once, with its reason, in [`ALLOWED`].

use halles_core::{Clock, SystemClock};
use halles_store::testing::TestDb;
use sqlx::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// A column type in the vocabulary the Any driver reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    /// SQLite `INTEGER`/`BIGINT` (always 64 bits there), PostgreSQL `bigint`.
    Int64,
    /// PostgreSQL `integer`/`smallint`: narrower than the SQLite side.
    Int32,
    /// PostgreSQL `boolean`; SQLite stores flags as `INTEGER` ([`Ty::Int64`]).
    Bool,
    Text,
    Bytes,
    Float,
    /// Anything else, as declared.
    Other(String),
}

impl Ty {
    fn sqlite(declared: &str) -> Ty {
        match declared.to_ascii_uppercase().as_str() {
            "INTEGER" | "BIGINT" | "INT" => Ty::Int64,
            "TEXT" => Ty::Text,
            "BLOB" => Ty::Bytes,
            "REAL" | "DOUBLE" => Ty::Float,
            "BOOLEAN" => Ty::Bool,
            other => Ty::Other(other.to_owned()),
        }
    }

    fn postgres(data_type: &str) -> Ty {
        match data_type {
            "bigint" => Ty::Int64,
            "integer" | "smallint" => Ty::Int32,
            "boolean" => Ty::Bool,
            "text" => Ty::Text,
            "bytea" => Ty::Bytes,
            "double precision" | "real" => Ty::Float,
            other => Ty::Other(other.to_owned()),
        }
    }

    /// Whether a SQLite column of type `self` matches a PostgreSQL column of type `pg`: the same
    /// type, or a flag (`INTEGER` 0/1 on SQLite, `BOOLEAN` on PostgreSQL).
    fn matches(&self, pg: &Ty) -> bool {
        self == pg || (*self == Ty::Int64 && *pg == Ty::Bool)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    ty: Ty,
    not_null: bool,
}

/// An index's shape. Indexes made by `CREATE INDEX` are known by name; those backing a `UNIQUE`
/// or `PRIMARY KEY` constraint are named differently by each database, so they are known by
/// their columns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    /// The partial index's predicate, normalized (see [`predicate`]).
    predicate: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// Key: the index name, or `unique (a, b)` for a constraint's index.
    indexes: BTreeMap<String, Index>,
    triggers: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, Table>,
}

/// The database a thing is found on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Sqlite,
    Postgres,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Sqlite => "SQLite",
            Side::Postgres => "PostgreSQL",
        })
    }
}

/// One way the two schemas differ.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Difference {
    Table {
        table: String,
        only_on: Side,
    },
    Column {
        table: String,
        column: String,
        only_on: Side,
    },
    Type {
        table: String,
        column: String,
        sqlite: Ty,
        postgres: Ty,
    },
    Nullability {
        table: String,
        column: String,
        sqlite_not_null: bool,
        postgres_not_null: bool,
    },
    PrimaryKey {
        table: String,
        sqlite: Vec<String>,
        postgres: Vec<String>,
    },
    Index {
        table: String,
        index: String,
        only_on: Side,
    },
    IndexShape {
        table: String,
        index: String,
        sqlite: Index,
        postgres: Index,
    },
    Trigger {
        table: String,
        trigger: String,
        only_on: Side,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Table { table, only_on } => write!(f, "table {table} only on {only_on}"),
            Difference::Column {
                table,
                column,
                only_on,
            } => write!(f, "column {table}.{column} only on {only_on}"),
            Difference::Type {
                table,
                column,
                sqlite,
                postgres,
            } => write!(
                f,
                "column {table}.{column}: {sqlite:?} on SQLite, {postgres:?} on PostgreSQL"
            ),
            Difference::Nullability {
                table,
                column,
                sqlite_not_null,
                postgres_not_null,
            } => {
                let word = |n: &bool| if *n { "NOT NULL" } else { "nullable" };
                write!(
                    f,
                    "column {table}.{column}: {} on SQLite, {} on PostgreSQL",
                    word(sqlite_not_null),
                    word(postgres_not_null)
                )
            }
            Difference::PrimaryKey {
                table,
                sqlite,
                postgres,
            } => write!(
                f,
                "primary key of {table}: ({}) on SQLite, ({}) on PostgreSQL",
                sqlite.join(", "),
                postgres.join(", ")
            ),
            Difference::Index {
                table,
                index,
                only_on,
            } => write!(f, "index {index} on {table} only on {only_on}"),
            Difference::IndexShape {
                table,
                index,
                sqlite,
                postgres,
            } => write!(
                f,
                "index {index} on {table}: {sqlite:?} on SQLite, {postgres:?} on PostgreSQL"
            ),
            Difference::Trigger {
                table,
                trigger,
                only_on,
            } => write!(f, "trigger {trigger} on {table} only on {only_on}"),
        }
    }
}

/// Every difference between the SQLite and the PostgreSQL schema, in table order.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<Difference> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = sqlite.tables.keys().chain(postgres.tables.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.tables.get(name), postgres.tables.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (s, _) => {
                out.push(Difference::Table {
                    table: name.clone(),
                    only_on: if s.is_some() {
                        Side::Sqlite
                    } else {
                        Side::Postgres
                    },
                });
                continue;
            }
        };
        let table = || name.clone();
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            match (s.columns.get(column), p.columns.get(column)) {
                (Some(sc), Some(pc)) => {
                    if !sc.ty.matches(&pc.ty) {
                        out.push(Difference::Type {
                            table: table(),
                            column: column.clone(),
                            sqlite: sc.ty.clone(),
                            postgres: pc.ty.clone(),
                        });
                    }
                    if sc.not_null != pc.not_null {
                        out.push(Difference::Nullability {
                            table: table(),
                            column: column.clone(),
                            sqlite_not_null: sc.not_null,
                            postgres_not_null: pc.not_null,
                        });
                    }
                }
                (sc, _) => out.push(Difference::Column {
                    table: table(),
                    column: column.clone(),
                    only_on: if sc.is_some() {
                        Side::Sqlite
                    } else {
                        Side::Postgres
                    },
                }),
            }
        }
        if s.primary_key != p.primary_key {
            out.push(Difference::PrimaryKey {
                table: table(),
                sqlite: s.primary_key.clone(),
                postgres: p.primary_key.clone(),
            });
        }
        let indexes: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for index in indexes {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(si), Some(pi)) if si != pi => out.push(Difference::IndexShape {
                    table: table(),
                    index: index.clone(),
                    sqlite: si.clone(),
                    postgres: pi.clone(),
                }),
                (Some(_), Some(_)) => {}
                (si, _) => out.push(Difference::Index {
                    table: table(),
                    index: index.clone(),
                    only_on: if si.is_some() {
                        Side::Sqlite
                    } else {
                        Side::Postgres
                    },
                }),
            }
        }
        for trigger in s.triggers.symmetric_difference(&p.triggers) {
            out.push(Difference::Trigger {
                table: table(),
                trigger: trigger.clone(),
                only_on: if s.triggers.contains(trigger) {
                    Side::Sqlite
                } else {
                    Side::Postgres
                },
            });
        }
    }
    out
}

/// A difference that is there by design.
struct Allowed {
    reason: &'static str,
    applies: fn(&Difference) -> bool,
}

/// The differences by design, each with its reason (ARCHITECTURE.md, "Tenancy" and "One code
/// base over SQLite and PostgreSQL"). Anything else fails the parity test.
const ALLOWED: &[Allowed] = &[
    Allowed {
        reason: "tenant tables: on PostgreSQL the primary key leads with organization_id \
                 (PRIMARY KEY (organization_id, id)); on SQLite id is the rowid and \
                 (organization_id, id) is UNIQUE",
        applies: |d| match d {
            Difference::PrimaryKey {
                sqlite, postgres, ..
            } => sqlite == &["id"] && postgres == &["organization_id", "id"],
            Difference::Index {
                index,
                only_on: Side::Sqlite,
                ..
            } => index == "unique (organization_id, id)",
            _ => false,
        },
    },
    Allowed {
        reason: "market_groups declares UNIQUE (id) on PostgreSQL, where its key is \
                 (organization_id, id); on SQLite id is the rowid, unique by construction",
        applies: |d| {
            matches!(d, Difference::Index { table, index, only_on: Side::Postgres }
                if table == "market_groups" && index == "unique (id)")
        },
    },
    Allowed {
        reason: "SQLite stores any value in any column: migration 0017's triggers refuse a \
                 non-integer in money and quantity columns; PostgreSQL's BIGINT does that itself",
        applies: |d| {
            matches!(d, Difference::Trigger { trigger, only_on: Side::Sqlite, .. }
                if trigger.ends_with("_integers_insert") || trigger.ends_with("_integers_update"))
        },
    },
    Allowed {
        reason: "a unit's estimated weight is 1 g to 100 kg: migration 0031 adds a CHECK on \
                 PostgreSQL and, since SQLite cannot add a CHECK to a table without rebuilding \
                 it, triggers that refuse the same values there",
        applies: |d| {
            matches!(d, Difference::Trigger { table, trigger, only_on: Side::Sqlite }
                if table == "products" && trigger.starts_with("products_unit_weight_"))
        },
    },
    Allowed {
        reason: "SQLite lets a PRIMARY KEY column that is not the INTEGER rowid hold NULL (a \
                 legacy SQLite quirk) unless declared NOT NULL; PostgreSQL makes every key column \
                 NOT NULL. The store never writes a NULL key, and adding NOT NULL on SQLite means \
                 rebuilding each table",
        applies: |d| {
            matches!(
                d,
                Difference::Nullability {
                    sqlite_not_null: false,
                    postgres_not_null: true,
                    ..
                }
            ) && is_text_key(d)
        },
    },
];

/// Text primary-key columns that SQLite leaves nullable (see [`ALLOWED`]).
const NULLABLE_TEXT_KEYS: &[(&str, &str)] = &[
    ("email_changes", "token_hash"),
    ("password_resets", "token_hash"),
    ("sessions", "token_hash"),
    ("throttles", "throttle_key"),
];

fn is_text_key(d: &Difference) -> bool {
    match d {
        Difference::Nullability { table, column, .. } => NULLABLE_TEXT_KEYS
            .iter()
            .any(|(t, c)| t == table && c == column),
        _ => false,
    }
}

/// The reason a difference is allowed, if it is.
fn allowed(d: &Difference) -> Option<&'static str> {
    ALLOWED.iter().find(|a| (a.applies)(d)).map(|a| a.reason)
}

/// A partial index's predicate in one form: lower case, without PostgreSQL's casts
/// (`'x'::text`), parentheses or repeated spaces.
fn predicate(raw: &str) -> String {
    let mut s = raw.to_lowercase();
    while let Some(at) = s.find("::") {
        let end = s[at + 2..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(s.len(), |e| at + 2 + e);
        s.replace_range(at..end, "");
    }
    s.replace(['(', ')'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key of a constraint's index (its columns), the same on both databases.
fn constraint_key(columns: &[String]) -> String {
    format!("unique ({})", columns.join(", "))
}

async fn read_sqlite(url: &str) -> Schema {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut schema = Schema::default();
    let tables = sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for t in tables {
        let name: String = t.get("name");
        let mut table = Table::default();
        let columns = sqlx::query(
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info($1) ORDER BY pk",
        )
        .bind(&name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for c in columns {
            let column: String = c.get("name");
            let ty = Ty::sqlite(&c.get::<String, _>("type"));
            if c.get::<i64, _>("pk") > 0 {
                table.primary_key.push(column.clone());
            }
            let not_null = c.get::<i64, _>("not_null") != 0;
            table.columns.insert(column, Column { ty, not_null });
        }
        // A lone INTEGER PRIMARY KEY is the rowid, which is never NULL.
        if let [key] = table.primary_key.as_slice()
            && let Some(c) = table.columns.get_mut(key)
            && c.ty == Ty::Int64
        {
            c.not_null = true;
        }
        let indexes = sqlx::query(
            "SELECT l.name, l.\"unique\" AS is_unique, l.origin, m.sql \
             FROM pragma_index_list($1) l LEFT JOIN sqlite_master m ON m.name = l.name",
        )
        .bind(&name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for i in indexes {
            let index: String = i.get("name");
            let origin: String = i.get("origin");
            let columns: Vec<String> = sqlx::query(
                "SELECT COALESCE(name, '<expression>') AS name FROM pragma_index_info($1) \
                 ORDER BY seqno",
            )
            .bind(&index)
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("name"))
            .collect();
            let sql: Option<String> = i.get("sql");
            let predicate = sql.as_deref().and_then(|sql| {
                let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                let at = flat.to_uppercase().rfind(" WHERE ")?;
                Some(predicate(&flat[at + 7..]))
            });
            let key = match origin.as_str() {
                // The primary key is compared as such.
                "pk" => continue,
                "c" => index,
                _ => constraint_key(&columns),
            };
            table.indexes.insert(
                key,
                Index {
                    columns,
                    unique: i.get::<i64, _>("is_unique") != 0,
                    predicate,
                },
            );
        }
        table.triggers =
            sqlx::query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $1")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("name"))
                .collect();
        schema.tables.insert(name, table);
    }
    conn.close().await.unwrap();
    schema
}

async fn read_postgres(url: &str) -> Schema {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut schema = Schema::default();
    let columns = sqlx::query(
        "SELECT table_name::text AS tbl, column_name::text AS col, data_type::text AS ty, \
         is_nullable::text AS nullable FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for c in columns {
        let table = schema.tables.entry(c.get("tbl")).or_default();
        table.columns.insert(
            c.get("col"),
            Column {
                ty: Ty::postgres(&c.get::<String, _>("ty")),
                not_null: c.get::<String, _>("nullable") == "NO",
            },
        );
    }
    let indexes = sqlx::query(
        "SELECT t.relname::text AS tbl, i.relname::text AS idx, x.indisunique AS is_unique, \
         x.indisprimary AS is_primary, pg_get_expr(x.indpred, x.indrelid) AS pred, \
         array_to_string(ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) \
             FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k), ',') AS cols, \
         EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid \
             AND c.contype IN ('p', 'u')) AS is_constraint \
         FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for i in indexes {
        let Some(table) = schema.tables.get_mut(&i.get::<String, _>("tbl")) else {
            continue;
        };
        let columns: Vec<String> = i
            .get::<String, _>("cols")
            .split(',')
            .map(|c| {
                // An expression column is not a plain identifier.
                if c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                    c.to_owned()
                } else {
                    "<expression>".to_owned()
                }
            })
            .collect();
        if i.get::<bool, _>("is_primary") {
            // The primary key is compared as such.
            table.primary_key = columns;
            continue;
        }
        let key = if i.get::<bool, _>("is_constraint") {
            constraint_key(&columns)
        } else {
            i.get("idx")
        };
        table.indexes.insert(
            key,
            Index {
                columns,
                unique: i.get("is_unique"),
                predicate: i.get::<Option<String>, _>("pred").map(|p| predicate(&p)),
            },
        );
    }
    let triggers = sqlx::query(
        "SELECT event_object_table::text AS tbl, trigger_name::text AS name \
         FROM information_schema.triggers WHERE trigger_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for t in triggers {
        if let Some(table) = schema.tables.get_mut(&t.get::<String, _>("tbl")) {
            table.triggers.insert(t.get("name"));
        }
    }
    conn.close().await.unwrap();
    schema
}

/// Migrates a fresh database and reads its schema back.
async fn migrated(db: &TestDb) -> Schema {
    let store = db
        .store(Arc::new(SystemClock) as Arc<dyn Clock>)
        .await
        .unwrap();
    store.close().await;
    match db.label {
        "postgres" => read_postgres(&db.url).await,
        _ => read_sqlite(&db.url).await,
    }
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let sqlite_db = TestDb::sqlite();
    let sqlite = migrated(&sqlite_db).await;
    sqlite_db.cleanup().await;
    assert!(sqlite.tables.contains_key("users"), "{sqlite:#?}");
    let Some(pg_db) = TestDb::postgres().await else {
        return;
    };
    let postgres = migrated(&pg_db).await;
    pg_db.cleanup().await;
    // Partial-index predicates are read on both sides, not just absent on both.
    for schema in [&sqlite, &postgres] {
        let once = &schema.tables["reimbursement_claims"].indexes["reimbursement_claims_once"];
        assert_eq!(once.predicate.as_deref(), Some("status <> 'rejected'"));
    }
    assert_eq!(
        sqlite.tables.keys().collect::<Vec<_>>(),
        postgres.tables.keys().collect::<Vec<_>>()
    );

    let found = differences(&sqlite, &postgres);
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    let mut drifts = Vec::new();
    for d in &found {
        match allowed(d) {
            Some(reason) => *by_reason.entry(reason).or_default() += 1,
            None => drifts.push(d.to_string()),
        }
    }
    for (reason, n) in &by_reason {
        eprintln!("allowed by design ({n}): {reason}");
    }
    assert!(
        drifts.is_empty(),
        "the migration folders drifted apart ({}):\n{}",
        drifts.len(),
        drifts.join("\n")
    );
    // Every allowance still applies to something: one that no longer does goes away.
    for a in ALLOWED {
        assert!(
            by_reason.contains_key(a.reason),
            "allowance no longer needed: {}",
            a.reason
        );
    }
}

/// A small schema as both databases would read it.
fn sample() -> Schema {
    let mut table = Table {
        primary_key: vec!["id".into()],
        ..Table::default()
    };
    for (name, ty, not_null) in [
        ("id", Ty::Int64, true),
        ("name", Ty::Text, true),
        ("note", Ty::Text, false),
        ("active", Ty::Int64, true),
    ] {
        table.columns.insert(name.into(), Column { ty, not_null });
    }
    table.indexes.insert(
        "things_name".into(),
        Index {
            columns: vec!["name".into()],
            unique: false,
            predicate: None,
        },
    );
    table.indexes.insert(
        "things_live".into(),
        Index {
            columns: vec!["name".into()],
            unique: true,
            predicate: Some(predicate("status <> 'gone'")),
        },
    );
    Schema {
        tables: [("things".to_owned(), table)].into(),
    }
}

#[test]
fn a_drifted_migration_folder_is_reported() {
    let sqlite = sample();
    let mut postgres = sample();
    let pg = postgres.tables.get_mut("things").unwrap();
    pg.columns.get_mut("active").unwrap().ty = Ty::Bool;
    assert_eq!(
        differences(&sqlite, &postgres),
        [],
        "a flag is BOOLEAN there"
    );

    let pg = postgres.tables.get_mut("things").unwrap();
    pg.columns.insert(
        "added".into(),
        Column {
            ty: Ty::Int64,
            not_null: false,
        },
    );
    pg.columns.get_mut("note").unwrap().not_null = true;
    pg.columns.get_mut("name").unwrap().ty = Ty::Int32;
    pg.indexes.remove("things_name");
    pg.indexes.get_mut("things_live").unwrap().predicate =
        Some(predicate("(status <> 'removed'::text)"));
    pg.primary_key = vec!["organization_id".into(), "id".into()];
    pg.triggers.insert("things_audit".into());
    postgres.tables.insert("extra".into(), Table::default());

    let found = differences(&sqlite, &postgres);
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "table extra only on PostgreSQL",
            "column things.added only on PostgreSQL",
            "column things.name: Text on SQLite, Int32 on PostgreSQL",
            "column things.note: nullable on SQLite, NOT NULL on PostgreSQL",
            "primary key of things: (id) on SQLite, (organization_id, id) on PostgreSQL",
            "index things_live on things: Index { columns: [\"name\"], unique: true, predicate: \
             Some(\"status <> 'gone'\") } on SQLite, Index { columns: [\"name\"], unique: true, \
             predicate: Some(\"status <> 'removed'\") } on PostgreSQL",
            "index things_name on things only on SQLite",
            "trigger things_audit on things only on PostgreSQL",
        ]
    );
    // Only the tenant key shape is by design here.
    let allowed: Vec<bool> = found.iter().map(|d| allowed(d).is_some()).collect();
    assert_eq!(
        allowed,
        [false, false, false, false, true, false, false, false]
    );
}

#[test]
fn predicates_read_the_same_on_both_databases() {
    assert_eq!(
        predicate("(status <> 'rejected'::text)"),
        predicate("status <> 'rejected'")
    );
    assert_eq!(predicate("(a IS NULL)"), "a is null");
}
