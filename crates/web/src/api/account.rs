//! API of accounts: sign-in, the current user, accounts and role grants.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post};
use axum::Json;
use lianzheng_core::org::Permission;
use lianzheng_store::{sessions, users};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Op;
use crate::auth::{ClientAddr, Principal, request_token, sign_in, token_hash};
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, UserForm, into_error, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "post", path: "/auth/login", summary: "登录，返回 API 令牌", tag: "认证", route: || post(login) },
    Op { method: "post", path: "/auth/logout", summary: "注销当前令牌", tag: "认证", route: || post(logout) },
    Op { method: "get", path: "/me", summary: "当前用户、角色与范围", tag: "认证", route: || get(me) },
    Op { method: "get", path: "/users", summary: "账号列表（系统管理员）", tag: "账号与授权", route: || get(users_list) },
    Op { method: "post", path: "/users", summary: "新建账号，返回一次性初始密码（系统管理员）", tag: "账号与授权", route: || post(users_create) },
    Op { method: "post", path: "/users/{id}/reset-password", summary: "重置密码（系统管理员）", tag: "账号与授权", route: || post(users_reset) },
    Op { method: "post", path: "/users/{id}/unlock", summary: "解除锁定（系统管理员）", tag: "账号与授权", route: || post(users_unlock) },
    Op { method: "get", path: "/users/{id}/grants", summary: "账号的角色授权（安全保密管理员）", tag: "账号与授权", route: || get(grants_list) },
    Op { method: "post", path: "/users/{id}/grants", summary: "授予角色（安全保密管理员）", tag: "账号与授权", route: || post(grants_create) },
    Op { method: "delete", path: "/grants/{id}", summary: "撤销授权（安全保密管理员）", tag: "账号与授权", route: || delete(grants_delete) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginBody {
    username: String,
    password: String,
    totp: Option<String>,
}

async fn login(State(st): State<AppState>, ClientAddr(ip): ClientAddr, ApiJson(b): ApiJson<LoginBody>) -> AppResult<Json<Value>> {
    let s = sign_in(&st, &b.username, &b.password, b.totp.as_deref(), "api", ip).await?;
    Ok(Json(json!({"token": s.token, "token_type": "Bearer", "expires_in": st.policy.api_token_hours * 3600, "must_change_password": s.user.must_change_password})))
}

async fn logout(State(st): State<AppState>, headers: HeaderMap) -> AppResult<StatusCode> {
    if let Some((t, _)) = request_token(&headers) {
        sessions::delete(&st.db, &token_hash(&t)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(p: Principal) -> Json<Value> {
    let grants: Vec<Value> = p.grants.iter().map(|g| json!({"role": g.role, "role_label": g.role().map(|r| r.label()), "org_id": g.org_id, "org_name": g.org_name})).collect();
    Json(json!({"id": p.user.id, "username": p.user.username, "display_name": p.user.display_name, "org_id": p.user.org_id, "totp_enabled": p.user.totp_enabled, "grants": grants}))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    q: String,
    page: String,
}

async fn users_list(State(st): State<AppState>, p: Principal, Q(q): Q<PageQuery>) -> AppResult<Json<Value>> {
    p.require(Permission::ManageAccounts)?;
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (rows, total) = users::list(&st.db, Some(&q.q), (page - 1) * 50, 50).await?;
    Ok(Json(json!({"items": rows, "total": total, "page": page})))
}

async fn users_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<UserForm>) -> AppResult<(StatusCode, Json<Value>)> {
    p.require(Permission::ManageAccounts)?;
    let input = f.validate().map_err(into_error)?;
    let (id, pw) = crate::pages_api_shared::create_account(&st, &p, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "one_time_password": pw}))))
}

async fn users_reset(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    p.require(Permission::ManageAccounts)?;
    let id = parse_id(&id)?;
    let pw = lianzheng_core::password::generate_one_time_password();
    let hash = st.hasher.hash(&pw).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = st.db.begin().await?;
    users::set_password(&mut tx, &p.actor(), id, &hash, true).await?;
    tx.commit().await?;
    sessions::delete_for_user(&st.db, id).await?;
    Ok(Json(json!({"id": id, "one_time_password": pw})))
}

async fn users_unlock(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    p.require(Permission::ManageAccounts)?;
    let mut tx = st.db.begin().await?;
    users::unlock(&mut tx, &p.actor(), parse_id(&id)?).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn grants_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    if !p.can(Permission::ManageGrants) && !p.can(Permission::ManageAccounts) {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    users::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(json!({"items": users::grants_of(&st.db, id).await?})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GrantBody {
    #[serde(deserialize_with = "crate::forms::lenient")]
    role: String,
    #[serde(deserialize_with = "crate::forms::lenient")]
    org_id: String,
}

async fn grants_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<GrantBody>) -> AppResult<(StatusCode, Json<Value>)> {
    let uid = parse_id(&id)?;
    crate::pages_api_shared::grant_role(&st, &p, uid, &b.role, b.org_id.trim().parse().ok()).await?;
    Ok((StatusCode::CREATED, Json(json!({"items": users::grants_of(&st.db, uid).await?}))))
}

async fn grants_delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    p.require(Permission::ManageGrants)?;
    let mut tx = st.db.begin().await?;
    users::remove_grant(&mut tx, &p.actor(), parse_id(&id)?).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
