//! API of organisations, people and posts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Json;
use lianzheng_core::org::Permission;
use lianzheng_store::people;
use lianzheng_store::org;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Op;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, OrgForm, PersonForm, PostForm, Q, into_error, parse_id};
use crate::pages_api_shared::people_query;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/orgs", summary: "组织列表（范围内；parent=下级，q=按名称查找）", tag: "组织机构", route: || get(orgs_list) },
    Op { method: "post", path: "/orgs", summary: "新增组织（系统管理员）", tag: "组织机构", route: || post(orgs_create) },
    Op { method: "get", path: "/orgs/{id}", summary: "组织详情", tag: "组织机构", route: || get(orgs_get) },
    Op { method: "put", path: "/orgs/{id}", summary: "修改组织（系统管理员）；给出 parent_id 即机构调整：连同下级组织、人员与业务数据移到新上级之下", tag: "组织机构", route: || put(orgs_update) },
    Op { method: "get", path: "/people", summary: "人员列表（范围内，分页；q=姓名/拼音首字母/身份证号）", tag: "人员", route: || get(people_list) },
    Op { method: "post", path: "/people", summary: "新增人员", tag: "人员", route: || post(people_create) },
    Op { method: "get", path: "/people/{id}", summary: "人员详情与任职", tag: "人员", route: || get(people_get) },
    Op { method: "put", path: "/people/{id}", summary: "修改人员", tag: "人员", route: || put(people_update) },
    Op { method: "post", path: "/people/{id}/posts", summary: "添加任职", tag: "人员", route: || post(posts_create) },
];

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
    let (rows, pager) = people_query(&st, &p, &scope, &q).await?;
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
