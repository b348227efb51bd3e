//! Admin pages, split by the three admin roles: 系统管理员 (accounts, settings),
//! 安全保密管理员 (grants). Neither sees business data here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use lianzheng_core::org::{Permission, Role};
use lianzheng_core::password::generate_one_time_password;
use lianzheng_store::users::{self, User};
use lianzheng_store::{Scope, jobs, org};
use serde::Deserialize;

use super::{render, render_status};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{PageForm, Q, UserForm, parse_id};
use crate::layout::{Errs, Layout, Pager, fmt_time, scope_org_options};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    l: Layout,
    heading: String,
    base: String,
    q: String,
    rows: Vec<(User, String)>,
    pager: Pager,
    can_create: bool,
    form: UserForm,
    errors: Errs,
    orgs: Vec<(i64, String)>,
    info: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    page: String,
}

async fn users_page(st: &AppState, p: &Principal, perm: Permission, q: UsersQuery, form: UserForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    p.require(perm)?;
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (rows, total) = users::list(&st.db, Some(&q.q), (page - 1) * 50, 50).await?;
    let base = if q.q.is_empty() { String::new() } else { format!("{}&", serde_urlencoded::to_string([("q", q.q.as_str())]).unwrap_or_default()) };
    let (heading, href, active) = if perm == Permission::ManageAccounts { ("账号管理", "/admin/users", "/admin/users") } else { ("授权管理", "/admin/grants", "/admin/grants") };
    let orgs = scope_org_options(&st.db, &Scope::system(lianzheng_core::org::SystemScope::OrgTree)).await?;
    let failed = message.is_some();
    render_status(&UsersPage {
        l: Layout::new(st, p, heading, active),
        heading: heading.to_string(),
        base: href.to_string(),
        q: q.q,
        rows: rows.into_iter().map(|u| { let t = u.last_login_at.map(fmt_time).unwrap_or_default(); (u, t) }).collect(),
        pager: Pager::new(page, 50, total, base),
        can_create: perm == Permission::ManageAccounts,
        form,
        errors,
        orgs,
        info: None,
        message,
    }, failed)
}

pub async fn users(State(st): State<AppState>, p: Principal, Q(q): Q<UsersQuery>) -> AppResult<Response> {
    users_page(&st, &p, Permission::ManageAccounts, q, UserForm::default(), Errs::default(), None).await
}

pub async fn grants_index(State(st): State<AppState>, p: Principal, Q(q): Q<UsersQuery>) -> AppResult<Response> {
    users_page(&st, &p, Permission::ManageGrants, q, UserForm::default(), Errs::default(), None).await
}

/// Creates an account with a one-time password that must be changed at first sign-in.
pub async fn create_account(st: &AppState, p: &Principal, input: &users::UserInput) -> AppResult<(i64, String)> {
    let pw = generate_one_time_password();
    let hash = st.hasher.hash(&pw).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = st.db.begin().await?;
    let id = users::create(&mut tx, &p.actor(), input, &hash, true).await?;
    tx.commit().await?;
    Ok((id, pw))
}

pub async fn create_user(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<UserForm>) -> AppResult<Response> {
    p.require(Permission::ManageAccounts)?;
    let input = match form.validate() {
        Ok(i) => i,
        Err(e) => return users_page(&st, &p, Permission::ManageAccounts, UsersQuery::default(), form, Errs(e), Some("请修改标红的项目".into())).await,
    };
    match create_account(&st, &p, &input).await {
        Ok((id, pw)) => user_page(&st, &p, id, Some(pw), Some("账号已创建".into())).await,
        Err(AppError::Invalid { message, fields }) => users_page(&st, &p, Permission::ManageAccounts, UsersQuery::default(), form, Errs(fields), Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    l: Layout,
    base: String,
    user: User,
    grants: Vec<(i64, &'static str, String)>,
    one_time: Option<String>,
    info: Option<String>,
    message: Option<String>,
    can_manage_account: bool,
    can_grant: bool,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
}

async fn user_page(st: &AppState, p: &Principal, id: i64, one_time: Option<String>, info: Option<String>) -> AppResult<Response> {
    user_page_msg(st, p, id, one_time, info, None).await
}

async fn user_page_msg(st: &AppState, p: &Principal, id: i64, one_time: Option<String>, info: Option<String>, message: Option<String>) -> AppResult<Response> {
    let can_manage_account = p.can(Permission::ManageAccounts);
    let can_grant = p.can(Permission::ManageGrants);
    if !can_manage_account && !can_grant {
        return Err(AppError::Forbidden);
    }
    let user = users::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let grants = users::grants_of(&st.db, id)
        .await?
        .into_iter()
        .map(|g| (g.id, g.role().map(Role::label).unwrap_or("未知角色"), g.org_name.clone().map(|n| format!("{n}及下级")).unwrap_or_else(|| "全系统（不含业务数据）".into())))
        .collect();
    let orgs = if can_grant { scope_org_options(&st.db, &Scope::system(lianzheng_core::org::SystemScope::OrgTree)).await? } else { vec![] };
    let base = if can_manage_account { "/admin/users" } else { "/admin/grants" };
    render(&UserPage {
        l: Layout::new(st, p, &user.display_name, base),
        base: base.to_string(),
        user,
        grants,
        one_time,
        info,
        message,
        can_manage_account,
        can_grant,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        orgs,
    })
}

pub async fn user(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    user_page(&st, &p, parse_id(&id)?, None, None).await
}

pub async fn reset(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    p.require(Permission::ManageAccounts)?;
    let id = parse_id(&id)?;
    let pw = generate_one_time_password();
    let hash = st.hasher.hash(&pw).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = st.db.begin().await?;
    users::set_password(&mut tx, &p.actor(), id, &hash, true).await?;
    tx.commit().await?;
    lianzheng_store::sessions::delete_for_user(&st.db, id).await?;
    user_page(&st, &p, id, Some(pw), Some("密码已重置，该账号的登录会话已全部失效".into())).await
}

pub async fn unlock(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    p.require(Permission::ManageAccounts)?;
    let id = parse_id(&id)?;
    let mut tx = st.db.begin().await?;
    users::unlock(&mut tx, &p.actor(), id).await?;
    tx.commit().await?;
    user_page(&st, &p, id, None, Some("已解除锁定".into())).await
}

async fn set_disabled(st: &AppState, p: &Principal, id: &str, disabled: bool) -> AppResult<Response> {
    p.require(Permission::ManageAccounts)?;
    let id = parse_id(id)?;
    if id == p.user.id {
        return Err(AppError::invalid("不能停用自己的账号"));
    }
    let mut tx = st.db.begin().await?;
    users::set_disabled(&mut tx, &p.actor(), id, disabled).await?;
    tx.commit().await?;
    user_page(st, p, id, None, Some(if disabled { "账号已停用" } else { "账号已启用" }.into())).await
}

pub async fn disable(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    set_disabled(&st, &p, &id, true).await
}

pub async fn enable(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    set_disabled(&st, &p, &id, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    user_id: String,
    role: String,
    org_id: String,
}

/// Grants a role. Three-way separation: the 安全保密管理员 cannot grant an admin role to themself.
pub async fn grant_role(st: &AppState, p: &Principal, user_id: i64, role: &str, org_id: Option<i64>) -> AppResult<()> {
    p.require(Permission::ManageGrants)?;
    let role = Role::parse(role).ok_or_else(|| AppError::field("role", "请选择角色"))?;
    if user_id == p.user.id {
        return Err(AppError::field("role", "不能给自己授权"));
    }
    users::get(&st.db, user_id).await?.ok_or(AppError::NotFound)?;
    if role.needs_org() {
        let oid = org_id.ok_or_else(|| AppError::field("org_id", "业务角色必须选择组织范围"))?;
        org::get(&st.db, oid).await?.ok_or_else(|| AppError::field("org_id", "组织不存在"))?;
    }
    // an account holds one admin role at most and never mixes admin and business roles
    let existing = users::grants_of(&st.db, user_id).await?;
    let has_admin = existing.iter().filter_map(|g| g.role()).any(Role::is_admin);
    let has_business = existing.iter().filter_map(|g| g.role()).any(|r| !r.is_admin());
    if (role.is_admin() && (has_admin || has_business)) || (!role.is_admin() && has_admin) {
        return Err(AppError::field("role", "三员分立：管理员角色不能与其他角色兼任"));
    }
    let mut tx = st.db.begin().await?;
    users::add_grant(&mut tx, &p.actor(), user_id, role, org_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn grant(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<GrantForm>) -> AppResult<Response> {
    let user_id = parse_id(&f.user_id)?;
    let org_id = f.org_id.trim().parse::<i64>().ok();
    match grant_role(&st, &p, user_id, &f.role, org_id).await {
        Ok(()) => user_page(&st, &p, user_id, None, Some("已授权".into())).await,
        Err(AppError::Invalid { message, .. }) => {
            let mut r = user_page_msg(&st, &p, user_id, None, None, Some(message)).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<GrantForm>) -> AppResult<Response> {
    p.require(Permission::ManageGrants)?;
    let mut tx = st.db.begin().await?;
    users::remove_grant(&mut tx, &p.actor(), parse_id(&id)?).await?;
    tx.commit().await?;
    match parse_id(&f.user_id) {
        Ok(uid) => Ok(Redirect::to(&format!("/admin/users/{uid}")).into_response()),
        Err(_) => Ok(Redirect::to("/admin/grants").into_response()),
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    l: Layout,
    policy: Vec<(&'static str, String)>,
    jobs: Vec<(String, String, String, String)>,
}

pub async fn settings(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ManageSettings)?;
    let pol = &st.policy;
    let policy = vec![
        ("登录失败锁定次数", pol.lockout_attempts.to_string()),
        ("锁定时长（分钟）", pol.lockout_minutes.to_string()),
        ("空闲超时（分钟）", pol.idle_timeout_minutes.to_string()),
        ("密码最短长度", pol.password_min_length.to_string()),
        ("管理员强制双因素认证", if pol.require_totp_for_admins { "是" } else { "否" }.to_string()),
        ("附件大小上限（MB）", (pol.upload_max_bytes / 1024 / 1024).to_string()),
        ("允许的附件类型", pol.upload_types.join("、")),
    ];
    let jobs = jobs::list(&st.db)
        .await?
        .into_iter()
        .map(|j| {
            let name = match j.kind.as_str() {
                "session_cleanup" => "清理过期会话",
                "audit_verify" => "审计日志链校验",
                other => other,
            };
            (name.to_string(), fmt_time(j.run_at), j.last_run_at.map(fmt_time).unwrap_or_default(), j.last_error.unwrap_or_else(|| "正常".into()))
        })
        .collect();
    render(&SettingsPage { l: Layout::new(&st, &p, "系统设置", "/admin/settings"), policy, jobs })
}
