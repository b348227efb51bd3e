//! Admin pages, split by the three admin roles: 系统管理员 (accounts, settings),
//! 安全保密管理员 (grants, approving password resets). Neither sees business data here.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lianzheng_core::ids::{GrantId, OrgId, UserId};
use lianzheng_core::org::{Permission, Role};
use serde::Deserialize;

use super::{render, render_status};
use crate::app::account::{self as accounts, ApprovedReset, ResetRequest, User};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, UserForm, parse_id};
use crate::layout::{Errs, Layout, Pager, fmt_time};
use crate::state::AppState;

/// A refusal the page shows in place (with its status) rather than as an error page.
fn refusal(e: AppError) -> AppResult<(String, StatusCode)> {
    match e {
        AppError::Refused(m) => Ok((m, StatusCode::FORBIDDEN)),
        AppError::Conflict(m) => Ok((m, StatusCode::CONFLICT)),
        AppError::Invalid { message, .. } => Ok((message, StatusCode::UNPROCESSABLE_ENTITY)),
        other => Err(other),
    }
}

fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

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
    orgs: Vec<(OrgId, String)>,
    info: Option<String>,
    message: Option<String>,
    /// For the 安全保密管理员: reset requests waiting for approval.
    pending_resets: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    #[serde(flatten)]
    paging: crate::app::paging::Paging,
}

async fn users_page(st: &AppState, p: &Principal, perm: Permission, q: UsersQuery, form: UserForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let (rows, total, page, size) = accounts::list_accounts_page(st, p, perm, &q.q, &q.paging).await?;
    let base = if q.q.is_empty() { String::new() } else { format!("{}&", serde_urlencoded::to_string([("q", q.q.as_str())]).unwrap_or_default()) };
    let (heading, href, active) = if perm == Permission::ManageAccounts { ("账号管理", "/admin/users", "/admin/users") } else { ("授权管理", "/admin/grants", "/admin/grants") };
    let orgs = if perm == Permission::ManageAccounts { accounts::org_choices(st, p).await? } else { vec![] };
    let pending_resets = if perm == Permission::ManageGrants { accounts::reset_requests(st, p).await?.0.len() } else { 0 };
    let failed = message.is_some();
    render_status(
        &UsersPage {
            l: Layout::new(st, p, heading, active),
            heading: heading.to_string(),
            base: href.to_string(),
            q: q.q,
            rows: rows
                .into_iter()
                .map(|u| {
                    let t = u.last_login_at.map(fmt_time).unwrap_or_default();
                    (u, t)
                })
                .collect(),
            pager: Pager::new(page, size, total, base).sorted(&q.paging.sort, accounts::ACCOUNT_SORTS),
            can_create: perm == Permission::ManageAccounts,
            form,
            errors,
            orgs,
            info: None,
            message,
            pending_resets,
        },
        failed,
    )
}

pub async fn users(State(st): State<AppState>, p: Principal, Q(q): Q<UsersQuery>) -> AppResult<Response> {
    users_page(&st, &p, Permission::ManageAccounts, q, UserForm::default(), Errs::default(), None).await
}

pub async fn grants_index(State(st): State<AppState>, p: Principal, Q(q): Q<UsersQuery>) -> AppResult<Response> {
    users_page(&st, &p, Permission::ManageGrants, q, UserForm::default(), Errs::default(), None).await
}

pub async fn create_user(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<UserForm>) -> AppResult<Response> {
    p.require(Permission::ManageAccounts)?;
    let input = match form.validate() {
        Ok(i) => i,
        Err(e) => return users_page(&st, &p, Permission::ManageAccounts, UsersQuery::default(), form, Errs(e), Some("请修改标红的项目".into())).await,
    };
    match accounts::create_account(&st, &p, &input).await {
        Ok((id, pw)) => user_page(&st, &p, id, Some(pw), Some("账号已创建".into())).await,
        Err(AppError::Invalid { message, fields }) => users_page(&st, &p, Permission::ManageAccounts, UsersQuery::default(), form, Errs(fields), Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    l: Layout,
    user: User,
    grants: Vec<(GrantId, &'static str, String)>,
    one_time: Option<String>,
    info: Option<String>,
    message: Option<String>,
    can_manage_account: bool,
    can_grant: bool,
    /// Holds an admin role: other administrators cannot act on it.
    admin_account: bool,
    /// (requested at, by whom) of a reset waiting for the 安全保密管理员.
    pending_reset: Option<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<(OrgId, String)>,
}

async fn user_page(st: &AppState, p: &Principal, id: UserId, one_time: Option<String>, info: Option<String>) -> AppResult<Response> {
    user_page_msg(st, p, id, one_time, info, None).await
}

async fn user_page_msg(st: &AppState, p: &Principal, id: UserId, one_time: Option<String>, info: Option<String>, message: Option<String>) -> AppResult<Response> {
    let v = accounts::account(st, p, id).await?;
    let can_manage_account = p.can(Permission::ManageAccounts);
    let can_grant = p.can(Permission::ManageGrants);
    let grants = v.grants.iter().map(|g| (g.id, g.role().map(Role::label).unwrap_or("未知角色"), g.org_name.clone().map(|n| format!("{n}及下级")).unwrap_or_else(|| "全系统（不含业务数据）".into()))).collect();
    let orgs = if can_grant { accounts::org_choices(st, p).await? } else { vec![] };
    let base = if can_manage_account { "/admin/users" } else { "/admin/grants" };
    let pending_reset = v.pending_reset.map(|r| (fmt_time(r.requested_at), r.requested_by_name.unwrap_or_default()));
    render(&UserPage {
        l: Layout::new(st, p, &v.user.display_name, base),
        user: v.user,
        grants,
        one_time,
        info,
        message,
        can_manage_account,
        can_grant,
        admin_account: v.admin_account,
        pending_reset,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        orgs,
    })
}

/// The account page again, with what was done or why it was refused.
async fn after(st: &AppState, p: &Principal, id: UserId, done: AppResult<()>, info: &str) -> AppResult<Response> {
    match done {
        Ok(()) => user_page(st, p, id, None, Some(info.to_string())).await,
        Err(e) => {
            let (message, status) = refusal(e)?;
            Ok(with_status(user_page_msg(st, p, id, None, None, Some(message)).await?, status))
        }
    }
}

pub async fn user(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    user_page(&st, &p, parse_id(&id)?, None, None).await
}

/// The 系统管理员 asks for a reset; it takes effect when the 安全保密管理员 approves.
pub async fn reset(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let done = accounts::request_reset(&st, &p, id).await.map(|_| ());
    after(&st, &p, id, done, "已提交密码重置申请，待安全保密管理员审批后生效").await
}

pub async fn unlock(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let done = accounts::unlock(&st, &p, id).await;
    after(&st, &p, id, done, "已解除锁定").await
}

async fn set_disabled(st: &AppState, p: &Principal, id: &str, disabled: bool) -> AppResult<Response> {
    let id = parse_id(id)?;
    let done = accounts::set_disabled(st, p, id, disabled).await;
    after(st, p, id, done, if disabled { "账号已停用，该账号的登录会话已全部失效" } else { "账号已启用" }).await
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

pub async fn grant(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<GrantForm>) -> AppResult<Response> {
    let user_id = parse_id(&f.user_id)?;
    let org_id = f.org_id.trim().parse::<i64>().ok().map(OrgId::new);
    let done = accounts::grant_role(&st, &p, user_id, &f.role, org_id).await;
    after(&st, &p, user_id, done, "已授权").await
}

pub async fn revoke(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<GrantForm>) -> AppResult<Response> {
    match accounts::revoke_grant(&st, &p, parse_id(&id)?).await {
        Ok(uid) => Ok(flash::redirect(&st, &format!("/admin/users/{uid}"), Flash::Revoked)),
        Err(e) => match parse_id(&f.user_id) {
            Ok(uid) => after(&st, &p, uid, Err(e), "").await,
            Err(_) => Err(e),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_resets.html")]
struct ResetsPage {
    l: Layout,
    /// (request, requested at)
    pending: Vec<(ResetRequest, String)>,
    /// (request, decided at, outcome)
    recent: Vec<(ResetRequest, String, &'static str)>,
    approved: Option<ApprovedReset>,
    info: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

async fn resets_page(st: &AppState, p: &Principal, approved: Option<ApprovedReset>, info: Option<String>, message: Option<String>) -> AppResult<Response> {
    let (pending, recent) = accounts::reset_requests(st, p).await?;
    render(&ResetsPage {
        l: Layout::new(st, p, "密码重置审批", "/admin/grants"),
        pending: pending
            .into_iter()
            .map(|r| {
                let t = fmt_time(r.requested_at);
                (r, t)
            })
            .collect(),
        recent: recent
            .into_iter()
            .map(|r| {
                let t = r.decided_at.map(fmt_time).unwrap_or_default();
                let outcome = r.status.label();
                (r, t, outcome)
            })
            .collect(),
        approved,
        info,
        message,
    })
}

/// The 安全保密管理员's list of reset requests.
pub async fn resets(State(st): State<AppState>, p: Principal, Q(q): Q<DoneQuery>) -> AppResult<Response> {
    let info = (q.done == "rejected").then(|| "已驳回该申请，密码未改变".to_string());
    resets_page(&st, &p, None, info, None).await
}

/// Approves a reset; the one-time password is shown here, once, to the approver.
pub async fn approve_reset(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    match accounts::approve_reset(&st, &p, parse_id(&id)?).await {
        Ok(a) => resets_page(&st, &p, Some(a), None, None).await,
        Err(e) => {
            let (message, status) = refusal(e)?;
            Ok(with_status(resets_page(&st, &p, None, None, Some(message)).await?, status))
        }
    }
}

pub async fn reject_reset(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    match accounts::reject_reset(&st, &p, parse_id(&id)?).await {
        Ok(_) => Ok(Redirect::to("/admin/resets?done=rejected").into_response()),
        Err(e) => {
            let (message, status) = refusal(e)?;
            Ok(with_status(resets_page(&st, &p, None, None, Some(message)).await?, status))
        }
    }
}

/// One group of editable settings on the page: (group, its settings with the value shown).
type SettingGroup = (&'static str, Vec<crate::app::settings::View>);

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    l: Layout,
    groups: Vec<SettingGroup>,
    errors: Errs,
    message: Option<String>,
    policy: Vec<(&'static str, String)>,
    jobs: Vec<(String, String, String, String)>,
}

/// The page with the values in force, or — after a refused change — with what was typed.
async fn settings_page(st: &AppState, p: &Principal, typed: Option<&BTreeMap<String, String>>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let mut groups: Vec<SettingGroup> = Vec::new();
    for mut v in crate::app::settings::list(st, p).await? {
        if let Some(t) = typed.and_then(|t| t.get(&v.key)) {
            v.value = t.replace("\r\n", "\n");
        }
        match groups.iter_mut().find(|(g, _)| *g == v.group) {
            Some((_, items)) => items.push(v),
            None => groups.push((v.group, vec![v])),
        }
    }
    let jobs = accounts::job_status(st, p)
        .await?
        .into_iter()
        .map(|j| (crate::modules::job_label(&j.kind).to_string(), fmt_time(j.run_at), j.last_run_at.map(fmt_time).unwrap_or_default(), j.last_error.unwrap_or_else(|| "正常".into())))
        .collect();
    let pol = &st.policy;
    let proxies = if pol.trusted_proxies.is_empty() { "无（不采信 X-Forwarded-For）".to_string() } else { pol.trusted_proxies.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join("、") };
    let policy = vec![
        ("登录失败锁定次数", pol.lockout_attempts.to_string()),
        ("锁定时长（分钟）", pol.lockout_minutes.to_string()),
        ("空闲超时（分钟）", pol.idle_timeout_minutes.to_string()),
        ("API 令牌有效期（小时）", pol.api_token_hours.to_string()),
        ("API 令牌空闲超时（分钟）", pol.api_token_idle_minutes.to_string()),
        ("密码最短长度", pol.password_min_length.to_string()),
        ("管理员强制双因素认证", if pol.require_totp_for_admins { "是" } else { "否" }.to_string()),
        ("可信代理", proxies),
        ("附件大小上限（MB）", (pol.upload_max_bytes / 1024 / 1024).to_string()),
        ("允许的附件类型", pol.upload_types.join("、")),
    ];
    let failed = !errors.is_empty() || message.is_some();
    render_status(&SettingsPage { l: Layout::new(st, p, "系统设置", "/admin/settings"), groups, errors: Errs(errors), message, policy, jobs }, failed)
}

pub async fn settings(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    settings_page(&st, &p, None, FieldErrors::new(), None).await
}

/// Saves the form's settings; a bad value shows the page again with every typed value kept.
pub async fn save_settings(State(st): State<AppState>, p: Principal, PageForm(mut form): PageForm<BTreeMap<String, String>>) -> AppResult<Response> {
    form.remove("_csrf");
    match crate::app::settings::update(&st, &p, &form).await {
        Ok(_) => Ok(flash::redirect(&st, "/admin/settings", Flash::Saved)),
        Err(AppError::Invalid { message, fields }) => settings_page(&st, &p, Some(&form), fields, Some(message)).await,
        Err(e) => Err(e),
    }
}
