//! API of accounts: sign-in, the current user, accounts, role grants and password resets.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post};
use lianzheng_core::org::Permission;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Op;
use crate::app::account::{self as accounts, SessionKind};
use crate::auth::{ClientAddr, PendingPrincipal, Principal, request_token};
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, UserForm, into_error, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "post", path: "/auth/login", summary: "登录，返回 API 令牌", tag: "认证", route: || post(login) },
    Op { method: "post", path: "/auth/logout", summary: "注销当前令牌", tag: "认证", route: || post(logout) },
    Op { method: "get", path: "/me", summary: "当前用户、角色与范围", tag: "认证", route: || get(me) },
    Op {
        method: "post", path: "/me/password", summary: "修改本人密码（current, new, confirm）；本账号的其他会话与令牌随即失效，当前令牌保留；须改初始密码时也可用", tag: "认证", route: || post(change_password)
    },
    Op { method: "get", path: "/users", summary: "账号列表（系统管理员）", tag: "账号与授权", route: || get(users_list) },
    Op { method: "post", path: "/users", summary: "新建账号，返回一次性初始密码（系统管理员）", tag: "账号与授权", route: || post(users_create) },
    Op { method: "post", path: "/users/{id}/reset-password", summary: "申请重置密码，安全保密管理员批准后生效（系统管理员）", tag: "账号与授权", route: || post(users_reset) },
    Op { method: "post", path: "/users/{id}/unlock", summary: "解除锁定（系统管理员）", tag: "账号与授权", route: || post(users_unlock) },
    Op { method: "post", path: "/users/{id}/disable", summary: "停用账号（系统管理员）", tag: "账号与授权", route: || post(users_disable) },
    Op { method: "post", path: "/users/{id}/enable", summary: "启用账号（系统管理员）", tag: "账号与授权", route: || post(users_enable) },
    Op { method: "get", path: "/users/{id}/grants", summary: "账号的角色授权（安全保密管理员）", tag: "账号与授权", route: || get(grants_list) },
    Op { method: "post", path: "/users/{id}/grants", summary: "授予角色（安全保密管理员）", tag: "账号与授权", route: || post(grants_create) },
    Op { method: "delete", path: "/grants/{id}", summary: "撤销授权（安全保密管理员）", tag: "账号与授权", route: || delete(grants_delete) },
    Op { method: "get", path: "/password-resets", summary: "待审批的密码重置申请与最近处理（安全保密管理员）", tag: "账号与授权", route: || get(resets_list) },
    Op { method: "post", path: "/password-resets/{id}/approve", summary: "批准密码重置，返回一次性密码（安全保密管理员）", tag: "账号与授权", route: || post(resets_approve) },
    Op { method: "post", path: "/password-resets/{id}/reject", summary: "驳回密码重置（安全保密管理员）", tag: "账号与授权", route: || post(resets_reject) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginBody {
    username: String,
    password: String,
    totp: Option<String>,
}

async fn login(State(st): State<AppState>, ClientAddr(ip): ClientAddr, ApiJson(b): ApiJson<LoginBody>) -> AppResult<Json<Value>> {
    let s = accounts::sign_in(&st, &b.username, &b.password, b.totp.as_deref(), SessionKind::Api, ip).await?;
    Ok(Json(json!({
        "token": s.token,
        "token_type": "Bearer",
        "expires_in": st.policy.api_token_hours * 3600,
        "idle_timeout": st.policy.api_token_idle_minutes * 60,
        "must_change_password": s.user.must_change_password,
        "notice": s.notice,
    })))
}

async fn logout(State(st): State<AppState>, headers: HeaderMap) -> AppResult<StatusCode> {
    if let Some((t, _)) = request_token(&headers) {
        accounts::sign_out(&st, &t).await?;
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
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (rows, total) = accounts::list_accounts(&st, &p, Permission::ManageAccounts, &q.q, page).await?;
    Ok(Json(json!({"items": rows, "total": total, "page": page})))
}

async fn users_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<UserForm>) -> AppResult<(StatusCode, Json<Value>)> {
    p.require(Permission::ManageAccounts)?;
    let input = f.validate().map_err(into_error)?;
    let (id, pw) = accounts::create_account(&st, &p, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "one_time_password": pw}))))
}

/// 202: the request is filed; the password changes only when the 安全保密管理员 approves.
async fn users_reset(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_id(&id)?;
    let request_id = accounts::request_reset(&st, &p, id).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"id": id, "request_id": request_id, "status": "pending", "message": "已提交密码重置申请，待安全保密管理员审批后生效"}))))
}

async fn users_unlock(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    accounts::unlock(&st, &p, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn users_disable(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    accounts::set_disabled(&st, &p, parse_id(&id)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn users_enable(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    accounts::set_disabled(&st, &p, parse_id(&id)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn grants_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": accounts::grants(&st, &p, parse_id(&id)?).await?})))
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
    accounts::grant_role(&st, &p, uid, &b.role, b.org_id.trim().parse().ok()).await?;
    Ok((StatusCode::CREATED, Json(json!({"items": accounts::grants(&st, &p, uid).await?}))))
}

async fn grants_delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    accounts::revoke_grant(&st, &p, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn resets_list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    let (pending, recent) = accounts::reset_requests(&st, &p).await?;
    Ok(Json(json!({"pending": pending, "recent": recent})))
}

/// The one-time password is in this answer only, for the approver to hand over.
async fn resets_approve(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let a = accounts::approve_reset(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"user_id": a.user_id, "username": a.username, "one_time_password": a.one_time_password, "sessions_revoked": a.sessions_revoked})))
}

async fn resets_reject(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    accounts::reject_reset(&st, &p, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordBody {
    #[serde(deserialize_with = "crate::forms::lenient")]
    current: String,
    #[serde(deserialize_with = "crate::forms::lenient")]
    new: String,
    #[serde(deserialize_with = "crate::forms::lenient")]
    confirm: String,
}

/// Takes the pending principal, as the password page does: an account that must change its
/// initial password can do so through the API too.
async fn change_password(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, ApiJson(b): ApiJson<PasswordBody>) -> AppResult<Json<Value>> {
    let revoked = accounts::change_password(&st, &p, &b.current, &b.new, &b.confirm).await?;
    Ok(Json(json!({"changed": true, "sessions_revoked": revoked})))
}
