//! 账号与授权: accounts, their sign-in state, and role grants bound to organisation subtrees.

use lianzheng_core::ids::{GrantId, OrgId, PersonId, ResetId, UserId};
use lianzheng_core::org::{Permission, Role, Scope};
pub use lianzheng_core::password::ResetStatus;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::{Db, Tx, now, q};

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub org_id: Option<OrgId>,
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
    /// When an administrator last reset the password; told at sign-in until the person sets their own.
    pub reset_notice_at: Option<i64>,
}

macro_rules! user_cols {
    () => {
        "id, username, display_name, person_id, org_id, password_hash, must_change_password, failed_count, locked_until, totp_secret_enc, totp_enabled, disabled, last_login_at, reset_notice_at"
    };
}
const COLS: &str = user_cols!();

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Grant {
    pub id: GrantId,
    pub user_id: UserId,
    pub role: String,
    pub org_id: Option<OrgId>,
    pub org_name: Option<String>,
    pub org_path: Option<String>,
}

impl Grant {
    pub fn role(&self) -> Option<Role> {
        Role::from_code(&self.role)
    }
}

pub async fn get(db: &Db, id: UserId) -> Result<Option<User>, StoreError> {
    db.fetch_optional(q(concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1")).bind(id)).await
}

pub async fn get_by_username(db: &Db, username: &str) -> Result<Option<User>, StoreError> {
    db.fetch_optional(q(concat!("SELECT ", user_cols!(), " FROM users WHERE username = $1")).bind(username)).await
}

pub async fn list(db: &Db, q_text: Option<&str>, offset: i64, limit: i64) -> Result<(Vec<User>, i64), StoreError> {
    list_sorted(db, q_text, &crate::builder::Sort::default(), offset, limit).await
}

/// The accounts table's sort keys (the id breaks ties; a name is compared by its characters'
/// code points on both databases: accounts have no pinyin column).
pub const SORTS: &[(&str, &[crate::builder::SortKey])] =
    &[("username", &[crate::builder::SortKey::text("username")]), ("name", &[crate::builder::SortKey::text("display_name")]), ("login", &[crate::builder::SortKey::num("last_login_at").nullable()])];

/// One page of accounts matching the text, sorted by a key of [`SORTS`] (else by id).
pub async fn list_sorted(db: &Db, q_text: Option<&str>, sort: &crate::builder::Sort, offset: i64, limit: i64) -> Result<(Vec<User>, i64), StoreError> {
    let mut b = crate::SqlBuilder::new("FROM users WHERE 1=1");
    if let Some(t) = q_text.filter(|s| !s.trim().is_empty()) {
        let like = format!("%{}%", t.trim());
        b.push(" AND (username LIKE ").bind(like.clone()).push(" OR display_name LIKE ").bind(like).push(")");
    }
    let total = db.scalar_i64(b.clone_with("SELECT COUNT(*) ").build()).await?;
    let mut page = b.clone_with(&format!("SELECT {COLS} "));
    match sort.pick(SORTS) {
        Some(keys) => page.order_by(db.backend(), keys, sort.desc, "id"),
        None => page.push(" ORDER BY id"),
    };
    page.push(&format!(" LIMIT {} OFFSET {}", limit.max(1), offset.max(0)));
    Ok((db.fetch_all(page.build()).await?, total))
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM users")).await
}

#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub org_id: Option<OrgId>,
}

pub async fn create(tx: &mut Tx, actor: &Actor, input: &UserInput, password_hash: &str, must_change: bool) -> Result<UserId, StoreError> {
    let t = now();
    let (id,): (UserId,) = tx
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
    audit::record(
        tx,
        actor,
        "user.create",
        "user",
        Some(id.to_string()),
        json!({"after": audit::redact(&json!({"username": input.username, "display_name": input.display_name, "person_id": input.person_id, "org_id": input.org_id}), &["display_name"])}),
    )
    .await?;
    Ok(id)
}

/// Sets a password. `must_change`: an administrator's reset (a one-time password), which is
/// also told to the person at their next sign-in; otherwise the person's own, which ends that notice.
pub async fn set_password(tx: &mut Tx, actor: &Actor, id: UserId, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
    let t = now();
    let notice = if must_change { Some(t) } else { None };
    let n = tx
        .execute(
            q("UPDATE users SET password_hash = $1, must_change_password = $2, failed_count = 0, locked_until = NULL, password_changed_at = $3, updated_at = $3, reset_notice_at = $4 WHERE id = $5")
                .bind(password_hash)
                .bind(must_change)
                .bind(t)
                .bind(notice)
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, actor, if must_change { "user.reset_password" } else { "user.change_password" }, "user", Some(id.to_string()), json!({"must_change": must_change})).await
}

pub async fn unlock(tx: &mut Tx, actor: &Actor, id: UserId) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE users SET failed_count = 0, locked_until = NULL, updated_at = $1 WHERE id = $2").bind(now()).bind(id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, actor, "user.unlock", "user", Some(id.to_string()), json!({})).await
}

pub async fn set_disabled(tx: &mut Tx, actor: &Actor, id: UserId, disabled: bool) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3").bind(disabled).bind(now()).bind(id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    if disabled {
        tx.execute(q("DELETE FROM sessions WHERE user_id = $1").bind(id)).await?;
    }
    audit::record(tx, actor, if disabled { "user.disable" } else { "user.enable" }, "user", Some(id.to_string()), json!({})).await
}

/// What failed at sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Password,
    /// A wrong second-factor code.
    Totp,
    /// A second-factor code whose time step was already used.
    TotpReplay,
}

/// A failed sign-in (password or second factor): counts up and locks the account once the limit is reached.
pub async fn record_failure(tx: &mut Tx, actor: &Actor, id: UserId, max_failures: i64, lock_secs: i64, what: Failure) -> Result<bool, StoreError> {
    let (count,): (i64,) = tx.fetch_one(q("UPDATE users SET failed_count = failed_count + 1 WHERE id = $1 RETURNING failed_count").bind(id)).await?;
    let locked = count >= max_failures;
    if locked {
        tx.execute(q("UPDATE users SET locked_until = $1, failed_count = 0 WHERE id = $2").bind(now() + lock_secs).bind(id)).await?;
    }
    let factor = if what == Failure::Password { "password" } else { "totp" };
    // the codes stand in the call itself, where the label test finds them
    #[rustfmt::skip]
    audit::record(tx, actor, match (locked, what) { (true, _) => "user.login_locked", (false, Failure::Password) => "user.login_failed", (false, Failure::Totp | Failure::TotpReplay) => "user.totp_failed" }, "user", Some(id.to_string()), json!({"failures": count, "factor": factor, "replay": what == Failure::TotpReplay})).await?;
    Ok(locked)
}

/// A wrong code while binding an authenticator: audited, not counted (the key is not yet a factor).
pub async fn record_enrolment_failure(tx: &mut Tx, actor: &Actor, id: UserId) -> Result<(), StoreError> {
    audit::record(tx, actor, "user.totp_enrol_failed", "user", Some(id.to_string()), json!({})).await
}

/// Takes a TOTP time step as used: true the first time, false when this or a later step was
/// already used by the account (a replayed code). Atomic, so two nodes cannot both accept it.
pub async fn use_totp_step(tx: &mut Tx, id: UserId, step: i64) -> Result<bool, StoreError> {
    let n = tx.execute(q("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)").bind(step).bind(id)).await?;
    Ok(n == 1)
}

/// The person's own password change: ends every other session and API token of the account
/// (the one in use stays), in the same transaction.
pub async fn change_own_password(tx: &mut Tx, actor: &Actor, id: UserId, password_hash: &str, keep_session: &str) -> Result<u64, StoreError> {
    let t = now();
    let n = tx
        .execute(
            q("UPDATE users SET password_hash = $1, must_change_password = FALSE, failed_count = 0, locked_until = NULL, password_changed_at = $2, updated_at = $2, reset_notice_at = NULL WHERE id = $3")
                .bind(password_hash)
                .bind(t)
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let revoked = tx.execute(q("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2").bind(id).bind(keep_session)).await?;
    audit::record(tx, actor, "user.change_password", "user", Some(id.to_string()), json!({"must_change": false, "sessions_revoked": revoked})).await?;
    Ok(revoked)
}

pub async fn record_login(tx: &mut Tx, actor: &Actor, id: UserId) -> Result<(), StoreError> {
    tx.execute(q("UPDATE users SET failed_count = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2").bind(now()).bind(id)).await?;
    audit::record(tx, actor, "user.login", "user", Some(id.to_string()), json!({})).await
}

pub async fn set_totp(tx: &mut Tx, actor: &Actor, id: UserId, secret_enc: Option<String>, enabled: bool) -> Result<(), StoreError> {
    tx.execute(q("UPDATE users SET totp_secret_enc = $1, totp_enabled = $2, updated_at = $3 WHERE id = $4").bind(secret_enc).bind(enabled).bind(now()).bind(id)).await?;
    audit::record(tx, actor, if enabled { "user.totp_enable" } else { "user.totp_pending" }, "user", Some(id.to_string()), json!({})).await
}

/// 密码重置申请: a 系统管理员's request to reset an account's password, which takes effect only
/// when the 安全保密管理员 approves it (two-person rule, docs/decisions/0011-two-person-reset.md).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ResetRequest {
    pub id: ResetId,
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub requested_by: Option<UserId>,
    pub requested_by_name: Option<String>,
    pub requested_at: i64,
    pub status: ResetStatus,
    pub decided_by: Option<UserId>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
}

macro_rules! reset_select {
    () => {
        "SELECT r.id, r.user_id, u.username, u.display_name, r.requested_by, rb.display_name AS requested_by_name, r.requested_at, r.status, r.decided_by, d.display_name AS decided_by_name, r.decided_at \
         FROM password_resets r JOIN users u ON u.id = r.user_id LEFT JOIN users rb ON rb.id = r.requested_by LEFT JOIN users d ON d.id = r.decided_by "
    };
}

/// Files a reset request for an account; one open request per account.
pub async fn request_reset(tx: &mut Tx, actor: &Actor, user_id: UserId) -> Result<ResetId, StoreError> {
    let open: Option<(ResetId,)> = tx.fetch_optional(q("SELECT id FROM password_resets WHERE user_id = $1 AND status = 'pending'").bind(user_id)).await?;
    if open.is_some() {
        return Err(StoreError::Conflict { field: String::new(), message: "该账号已有待审批的密码重置申请".into() });
    }
    let (id,): (ResetId,) = tx.fetch_one(q("INSERT INTO password_resets (user_id, requested_by, requested_at, status) VALUES ($1, $2, $3, 'pending') RETURNING id").bind(user_id).bind(actor.user_id).bind(now())).await?;
    audit::record(tx, actor, "user.reset_request", "user", Some(user_id.to_string()), json!({"request_id": id})).await?;
    Ok(id)
}

pub async fn get_reset(db: &Db, id: ResetId) -> Result<Option<ResetRequest>, StoreError> {
    db.fetch_optional(q(concat!(reset_select!(), "WHERE r.id = $1")).bind(id)).await
}

/// The open request for an account, if any.
pub async fn pending_reset_for(db: &Db, user_id: UserId) -> Result<Option<ResetRequest>, StoreError> {
    db.fetch_optional(q(concat!(reset_select!(), "WHERE r.user_id = $1 AND r.status = 'pending'")).bind(user_id)).await
}

/// How many password resets wait for a second administrator (the 待办 of the 安全保密管理员).
pub async fn pending_resets(db: &Db) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM password_resets WHERE status = 'pending'")).await
}

/// Open requests, oldest first, then the most recent decisions.
pub async fn reset_requests(db: &Db, pending: bool, limit: i64) -> Result<Vec<ResetRequest>, StoreError> {
    if pending {
        db.fetch_all(q(concat!(reset_select!(), "WHERE r.status = 'pending' ORDER BY r.id LIMIT $1")).bind(limit)).await
    } else {
        db.fetch_all(q(concat!(reset_select!(), "WHERE r.status <> 'pending' ORDER BY r.decided_at DESC, r.id DESC LIMIT $1")).bind(limit)).await
    }
}

/// Closes an open request (approved or rejected) by the deciding administrator. Only one
/// decision wins when two arrive together; the other gets a conflict.
async fn decide_reset(tx: &mut Tx, actor: &Actor, id: ResetId, status: ResetStatus) -> Result<UserId, StoreError> {
    let row: Option<(UserId,)> = tx
        .fetch_optional(q("UPDATE password_resets SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending' RETURNING user_id").bind(status).bind(actor.user_id).bind(now()).bind(id))
        .await?;
    match row {
        Some((user_id,)) => Ok(user_id),
        None => {
            let exists: Option<(i64,)> = tx.fetch_optional(q("SELECT id FROM password_resets WHERE id = $1").bind(id)).await?;
            match exists {
                Some(_) => Err(StoreError::Conflict { field: String::new(), message: "该申请已处理，请刷新页面".into() }),
                None => Err(StoreError::NotFound),
            }
        }
    }
}

/// Approves a request: the new (one-time) password takes effect, and every session and API
/// token of the account ends. Returns the account and how many sessions ended.
pub async fn approve_reset(tx: &mut Tx, actor: &Actor, id: ResetId, password_hash: &str) -> Result<(UserId, u64), StoreError> {
    let user_id = decide_reset(tx, actor, id, ResetStatus::Approved).await?;
    set_password(tx, actor, user_id, password_hash, true).await?;
    let revoked = tx.execute(q("DELETE FROM sessions WHERE user_id = $1").bind(user_id)).await?;
    audit::record(tx, actor, "user.reset_approve", "user", Some(user_id.to_string()), json!({"request_id": id, "sessions_revoked": revoked})).await?;
    Ok((user_id, revoked))
}

pub async fn reject_reset(tx: &mut Tx, actor: &Actor, id: ResetId) -> Result<UserId, StoreError> {
    let user_id = decide_reset(tx, actor, id, ResetStatus::Rejected).await?;
    audit::record(tx, actor, "user.reset_reject", "user", Some(user_id.to_string()), json!({"request_id": id})).await?;
    Ok(user_id)
}

pub async fn grants_of(db: &Db, user_id: UserId) -> Result<Vec<Grant>, StoreError> {
    db.fetch_all(q("SELECT g.id, g.user_id, g.role, g.org_id, o.name AS org_name, o.path AS org_path FROM grants g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY g.id").bind(user_id)).await
}

pub async fn add_grant(tx: &mut Tx, actor: &Actor, user_id: UserId, role: Role, org_id: Option<OrgId>) -> Result<(), StoreError> {
    if role.needs_org() && org_id.is_none() {
        return Err(StoreError::Invalid("业务角色必须绑定组织范围".into()));
    }
    let org_id = if role.needs_org() { org_id } else { None };
    tx.execute(q("INSERT INTO grants (user_id, role, org_id, created_at) VALUES ($1, $2, $3, $4)").bind(user_id).bind(role.code()).bind(org_id).bind(now())).await?;
    audit::record(tx, actor, "user.grant", "user", Some(user_id.to_string()), json!({"role": role.label(), "org_id": org_id})).await
}

/// The account a grant belongs to.
pub async fn grant_owner(db: &Db, grant_id: GrantId) -> Result<Option<UserId>, StoreError> {
    let row: Option<(UserId,)> = db.fetch_optional(q("SELECT user_id FROM grants WHERE id = $1").bind(grant_id)).await?;
    Ok(row.map(|r| r.0))
}

pub async fn remove_grant(tx: &mut Tx, actor: &Actor, grant_id: GrantId) -> Result<(), StoreError> {
    let g: Option<(UserId, String, Option<OrgId>)> = tx.fetch_optional(q("SELECT user_id, role, org_id FROM grants WHERE id = $1").bind(grant_id)).await?;
    let (user_id, role, org_id) = g.ok_or(StoreError::NotFound)?;
    tx.execute(q("DELETE FROM grants WHERE id = $1").bind(grant_id)).await?;
    audit::record(tx, actor, "user.revoke", "user", Some(user_id.to_string()), json!({"role": role, "org_id": org_id})).await
}

/// The subtrees over which the grants give a permission (business permissions), or everything
/// (admin permissions over system data), or nothing.
pub fn scope_for(grants: &[Grant], perm: Permission) -> Scope {
    Scope::of_grants(grants.iter().filter_map(|g| Some(lianzheng_core::org::GrantedRole { role: g.role()?, org_path: g.org_path.as_deref() })), perm)
}
