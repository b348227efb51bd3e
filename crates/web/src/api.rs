//! JSON API under /api/v1: the same rules as the pages (shared checks in `forms`, the same
//! store calls, the same scope). The operation table below also feeds the OpenAPI document,
//! so an operation cannot exist without being documented.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use axum::{Json, Router};
use lianzheng_core::crypto::sm3_hex;
use lianzheng_core::org::Permission;
use lianzheng_store::people;
use lianzheng_store::{attachments, audit, org, sessions, users};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::{ClientAddr, Principal, request_token, sign_in, token_hash};
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, OrgForm, PersonForm, PostForm, Q, UserForm, into_error, parse_id};
use crate::pages_api_shared::{audit_query, people_query};
use crate::state::AppState;

/// One operation of the API.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub route: fn() -> MethodRouter<AppState>,
}

/// Base operations; each domain area adds its own list in `all_ops`.
pub const OPS: &[Op] = &[
    Op { method: "post", path: "/auth/login", summary: "登录，返回 API 令牌", tag: "认证", route: || post(login) },
    Op { method: "post", path: "/auth/logout", summary: "注销当前令牌", tag: "认证", route: || post(logout) },
    Op { method: "get", path: "/me", summary: "当前用户、角色与范围", tag: "认证", route: || get(me) },
    Op { method: "get", path: "/orgs", summary: "组织列表（范围内；parent=下级，q=按名称查找）", tag: "组织机构", route: || get(orgs_list) },
    Op { method: "post", path: "/orgs", summary: "新增组织（系统管理员）", tag: "组织机构", route: || post(orgs_create) },
    Op { method: "get", path: "/orgs/{id}", summary: "组织详情", tag: "组织机构", route: || get(orgs_get) },
    Op { method: "put", path: "/orgs/{id}", summary: "修改组织（系统管理员）；给出 parent_id 即机构调整：连同下级组织、人员与业务数据移到新上级之下", tag: "组织机构", route: || put(orgs_update) },
    Op { method: "get", path: "/people", summary: "人员列表（范围内，分页；q=姓名/拼音首字母/身份证号）", tag: "人员", route: || get(people_list) },
    Op { method: "post", path: "/people", summary: "新增人员", tag: "人员", route: || post(people_create) },
    Op { method: "get", path: "/people/{id}", summary: "人员详情与任职", tag: "人员", route: || get(people_get) },
    Op { method: "put", path: "/people/{id}", summary: "修改人员", tag: "人员", route: || put(people_update) },
    Op { method: "post", path: "/people/{id}/posts", summary: "添加任职", tag: "人员", route: || post(posts_create) },
    Op { method: "get", path: "/users", summary: "账号列表（系统管理员）", tag: "账号与授权", route: || get(users_list) },
    Op { method: "post", path: "/users", summary: "新建账号，返回一次性初始密码（系统管理员）", tag: "账号与授权", route: || post(users_create) },
    Op { method: "post", path: "/users/{id}/reset-password", summary: "重置密码（系统管理员）", tag: "账号与授权", route: || post(users_reset) },
    Op { method: "post", path: "/users/{id}/unlock", summary: "解除锁定（系统管理员）", tag: "账号与授权", route: || post(users_unlock) },
    Op { method: "get", path: "/users/{id}/grants", summary: "账号的角色授权（安全保密管理员）", tag: "账号与授权", route: || get(grants_list) },
    Op { method: "post", path: "/users/{id}/grants", summary: "授予角色（安全保密管理员）", tag: "账号与授权", route: || post(grants_create) },
    Op { method: "delete", path: "/grants/{id}", summary: "撤销授权（安全保密管理员）", tag: "账号与授权", route: || delete(grants_delete) },
    Op { method: "get", path: "/audit", summary: "审计日志（安全审计员）", tag: "审计", route: || get(audit_list) },
    Op { method: "post", path: "/audit/verify", summary: "校验审计日志链（安全审计员）", tag: "审计", route: || post(audit_verify) },
    Op { method: "post", path: "/attachments", summary: "上传附件（multipart：org_id, owner_kind, owner_id, file）", tag: "附件", route: || post(attachments_upload) },
    Op { method: "get", path: "/attachments/{id}", summary: "下载附件", tag: "附件", route: || get(attachments_download) },
];

/// Every operation of the API.
pub fn all_ops() -> impl Iterator<Item = &'static Op> {
    OPS.iter().chain(crate::duty_api::lists::OPS).chain(crate::duty_api::tasks::OPS).chain(crate::duty_api::letters::OPS)
}

pub fn routes() -> Router<AppState> {
    // one method per operation; operations on the same path are merged into one route
    let mut paths: std::collections::BTreeMap<&'static str, MethodRouter<AppState>> = std::collections::BTreeMap::new();
    for op in all_ops() {
        let route = match paths.remove(op.path) {
            Some(existing) => existing.merge((op.route)()),
            None => (op.route)(),
        };
        paths.insert(op.path, route);
    }
    let mut r = Router::new();
    for (path, route) in paths {
        r = r.route(path, route);
    }
    r.fallback(|| async { AppError::NotFound })
}

pub async fn healthz(State(st): State<AppState>) -> AppResult<Json<Value>> {
    lianzheng_store::db::ping(&st.db).await?;
    Ok(Json(json!({"status": "ok", "database": st.db.backend().name(), "version": st.version})))
}

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
struct OrgsQuery {
    parent: String,
    q: String,
}

async fn orgs_list(State(st): State<AppState>, p: Principal, Q(q): Q<OrgsQuery>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewOrgs)?;
    let items: Vec<Value> = if let Ok(pid) = q.parent.parse::<i64>() {
        let parent = org::get_in_scope(&st.db, &scope, pid).await?;
        org::children(&st.db, parent.id).await?.into_iter().map(|(o, n)| json!({"org": o, "child_count": n})).collect()
    } else if !q.q.trim().is_empty() {
        org::list_in_scope(&st.db, &scope, Some(&q.q), 200).await?.into_iter().map(|o| json!({"org": o})).collect()
    } else {
        let mut v = Vec::new();
        for o in org::scope_roots(&st.db, &scope).await? {
            let n = org::child_count(&st.db, o.id).await?;
            v.push(json!({"org": o, "child_count": n}));
        }
        v
    };
    Ok(Json(json!({"items": items})))
}

async fn orgs_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    Ok(Json(json!({"org": o, "kind_label": o.kind_label()})))
}

async fn orgs_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<OrgForm>) -> AppResult<(StatusCode, Json<Value>)> {
    p.require(Permission::ManageOrgs)?;
    let input = f.validate().map_err(into_error)?;
    let mut tx = st.db.begin().await?;
    let o = org::create(&mut tx, &p.actor(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"org": o}))))
}

async fn orgs_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<OrgForm>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ManageOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let mut input = f.validate().map_err(into_error)?;
    // the parent changes only when one is given (moving the unit and everything under it)
    if f.parent_id.trim().is_empty() {
        input.parent_id = o.parent_id;
    }
    crate::pages::orgs::check_new_parent(&st, &scope, &o, &input).await?;
    let version = f.version.parse().map_err(|_| AppError::field("version", "请提供版本号 version（来自读取时的数据）"))?;
    let mut tx = st.db.begin().await?;
    org::update(&mut tx, &p.actor(), o.id, version, &input).await?;
    tx.commit().await?;
    Ok(Json(json!({"org": org::get(&st.db, o.id).await?})))
}

#[derive(Serialize)]
struct PeoplePage<'a> {
    items: &'a [people::Person],
    total: i64,
    page: i64,
    pages: i64,
}

/// Serialised from a struct, not through `serde_json::Value`: this is the busiest list.
async fn people_list(State(st): State<AppState>, p: Principal, Q(q): Q<crate::pages_api_shared::PeopleQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewPeople)?;
    let (rows, pager) = people_query(&st, &scope, &q).await?;
    Ok(Json(PeoplePage { items: &rows, total: pager.total, page: pager.page, pages: pager.pages }).into_response())
}

async fn people_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewPeople)?;
    let person = people::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let posts = people::posts_of(&st.db, person.id).await?;
    Ok(Json(json!({"person": person, "posts": posts})))
}

async fn people_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<PersonForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::ManagePeople)?;
    let (input, post) = f.validate().map_err(into_error)?;
    let mut tx = st.db.begin().await?;
    let posts: Vec<_> = post.into_iter().collect();
    let id = people::create(&mut tx, &p.actor(), st.crypto.as_ref(), &scope, &input, &posts).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"person": people::get_in_scope(&st.db, &scope, id).await?}))))
}

async fn people_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PersonForm>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let input = crate::pages_api_shared::person_edit_input(&st, person.id, &f).await.map_err(into_error)?;
    let version = f.version.parse().map_err(|_| AppError::field("version", "请提供版本号 version（来自读取时的数据）"))?;
    let mut tx = st.db.begin().await?;
    people::update(&mut tx, &p.actor(), st.crypto.as_ref(), &scope, person.id, version, &input).await?;
    tx.commit().await?;
    Ok(Json(json!({"person": people::get_in_scope(&st.db, &scope, person.id).await?})))
}

async fn posts_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PostForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let input = f.validate().map_err(into_error)?;
    org::get_in_scope(&st.db, &scope, input.org_id).await.map_err(|_| AppError::field("org_id", "任职单位不存在或不在您的管理范围内"))?;
    let mut tx = st.db.begin().await?;
    people::create_post(&mut tx, &p.actor(), person.id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"posts": people::posts_of(&st.db, person.id).await?}))))
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

async fn audit_list(State(st): State<AppState>, p: Principal, Q(q): Q<crate::pages_api_shared::AuditQuery>) -> AppResult<Json<Value>> {
    p.require(Permission::ViewAudit)?;
    let (items, total, page) = audit_query(&st, &q).await?;
    Ok(Json(json!({"items": items, "total": total, "page": page})))
}

async fn audit_verify(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    p.require(Permission::ViewAudit)?;
    Ok(Json(json!({"result": audit::verify_chain(&st.db).await?})))
}

async fn attachments_upload(State(st): State<AppState>, p: Principal, mut mp: Multipart) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::UploadAttachments)?;
    let mut org_id = None;
    let mut owner_kind = String::from("general");
    let mut owner_id = None;
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::invalid(format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("").to_string();
            let ctype = field.content_type().unwrap_or("application/octet-stream").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::invalid(format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)))?;
            file = Some((fname, ctype, bytes.to_vec()));
        } else {
            let v = field.text().await.map_err(|_| AppError::invalid("上传内容无法读取"))?;
            match name.as_str() {
                "org_id" => org_id = v.trim().parse::<i64>().ok(),
                "owner_kind" if !v.trim().is_empty() => owner_kind = v.trim().chars().take(40).collect(),
                "owner_id" => owner_id = v.trim().parse::<i64>().ok(),
                _ => {}
            }
        }
    }
    let (filename, content_type, bytes) = file.ok_or_else(|| AppError::field("file", "请选择文件"))?;
    let org_id = org_id.or(p.user.org_id).ok_or_else(|| AppError::field("org_id", "请指定所属单位 org_id"))?;
    let (id, fingerprint, size) = save_attachment(&st, &p, &scope, org_id, owner_kind, owner_id, filename, content_type, bytes).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "sm3": fingerprint, "size": size}))))
}

/// Checks type and size, stores the bytes, records the row (scope-checked) with its SM3 fingerprint.
#[allow(clippy::too_many_arguments)]
pub async fn save_attachment(st: &AppState, p: &Principal, scope: &lianzheng_store::Scope, org_id: i64, owner_kind: String, owner_id: Option<i64>, filename: String, content_type: String, bytes: Vec<u8>) -> AppResult<(i64, String, i64)> {
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if filename.is_empty() || !st.policy.upload_types.contains(&ext) {
        return Err(AppError::field("file", format!("不支持的文件类型，允许：{}", st.policy.upload_types.join("、"))));
    }
    if bytes.is_empty() {
        return Err(AppError::field("file", "文件为空"));
    }
    if bytes.len() > st.policy.upload_max_bytes {
        return Err(AppError::field("file", format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)));
    }
    // by content too: executables, unknown contents and renamed files are refused
    lianzheng_core::filetype::check_upload(&filename, &bytes).map_err(|m| AppError::field("file", m))?;
    let fingerprint = sm3_hex(&bytes);
    let (key, _) = crate::auth::new_token();
    st.storage.put(&key, &bytes)?;
    let input = attachments::AttachmentInput { org_id, owner_kind, owner_id, filename: filename.chars().take(200).collect(), content_type, size: bytes.len() as i64, sm3: fingerprint.clone(), storage_key: key };
    let mut tx = st.db.begin().await?;
    let id = attachments::create(&mut tx, &p.actor(), scope, &input).await?;
    tx.commit().await?;
    Ok((id, fingerprint, input.size))
}

pub async fn attachments_download(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::UploadAttachments)?;
    let a = attachments::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let bytes = st.storage.get(&a.storage_key)?;
    if sm3_hex(&bytes) != a.sm3 {
        return Err(AppError::Internal(format!("附件 {} 指纹不符，文件可能被改动", a.id)));
    }
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/octet-stream"));
    let encoded = crate::middleware::urlencode(&a.filename).replace('+', "%20");
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// Handlers shared as-is with the pages.
pub use crate::pages_api_shared as shared;
