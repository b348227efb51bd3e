//! Settings an administrator changes at run time (the file and environment give the defaults).

use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::{Db, Tx, now, q};

pub async fn all(db: &Db) -> Result<Vec<(String, String)>, StoreError> {
    db.fetch_all(q("SELECT key, value FROM settings ORDER BY key")).await
}

pub async fn get(db: &Db, key: &str) -> Result<Option<String>, StoreError> {
    let v: Option<(String,)> = db.fetch_optional(q("SELECT value FROM settings WHERE key = $1").bind(key)).await?;
    Ok(v.map(|(v,)| v))
}

pub async fn set(tx: &mut Tx, actor: &Actor, key: &str, value: &str) -> Result<(), StoreError> {
    let before: Option<(String,)> = tx.fetch_optional(q("SELECT value FROM settings WHERE key = $1").bind(key)).await?;
    tx.execute(q("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at").bind(key).bind(value).bind(now())).await?;
    audit::record(tx, actor, "setting.update", "setting", Some(key.to_string()), json!({"before": before.map(|(v,)| v), "after": value})).await
}
