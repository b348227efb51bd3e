//! What the schema is, read back from the database, and the tables each area owns. The list of
//! tables the portable archive carries is the module registry's (`lianzheng_web::modules`),
//! which chains these per-area lists with the duty areas' own; a test checks both databases
//! against each other and against that list.

use std::collections::{BTreeMap, BTreeSet};

use crate::StoreError;
use crate::db::{Backend, ColType, Db, q};

use ColType::{Bool as B, I64 as I, Text as T};

pub struct TableDef {
    pub name: &'static str,
    /// Columns in archive order; the first is the sort key.
    pub columns: &'static [(&'static str, ColType)],
}

/// Each list is in dependency order (a row's references come earlier); the registry keeps the
/// areas in an order that holds across them. Sessions are not carried: they are only valid
/// where they were made.
///
/// 组织与人员.
pub const ORG_TABLES: &[TableDef] = &[
    TableDef {
        name: "orgs",
        columns: &[("id", I), ("parent_id", I), ("name", T), ("short_name", T), ("kind", T), ("code", T), ("level", I), ("sort_order", I), ("path", T), ("created_at", I), ("updated_at", I), ("version", I)],
    },
    TableDef {
        name: "people",
        columns: &[
            ("id", I),
            ("org_id", I),
            ("org_path", T),
            ("name", T),
            ("name_initials", T),
            ("name_pinyin", T),
            ("gender", T),
            ("id_number_enc", T),
            ("id_number_hash", T),
            ("id_number_masked", T),
            ("birth_date", T),
            ("phone", T),
            ("political_status", T),
            ("rank", T),
            ("sort_order", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "posts", columns: &[("id", I), ("person_id", I), ("org_id", I), ("kind", T), ("title", T), ("duty_areas", T), ("start_date", T), ("end_date", T), ("created_at", I)] },
];

/// 账号与授权 (after the organisations and people the accounts name).
pub const ACCOUNT_TABLES: &[TableDef] = &[
    TableDef {
        name: "users",
        columns: &[
            ("id", I),
            ("username", T),
            ("display_name", T),
            ("person_id", I),
            ("org_id", I),
            ("password_hash", T),
            ("must_change_password", B),
            ("failed_count", I),
            ("locked_until", I),
            ("totp_secret_enc", T),
            ("totp_enabled", B),
            ("disabled", B),
            ("created_at", I),
            ("updated_at", I),
            ("last_login_at", I),
            ("password_changed_at", I),
            ("totp_last_step", I),
            ("reset_notice_at", I),
        ],
    },
    TableDef { name: "grants", columns: &[("id", I), ("user_id", I), ("role", T), ("org_id", I), ("created_at", I)] },
    TableDef { name: "password_resets", columns: &[("id", I), ("user_id", I), ("requested_by", I), ("requested_at", I), ("status", T), ("decided_by", I), ("decided_at", I)] },
];

/// 审计.
pub const AUDIT_TABLES: &[TableDef] = &[
    TableDef { name: "audit_head", columns: &[("id", I), ("seq", I), ("last_hash", T)] },
    TableDef {
        name: "audit_log",
        columns: &[("id", I), ("seq", I), ("at", I), ("actor_id", I), ("actor_name", T), ("action", T), ("entity", T), ("entity_id", T), ("summary", T), ("ip", T), ("prev_hash", T), ("hash", T), ("scheme", T)],
    },
];

/// 系统运行: the background jobs and the stored settings (the node key's check value).
pub const SYSTEM_TABLES: &[TableDef] = &[
    TableDef { name: "jobs", columns: &[("id", I), ("kind", T), ("run_at", I), ("locked_by", T), ("locked_until", I), ("attempts", I), ("last_error", T), ("last_run_at", I), ("payload", T), ("created_at", I)] },
    TableDef { name: "settings", columns: &[("key", T), ("value", T), ("updated_at", I)] },
];

/// 附件.
pub const FILES_TABLES: &[TableDef] = &[TableDef {
    name: "attachments",
    columns: &[("id", I), ("org_id", I), ("org_path", T), ("owner_kind", T), ("owner_id", I), ("filename", T), ("content_type", T), ("size", I), ("sm3", T), ("storage_key", T), ("created_by", I), ("created_at", I)],
}];

/// The archived tables, in dependency order, as the module registry lists them.
pub type Tables<'a> = &'a [&'static TableDef];

/// Columns added after archives were first written, with a database default: an older archive
/// without them still loads (the default fills them in). (table, column)
pub const ADDED_COLUMNS: &[(&str, &str)] = &[("audit_log", "scheme")];

/// Tables that exist but are deliberately not archived.
pub const NOT_ARCHIVED: &[&str] = &["sessions"];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchemaInfo {
    /// table → columns (sorted)
    pub tables: BTreeMap<String, Vec<String>>,
    /// (table, index name), primary keys excluded
    pub indexes: BTreeSet<(String, String)>,
}

pub async fn describe(db: &Db) -> Result<SchemaInfo, StoreError> {
    let mut info = SchemaInfo::default();
    let cols: Vec<(String, String)> = match db.backend() {
        Backend::Sqlite => db.fetch_all(q("SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'")).await?,
        Backend::Postgres => db.fetch_all(q("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'")).await?,
    };
    for (t, c) in cols {
        info.tables.entry(t).or_default().push(c);
    }
    for v in info.tables.values_mut() {
        v.sort();
    }
    let idx: Vec<(String, String)> = match db.backend() {
        Backend::Sqlite => db.fetch_all(q("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name <> '_sqlx_migrations'")).await?,
        Backend::Postgres => db.fetch_all(q("SELECT tablename::text, indexname::text FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND tablename <> '_sqlx_migrations'")).await?,
    };
    info.indexes = idx.into_iter().collect();
    Ok(info)
}

/// The foreign keys, read back from the database: (table, the table it references), without
/// a table's references to itself.
pub async fn references(db: &Db) -> Result<BTreeSet<(String, String)>, StoreError> {
    let rows: Vec<(String, String)> = match db.backend() {
        Backend::Sqlite => db.fetch_all(q("SELECT m.name, f.\"table\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'")).await?,
        Backend::Postgres => {
            db.fetch_all(q("SELECT a.relname::text, b.relname::text FROM pg_constraint k JOIN pg_class a ON a.oid = k.conrelid JOIN pg_class b ON b.oid = k.confrelid JOIN pg_namespace n ON n.oid = k.connamespace WHERE k.contype = 'f' AND n.nspname = current_schema()")).await?
        }
    };
    Ok(rows.into_iter().filter(|(a, b)| a != b).collect())
}
