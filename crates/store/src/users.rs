//! 账号与授权: accounts, their sign-in state, and role grants bound to organisation subtrees.

use lianzheng_core::org::{Permission, Role, Scope};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::audit::{self, Actor};
use crate::db::{Db, Tx, now, q};
use crate::StoreError;

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub org_id: Option<i64>,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub failed_count: i64,
    pub locked_until: Option<i64>,
    #[serde(skip)]
    pub totp_secret_enc: Option<String>,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub last_login_at: Option<i64>,
}

const COLS: &str = "id, username, display_name, person_id, org_id, password_hash, must_change_password, failed_count, locked_until, totp_secret_enc, totp_enabled, disabled, last_login_at";

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Grant {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub org_path: Option<String>,
}

impl Grant {
    pub fn role(&self) -> Option<Role> {
        Role::from_code(&self.role)
    }
}

pub async fn get(db: &Db, id: i64) -> Result<Option<User>, StoreError> {
    db.fetch_optional(q("SELECT id, username, display_name, person_id, org_id, password_hash, must_change_password, failed_count, locked_until, totp_secret_enc, totp_enabled, disabled, last_login_at FROM users WHERE id = $1").bind(id)).await
}

pub async fn get_by_username(db: &Db, username: &str) -> Result<Option<User>, StoreError> {
    db.fetch_optional(q("SELECT id, username, display_name, person_id, org_id, password_hash, must_change_password, failed_count, locked_until, totp_secret_enc, totp_enabled, disabled, last_login_at FROM users WHERE username = $1").bind(username)).await
}

pub async fn list(db: &Db, q_text: Option<&str>, offset: i64, limit: i64) -> Result<(Vec<User>, i64), StoreError> {
    let mut b = crate::SqlBuilder::new("FROM users WHERE 1=1");
    if let Some(t) = q_text.filter(|s| !s.trim().is_empty()) {
        let like = format!("%{}%", t.trim());
        b.push(" AND (username LIKE ").bind(like.clone()).push(" OR display_name LIKE ").bind(like).push(")");
    }
    let total = db.scalar_i64(b.clone_with("SELECT COUNT(*) ").build()).await?;
    let mut page = b.clone_with(&format!("SELECT {COLS} "));
    page.push(&format!(" ORDER BY id LIMIT {limit} OFFSET {offset}"));
    Ok((db.fetch_all(page.build()).await?, total))
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM users")).await
}

#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub org_id: Option<i64>,
}

pub async fn create(tx: &mut Tx, actor: &Actor, input: &UserInput, password_hash: &str, must_change: bool) -> Result<i64, StoreError> {
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO users (username, display_name, person_id, org_id, password_hash, must_change_password, created_at, updated_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING id")
                .bind(input.username.as_str())
                .bind(input.display_name.as_str())
                .bind(input.person_id)
                .bind(input.org_id)
                .bind(password_hash)
                .bind(must_change)
                .bind(t),
        )
        .await?;
    audit::record(tx, actor, "user.create", "user", Some(id.to_string()), json!({"after": audit::redact(&json!({"username": input.username, "display_name": input.display_name, "person_id": input.person_id, "org_id": input.org_id}), &["display_name"])})).await?;
    Ok(id)
}

pub async fn set_password(tx: &mut Tx, actor: &Actor, id: i64, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
    let n = tx
        .execute(q("UPDATE users SET password_hash = $1, must_change_password = $2, failed_count = 0, locked_until = NULL, password_changed_at = $3, updated_at = $3 WHERE id = $4").bind(password_hash).bind(must_change).bind(now()).bind(id))
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, actor, if must_change { "user.reset_password" } else { "user.change_password" }, "user", Some(id.to_string()), json!({"must_change": must_change})).await
}

pub async fn unlock(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE users SET failed_count = 0, locked_until = NULL, updated_at = $1 WHERE id = $2").bind(now()).bind(id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, actor, "user.unlock", "user", Some(id.to_string()), json!({})).await
}

pub async fn set_disabled(tx: &mut Tx, actor: &Actor, id: i64, disabled: bool) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3").bind(disabled).bind(now()).bind(id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    if disabled {
        tx.execute(q("DELETE FROM sessions WHERE user_id = $1").bind(id)).await?;
    }
    audit::record(tx, actor, if disabled { "user.disable" } else { "user.enable" }, "user", Some(id.to_string()), json!({})).await
}

/// A failed sign-in: counts up and locks the account once the limit is reached.
pub async fn record_failure(tx: &mut Tx, actor: &Actor, id: i64, max_failures: i64, lock_secs: i64) -> Result<bool, StoreError> {
    let (count,): (i64,) = tx.fetch_one(q("UPDATE users SET failed_count = failed_count + 1 WHERE id = $1 RETURNING failed_count").bind(id)).await?;
    let locked = count >= max_failures;
    if locked {
        tx.execute(q("UPDATE users SET locked_until = $1, failed_count = 0 WHERE id = $2").bind(now() + lock_secs).bind(id)).await?;
    }
    audit::record(tx, actor, if locked { "user.login_locked" } else { "user.login_failed" }, "user", Some(id.to_string()), json!({"failures": count})).await?;
    Ok(locked)
}

pub async fn record_login(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), StoreError> {
    tx.execute(q("UPDATE users SET failed_count = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2").bind(now()).bind(id)).await?;
    audit::record(tx, actor, "user.login", "user", Some(id.to_string()), json!({})).await
}

pub async fn set_totp(tx: &mut Tx, actor: &Actor, id: i64, secret_enc: Option<String>, enabled: bool) -> Result<(), StoreError> {
    tx.execute(q("UPDATE users SET totp_secret_enc = $1, totp_enabled = $2, updated_at = $3 WHERE id = $4").bind(secret_enc).bind(enabled).bind(now()).bind(id)).await?;
    audit::record(tx, actor, if enabled { "user.totp_enable" } else { "user.totp_pending" }, "user", Some(id.to_string()), json!({})).await
}

pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<Grant>, StoreError> {
    db.fetch_all(q("SELECT g.id, g.user_id, g.role, g.org_id, o.name AS org_name, o.path AS org_path FROM grants g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY g.id").bind(user_id)).await
}

pub async fn add_grant(tx: &mut Tx, actor: &Actor, user_id: i64, role: Role, org_id: Option<i64>) -> Result<(), StoreError> {
    if role.needs_org() && org_id.is_none() {
        return Err(StoreError::Invalid("业务角色必须绑定组织范围".into()));
    }
    let org_id = if role.needs_org() { org_id } else { None };
    tx.execute(q("INSERT INTO grants (user_id, role, org_id, created_at) VALUES ($1, $2, $3, $4)").bind(user_id).bind(role.code()).bind(org_id).bind(now())).await?;
    audit::record(tx, actor, "user.grant", "user", Some(user_id.to_string()), json!({"role": role.label(), "org_id": org_id})).await
}

pub async fn remove_grant(tx: &mut Tx, actor: &Actor, grant_id: i64) -> Result<(), StoreError> {
    let g: Option<(i64, String, Option<i64>)> = tx.fetch_optional(q("SELECT user_id, role, org_id FROM grants WHERE id = $1").bind(grant_id)).await?;
    let (user_id, role, org_id) = g.ok_or(StoreError::NotFound)?;
    tx.execute(q("DELETE FROM grants WHERE id = $1").bind(grant_id)).await?;
    audit::record(tx, actor, "user.revoke", "user", Some(user_id.to_string()), json!({"role": role, "org_id": org_id})).await
}

/// The subtrees over which the grants give a permission (business permissions), or everything
/// (admin permissions over system data), or nothing.
pub fn scope_for(grants: &[Grant], perm: Permission) -> Scope {
    let mut paths = Vec::new();
    let mut all = false;
    for g in grants {
        let Some(role) = g.role() else { continue };
        if !perm.granted_to(role) {
            continue;
        }
        if perm.is_scoped() || role.needs_org() {
            if let Some(p) = &g.org_path {
                paths.push(p.clone());
            }
        } else {
            all = true;
        }
    }
    if all { Scope::everything() } else { Scope::from_paths(paths) }
}
