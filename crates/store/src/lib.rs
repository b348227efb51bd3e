//! lianzheng-store: the database. Schema and migrations for SQLite and PostgreSQL, and one
//! repository module per domain area. Every list takes the caller's [`Scope`]: there is no
//! unscoped list of business data.

pub mod archive;
pub mod attachments;
pub mod audit;
pub mod builder;
pub mod calendar;
pub mod conduct;
pub mod db;
pub mod duty;
pub mod findings;
pub mod generation;
pub mod inspection;
pub mod jobs;
pub mod node_key;
pub mod org;
pub mod people;
mod read_log;
pub mod schema;
pub mod sessions;
pub mod settings;
pub mod users;

pub use builder::SqlBuilder;
pub use db::{Backend, Db, Q, Tx, Val, now, q, q_built};
pub use generation::{Generation, Tables};
pub use lianzheng_core::org::Scope;

/// What went wrong in the store. `Invalid`, `Conflict`, `Stale` and `NotFound` are the
/// caller's fault and carry a Chinese message; `Db` is ours and is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("记录不存在")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("已被他人修改，请刷新后重试")]
    Stale,
    #[error("配置错误：{0}")]
    Config(String),
    #[error("数据库错误：{0}")]
    Db(sqlx::Error),
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Our own failure outside the database (e.g. a computation that did not finish).
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && d.is_unique_violation()
        {
            let constraint = d.constraint().map(str::to_string).unwrap_or_default();
            let msg = d.message().to_string();
            // SQLite names columns ("UNIQUE constraint failed: people.id_number_hash"), PostgreSQL the index.
            let key = if constraint.is_empty() { msg } else { constraint };
            let (field, message) = unique_message(&key);
            return StoreError::Conflict { field: field.to_string(), message: message.to_string() };
        }
        StoreError::Db(e)
    }
}

/// Turns a unique-index name into the field it protects and a message for people.
fn unique_message(key: &str) -> (&'static str, &'static str) {
    const KNOWN: &[(&str, &str, &str)] = &[
        ("orgs_code", "code", "组织编码已存在"),
        ("orgs.code", "code", "组织编码已存在"),
        ("people_id_number_hash", "id_number", "该身份证号已登记"),
        ("people.id_number_hash", "id_number", "该身份证号已登记"),
        ("users_username", "username", "用户名已存在"),
        ("users.username", "username", "用户名已存在"),
        ("grants_unique", "role", "该授权已存在"),
        ("grants.user_id", "role", "该授权已存在"),
    ];
    for (needle, field, message) in KNOWN {
        if key.contains(needle) {
            return (field, message);
        }
    }
    ("", "记录重复")
}
